using Perfolizer.Mathematics.SignificanceTesting.Base;
using Perfolizer.Mathematics.SignificanceTesting.MannWhitney;
using Perfolizer.Metrology;
using Pragmastat;

namespace Nko.Benchmarks.Compare;

/// <summary>The statistics the comparer decides with: medians and a one-sided, threshold-shifted Mann–Whitney U test.</summary>
public static class BenchmarkStatistics
{
    /// <summary>The median of <paramref name="values"/> (the mean of the two middle values for an even count).</summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty.</exception>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("The median of no values is undefined.", nameof(values));
        }

        double[] sorted = [.. values];
        Array.Sort(sorted);
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>
    /// The p-value of "<paramref name="slower"/> is more than <paramref name="threshold"/> (a ratio, 0.10 = 10%) slower
    /// than <paramref name="faster"/>": Perfolizer's Mann–Whitney U test (the one BenchmarkDotNet's statistical-test column
    /// uses), one-sided, against <paramref name="faster"/> scaled by 1 + <paramref name="threshold"/>. Exact for small
    /// samples, an Edgeworth approximation for large ones (Perfolizer's automatic strategy).
    /// </summary>
    /// <exception cref="ArgumentException">A sample is empty, or the threshold is negative or not finite.</exception>
    public static double SlowdownPValue(IReadOnlyList<double> faster, IReadOnlyList<double> slower, double threshold)
    {
        ArgumentNullException.ThrowIfNull(faster);
        ArgumentNullException.ThrowIfNull(slower);
        if (faster.Count == 0 || slower.Count == 0)
        {
            throw new ArgumentException("Both samples need at least one value.");
        }

        if (!double.IsFinite(threshold) || threshold < 0)
        {
            throw new ArgumentException($"The threshold is a non-negative ratio (0.10 = 10%), not {threshold}.", nameof(threshold));
        }

        // Threshold.Apply scales the second sample by (1 + ratio); Greater asks whether the first is stochastically larger.
        Threshold shift = PercentValue.Of(threshold * 100).ToThreshold();
        var result = MannWhitneyTest.Instance.Perform(new Sample([.. slower]), new Sample([.. faster]), AlternativeHypothesis.Greater, shift);
        return result.PValue;
    }
}
