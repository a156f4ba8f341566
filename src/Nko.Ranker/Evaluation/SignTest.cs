namespace Nko.Ranker.Evaluation;

/// <summary>The exact two-sided sign test over paired outcomes (utterances that got better or worse; ties are dropped).</summary>
/// <remarks>
/// Under the null hypothesis each of the <c>n = better + worse</c> differing utterances is better or worse with
/// probability ½, so the smaller count <c>k</c> is Binomial(n, ½). The two-sided p-value doubles the smaller tail:
/// <c>p = min(1, 2 · Σ_{i=0..k} C(n, i) / 2ⁿ)</c> (for the symmetric binomial this equals the sum of the probabilities of
/// all outcomes no more likely than the one observed). With no differing utterance, <c>p = 1</c>. The tail is summed in
/// log space, so any <c>n</c> that fits an <see cref="int"/> works without overflow or underflow to a wrong value.
/// </remarks>
public static class SignTest
{
    /// <summary>The exact two-sided p-value of <paramref name="better"/> against <paramref name="worse"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public static double TwoSidedP(int better, int worse)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(better);
        ArgumentOutOfRangeException.ThrowIfNegative(worse);
        long n = (long)better + worse;
        if (n == 0)
        {
            return 1;
        }

        int k = Math.Min(better, worse);
        if (2L * k >= n)
        {
            return 1;
        }

        // log P(X = i) for i = 0..k by the ratio C(n, i+1) / C(n, i) = (n − i) / (i + 1), accumulated as log Σ (log-add-exp):
        // the terms increase with i (k < n/2), so each new term is the larger one.
        double logTerm = n * Math.Log(0.5);
        double logTail = logTerm;
        for (int i = 0; i < k; i++)
        {
            logTerm += Math.Log((double)(n - i)) - Math.Log(i + 1.0);
            logTail = logTerm + Math.Log(1 + Math.Exp(logTail - logTerm));
        }

        double tail = Math.Exp(logTail);
        return Math.Min(1, 2 * tail);
    }
}
