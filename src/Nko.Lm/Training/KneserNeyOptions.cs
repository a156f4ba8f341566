namespace Nko.Lm.Training;

/// <summary>
/// Options of <see cref="KneserNeyTrainer"/>; the defaults are lmplz's with <c>--discount_fallback</c>, at order 6.
/// Immutable; every value is checked when it is set (an <see cref="ArgumentOutOfRangeException"/> whose
/// <see cref="ArgumentException.ParamName"/> is the property name), so every instance is valid.
/// </summary>
public sealed record KneserNeyOptions
{
    /// <summary>The default <see cref="Order"/>: 6, the order of the character models this library ships and measures (char6).</summary>
    public const int DefaultOrder = 6;

    /// <summary>The defaults: order <see cref="DefaultOrder"/>, <see cref="KneserNeyDiscount.LmplzFallback"/> discounts.</summary>
    public static KneserNeyOptions Default { get; } = new();

    /// <summary>Creates the default options (order <see cref="DefaultOrder"/>); set properties to change them.</summary>
    public KneserNeyOptions()
    {
    }

    /// <summary>Creates options for a model of order <paramref name="order"/> (lmplz <c>-o</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> is outside 1..<see cref="CharLanguageModel.MaxOrder"/>.</exception>
    public KneserNeyOptions(int order)
    {
        Order = order;
    }

    /// <summary>The model's order N (lmplz <c>-o</c>), in 1..<see cref="CharLanguageModel.MaxOrder"/>. Default <see cref="DefaultOrder"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1..<see cref="CharLanguageModel.MaxOrder"/>.</exception>
    public int Order
    {
        get;
        init => field = value is >= 1 and <= CharLanguageModel.MaxOrder
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Order), value, $"The order must be in 1..{CharLanguageModel.MaxOrder}.");
    }

    = DefaultOrder;

    /// <summary>
    /// The discounts used for an order whose count-of-counts give no valid estimate (some n1..n3 is 0, or an estimate falls
    /// outside [0, j]): lmplz's <c>--discount_fallback</c>, default <see cref="KneserNeyDiscount.LmplzFallback"/>. <c>null</c>
    /// makes training fail instead, as lmplz does without the flag. Character corpora need it: no character is seen once.
    /// </summary>
    public KneserNeyDiscount? DiscountFallback { get; init; } = KneserNeyDiscount.LmplzFallback;
}
