namespace Nko.Lm.Training;

/// <summary>What <see cref="KneserNeyTrainer"/> counted and estimated (what lmplz prints on its standard error).</summary>
public sealed class KneserNeySummary
{
    internal KneserNeySummary(long sentences, long tokens, long[] counts, KneserNeyDiscount[] discounts, bool[] fallback)
    {
        Sentences = sentences;
        Tokens = tokens;
        NgramCounts = counts;
        Discounts = discounts;
        UsedFallback = fallback;
    }

    /// <summary>Sentences (lines) read.</summary>
    public long Sentences { get; }

    /// <summary>Tokens read (without <c>&lt;s&gt;</c> and <c>&lt;/s&gt;</c>).</summary>
    public long Tokens { get; }

    /// <summary>N-grams written per order (index 0: unigrams, <c>&lt;unk&gt;</c> and <c>&lt;s&gt;</c> included).</summary>
    public IReadOnlyList<long> NgramCounts { get; }

    /// <summary>The discounts used per order.</summary>
    public IReadOnlyList<KneserNeyDiscount> Discounts { get; }

    /// <summary>Per order, whether the fallback discounts replaced an invalid estimate.</summary>
    public IReadOnlyList<bool> UsedFallback { get; }
}
