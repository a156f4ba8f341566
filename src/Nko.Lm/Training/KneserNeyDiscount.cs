namespace Nko.Lm.Training;

/// <summary>Modified Kneser–Ney discounts of one order: subtracted from adjusted counts 1, 2 and 3 or more.</summary>
/// <param name="D1">Discount of n-grams with adjusted count 1.</param>
/// <param name="D2">Discount of n-grams with adjusted count 2.</param>
/// <param name="D3Plus">Discount of n-grams with adjusted count 3 or more.</param>
public readonly record struct KneserNeyDiscount(float D1, float D2, float D3Plus)
{
    /// <summary>lmplz's <c>--discount_fallback</c> defaults: D1 = 0.5, D2 = 1, D3+ = 1.5.</summary>
    public static KneserNeyDiscount LmplzFallback => new(0.5f, 1f, 1.5f);

    /// <summary>The discount of an adjusted count (0 for a count of 0).</summary>
    public float For(long adjustedCount) => adjustedCount switch
    {
        <= 0 => 0f,
        1 => D1,
        2 => D2,
        _ => D3Plus,
    };
}
