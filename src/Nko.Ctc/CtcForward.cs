namespace Nko.Ctc;

/// <summary>Exact CTC forward log-likelihoods: a fast entry point and the plain log-space reference.</summary>
/// <remarks>
/// <para>Conventions match PyTorch: the result is −<c>ctc_loss(reduction='none', zero_infinity=False)</c> in natural
/// log; a target that cannot be aligned in T frames (T &lt; L + number of adjacent equal labels) gives
/// <see cref="double.NegativeInfinity"/>; an empty target's likelihood is the product of the blank probabilities.</para>
/// <para>To score many targets against one matrix, reuse a <see cref="CtcScorer"/>: it exponentiates the matrix once.</para>
/// </remarks>
public static class CtcForward
{
    [ThreadStatic]
    private static CtcScorer? t_scorer;

    /// <summary>The log-likelihood of <paramref name="target"/> under <paramref name="logProbs"/> (fast path, double precision).</summary>
    /// <exception cref="ArgumentException">A target label is the blank or outside [0, C).</exception>
    public static double LogLikelihood(LogProbMatrix logProbs, int blankIndex, ReadOnlySpan<int> target)
    {
        CtcScorer scorer = t_scorer ??= new CtcScorer();
        scorer.Reset(logProbs, blankIndex);
        return scorer.LogLikelihood(target);
    }

    /// <summary>
    /// The reference implementation: the textbook log-space recursion (Graves et al. 2006) with <c>logsumexp</c> per cell
    /// in double precision. Slow (O(T·L) exp/log calls); meant for testing and auditing the fast path.
    /// </summary>
    public static double LogSpaceLogLikelihood(LogProbMatrix logProbs, int blankIndex, ReadOnlySpan<int> target)
    {
        CtcScorer.ValidateTarget(target, blankIndex, logProbs.Classes);
        int frames = logProbs.Frames, classes = logProbs.Classes;
        ReadOnlySpan<float> lp = logProbs.Span;
        int states = 2 * target.Length + 1;
        double[] prev = new double[states];
        double[] cur = new double[states];
        Array.Fill(prev, double.NegativeInfinity);
        prev[0] = lp[blankIndex];
        if (states > 1)
        {
            prev[1] = lp[target[0]];
        }

        for (int t = 1; t < frames; t++)
        {
            ReadOnlySpan<float> row = lp.Slice(t * classes, classes);
            for (int s = 0; s < states; s++)
            {
                int label = (s & 1) == 0 ? blankIndex : target[s >> 1];
                double acc = prev[s];
                if (s >= 1)
                {
                    acc = LogAdd(acc, prev[s - 1]);
                }

                if (s >= 2 && (s & 1) == 1 && target[s >> 1] != target[(s >> 1) - 1])
                {
                    acc = LogAdd(acc, prev[s - 2]);
                }

                cur[s] = acc + row[label];
            }

            (prev, cur) = (cur, prev);
        }

        double result = prev[states - 1];
        if (states > 1)
        {
            result = LogAdd(result, prev[states - 2]);
        }

        return double.IsNaN(result) ? double.NegativeInfinity : result;
    }

    internal static double LogAdd(double a, double b)
    {
        if (double.IsNegativeInfinity(a))
        {
            return b;
        }

        if (double.IsNegativeInfinity(b))
        {
            return a;
        }

        double max = Math.Max(a, b);
        return max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }
}
