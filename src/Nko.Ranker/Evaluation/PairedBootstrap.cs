namespace Nko.Ranker.Evaluation;

/// <summary>
/// A seeded paired bootstrap of the difference in aggregate CER between two systems (B − A) on the same utterances.
/// </summary>
/// <remarks>
/// <para><b>Statistic.</b> With per-utterance reference lengths <c>r</c> and character errors <c>a</c> (system A) and <c>b</c>
/// (system B), the difference is <c>100 · (Σb − Σa) / Σr</c> percentage points — aggregate CER of B minus aggregate CER of A,
/// both as Σ edits / Σ reference characters.</para>
/// <para><b>Resampling rule.</b> Each resample draws <c>n</c> utterance indices uniformly with replacement (the triples
/// <c>(r, a, b)</c> stay together: the pairing is kept) and recomputes the statistic on the drawn multiset. The indices come
/// from SplitMix64 seeded with <c>seed</c>, mapped to <c>[0, n)</c> by the multiply-high method (<c>⌊x · n / 2⁶⁴⌋</c>,
/// bias below n / 2⁶⁴); the sequence is fixed by this definition, not by <see cref="System.Random"/>, so the interval is
/// identical on every machine and .NET version. A resample that happens to draw only empty references is given the
/// statistic 0.</para>
/// <para><b>Interval.</b> The percentile interval: the resampled statistics are sorted and the bounds are the order
/// statistics <c>k</c> and <c>R − 1 − k</c> (0-based) with <c>k = ⌊R · 0.025⌋</c> — for the default 10,000 resamples, the
/// 251st smallest and the 251st largest. Using symmetric order statistics makes swapping A and B negate the estimate and
/// mirror the interval exactly.</para>
/// </remarks>
public static class PairedBootstrap
{
    /// <summary>The default seed of the resampling sequence (documented so that runs can be reproduced elsewhere).</summary>
    public const ulong DefaultSeed = 17;

    /// <summary>The default number of resamples.</summary>
    public const int DefaultResamples = 10_000;

    /// <summary>The point estimate <c>100 · (Σb − Σa) / Σr</c> in percentage points.</summary>
    /// <exception cref="ArgumentException">The spans differ in length, are empty, hold a negative value, or Σr is 0.</exception>
    public static double DeltaPp(ReadOnlySpan<int> referenceChars, ReadOnlySpan<int> errorsA, ReadOnlySpan<int> errorsB)
    {
        Validate(referenceChars, errorsA, errorsB);
        long r = 0, a = 0, b = 0;
        for (int i = 0; i < referenceChars.Length; i++)
        {
            r += referenceChars[i];
            a += errorsA[i];
            b += errorsB[i];
        }

        return Delta(r, a, b);
    }

    /// <summary>The point estimate of B − A and its 95% percentile interval by a seeded paired bootstrap over utterances.</summary>
    /// <param name="referenceChars">Reference length of each utterance.</param>
    /// <param name="errorsA">Character errors of system A on each utterance.</param>
    /// <param name="errorsB">Character errors of system B on each utterance.</param>
    /// <param name="resamples">Number of bootstrap resamples (at least 1; default 10,000).</param>
    /// <param name="seed">Seed of the resampling sequence.</param>
    /// <exception cref="ArgumentException">The spans differ in length, are empty, hold a negative value, or Σr is 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="resamples"/> is below 1.</exception>
    public static BootstrapInterval CerDifference(
        ReadOnlySpan<int> referenceChars, ReadOnlySpan<int> errorsA, ReadOnlySpan<int> errorsB, int resamples = DefaultResamples, ulong seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        double estimate = DeltaPp(referenceChars, errorsA, errorsB);
        int n = referenceChars.Length;
        double[] deltas = new double[resamples];
        ulong state = seed;
        for (int s = 0; s < resamples; s++)
        {
            long r = 0, a = 0, b = 0;
            for (int j = 0; j < n; j++)
            {
                int i = (int)Math.BigMul(SplitMix64(ref state), (ulong)n, out _);
                r += referenceChars[i];
                a += errorsA[i];
                b += errorsB[i];
            }

            deltas[s] = r == 0 ? 0 : Delta(r, a, b);
        }

        Array.Sort(deltas);
        int k = (int)((long)resamples * 25 / 1000);
        return new BootstrapInterval(estimate, deltas[k], deltas[resamples - 1 - k], resamples, seed);
    }

    /// <summary>The next value of the SplitMix64 sequence (Steele, Lea and Flood 2014) and the advanced state.</summary>
    internal static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static double Delta(long referenceChars, long errorsA, long errorsB) => 100.0 * (errorsB - errorsA) / referenceChars;

    private static void Validate(ReadOnlySpan<int> referenceChars, ReadOnlySpan<int> errorsA, ReadOnlySpan<int> errorsB)
    {
        if (referenceChars.Length != errorsA.Length || referenceChars.Length != errorsB.Length)
        {
            throw new ArgumentException($"The spans must have one value per utterance; got {referenceChars.Length} reference lengths, {errorsA.Length} and {errorsB.Length} error counts.");
        }

        if (referenceChars.IsEmpty)
        {
            throw new ArgumentException("There are no utterances to compare.");
        }

        long total = 0;
        for (int i = 0; i < referenceChars.Length; i++)
        {
            if (referenceChars[i] < 0 || errorsA[i] < 0 || errorsB[i] < 0)
            {
                throw new ArgumentException($"Utterance {i} has a negative reference length or error count.");
            }

            total += referenceChars[i];
        }

        if (total == 0)
        {
            throw new ArgumentException("Every reference is empty; the CER is undefined.");
        }
    }
}
