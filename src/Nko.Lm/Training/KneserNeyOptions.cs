namespace Nko.Lm.Training;

/// <summary>Options of <see cref="KneserNeyTrainer"/>; the defaults are lmplz's with <c>--discount_fallback</c>.</summary>
public sealed class KneserNeyOptions
{
    /// <summary>Creates options for a model of order <paramref name="order"/> (lmplz <c>-o</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> is outside 1..<see cref="CharLanguageModel.MaxOrder"/>.</exception>
    public KneserNeyOptions(int order)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(order, CharLanguageModel.MaxOrder);
        Order = order;
    }

    /// <summary>The model's order N.</summary>
    public int Order { get; }

    /// <summary>
    /// The discounts used for an order whose count-of-counts give no valid estimate (some n1..n3 is 0, or an estimate falls
    /// outside [0, j]): lmplz's <c>--discount_fallback</c>, default <see cref="KneserNeyDiscount.LmplzFallback"/>. <c>null</c>
    /// makes training fail instead, as lmplz does without the flag. Character corpora need it: no character is seen once.
    /// </summary>
    public KneserNeyDiscount? DiscountFallback { get; init; } = KneserNeyDiscount.LmplzFallback;
}
