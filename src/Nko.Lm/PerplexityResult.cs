namespace Nko.Lm;

/// <summary>
/// The total log10 probability of a set of sentences and the perplexities KenLM's <c>query</c> reports for it.
/// </summary>
/// <param name="Log10Probability">Sum of the log10 probabilities of every token and every <c>&lt;/s&gt;</c>.</param>
/// <param name="Tokens">Scored tokens, one <c>&lt;/s&gt;</c> per sentence included.</param>
/// <param name="OovTokens">Tokens the vocabulary does not hold (scored as <c>&lt;unk&gt;</c>).</param>
/// <param name="OovLog10Probability">The part of <paramref name="Log10Probability"/> that the unknown tokens contributed.</param>
/// <param name="Sentences">Sentences scored.</param>
public readonly record struct PerplexityResult(double Log10Probability, long Tokens, long OovTokens, double OovLog10Probability, long Sentences)
{
    /// <summary><c>10^(−Log10Probability / Tokens)</c>: KenLM's "perplexity including OOVs".</summary>
    public double Perplexity => Tokens == 0 ? double.NaN : Math.Pow(10, -Log10Probability / Tokens);

    /// <summary>Perplexity over the known tokens only: KenLM's "perplexity excluding OOVs".</summary>
    public double PerplexityExcludingOov =>
        Tokens - OovTokens == 0 ? double.NaN : Math.Pow(10, -(Log10Probability - OovLog10Probability) / (Tokens - OovTokens));
}
