using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Benchmarks.Compare;

namespace Nko.Benchmarks.Compare.Tests;

/// <summary>Perfolizer's Mann–Whitney p-value, as the comparer calls it, against a known answer and a brute-force twin.</summary>
public class MannWhitneyTwinTests
{
    [Fact]
    public void Known_answer_four_of_126()
    {
        // Slower {3.5, 6, 7, 8} vs faster {1..5}: ranks 4, 7, 8, 9 (sum 28); of the C(9,4) = 126 splits, four have a rank sum
        // of at least 28 ({6,7,8,9}, {5,7,8,9}, {4,7,8,9}, {5,6,8,9}), so the exact one-sided p is 4/126.
        double p = BenchmarkStatistics.SlowdownPValue([1, 2, 3, 4, 5], [3.5, 6, 7, 8], threshold: 0);
        Assert.Equal(4.0 / 126, p, 12);
    }

    [Fact]
    public void Threshold_shifts_the_baseline()
    {
        // 20% slower everywhere: beyond a 10% threshold with all pairs ordered (p = 1/C(16,8)), not beyond a 25% one.
        double[] baseline = [100, 101, 102, 103, 104, 105, 106, 107];
        double[] slower = [.. baseline.Select(v => v * 1.2)];
        Assert.Equal(1.0 / 12870, BenchmarkStatistics.SlowdownPValue(baseline, slower, 0.10), 12);
        Assert.True(BenchmarkStatistics.SlowdownPValue(baseline, slower, 0.25) > 0.99);
    }

    [Property(MaxTest = 200)]
    public Property Matches_the_brute_force_permutation_p(int[] fasterRaw, int[] slowerRaw, bool shifted)
    {
        int m = Math.Min(slowerRaw.Length, 7), n = Math.Min(fasterRaw.Length, 7);
        if (m == 0 || n == 0)
        {
            return true.ToProperty();
        }

        double threshold = shifted ? 0.25 : 0;
        // Distinct pooled values (raw × 16 + a unique index): the exact test assumes no ties.
        double[] slower = [.. slowerRaw.Take(m).Select((v, i) => (v % 1000) * 16.0 + i)];
        double[] shiftedFaster = [.. fasterRaw.Take(n).Select((v, i) => (v % 1000) * 16.0 + 8 + i)];
        double[] faster = [.. shiftedFaster.Select(v => v / (1 + threshold))];
        double expected = BruteForceP(slower, shiftedFaster);
        double actual = BenchmarkStatistics.SlowdownPValue(faster, slower, threshold);
        return (Math.Abs(expected - actual) < 1e-9).Label($"slower [{string.Join(", ", slower)}] faster×{1 + threshold} [{string.Join(", ", shiftedFaster)}]: brute {expected}, Perfolizer {actual}");
    }

    // Fraction of all ways to pick |slower| of the pooled values whose U (pairs above the rest) is at least the observed U.
    private static double BruteForceP(double[] slower, double[] faster)
    {
        double[] pooled = [.. slower, .. faster];
        int total = pooled.Length, m = slower.Length;
        int observed = U(slower, faster), atLeast = 0, splits = 0;
        for (int mask = 0; mask < 1 << total; mask++)
        {
            if (int.PopCount(mask) != m)
            {
                continue;
            }

            double[] a = [.. pooled.Where((_, i) => (mask >> i & 1) == 1)];
            double[] b = [.. pooled.Where((_, i) => (mask >> i & 1) == 0)];
            splits++;
            atLeast += U(a, b) >= observed ? 1 : 0;
        }

        return (double)atLeast / splits;
    }

    private static int U(double[] a, double[] b) => a.Sum(x => b.Count(y => x > y));
}
