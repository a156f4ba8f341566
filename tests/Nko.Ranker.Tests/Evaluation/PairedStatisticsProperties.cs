using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Ranker.Evaluation;

namespace Nko.Ranker.Tests.Evaluation;

/// <summary>The paired bootstrap of a CER difference and the exact sign test.</summary>
[Properties(Arbitrary = [typeof(PairedStatisticsProperties.Arbitraries)], MaxTest = 200)]
public sealed class PairedStatisticsProperties
{
    private const int Resamples = 2000;

    [Property]
    public void The_interval_contains_the_point_estimate_and_is_ordered(Paired d)
    {
        BootstrapInterval ci = PairedBootstrap.CerDifference(d.Refs, d.A, d.B, Resamples);
        Assert.Equal(PairedBootstrap.DeltaPp(d.Refs, d.A, d.B), ci.Estimate);
        Assert.True(ci.Low <= ci.Estimate && ci.Estimate <= ci.High, $"[{ci.Low}, {ci.High}] does not contain {ci.Estimate}");
    }

    [Property]
    public void Identical_systems_give_zero_and_the_interval_0_0(Paired d)
    {
        BootstrapInterval ci = PairedBootstrap.CerDifference(d.Refs, d.A, d.A, Resamples);
        Assert.Equal((0.0, 0.0, 0.0), (ci.Estimate, ci.Low, ci.High));
        Assert.Equal(1.0, SignTest.TwoSidedP(0, 0));
    }

    [Property]
    public void Swapping_A_and_B_negates_the_estimate_and_mirrors_the_interval(Paired d)
    {
        BootstrapInterval ab = PairedBootstrap.CerDifference(d.Refs, d.A, d.B, Resamples);
        BootstrapInterval ba = PairedBootstrap.CerDifference(d.Refs, d.B, d.A, Resamples);
        Assert.Equal(-ab.Estimate, ba.Estimate);
        Assert.Equal(-ab.High, ba.Low);
        Assert.Equal(-ab.Low, ba.High);
    }

    [Property]
    public void The_same_seed_gives_the_same_interval(Paired d)
    {
        Assert.Equal(PairedBootstrap.CerDifference(d.Refs, d.A, d.B, 500, 99), PairedBootstrap.CerDifference(d.Refs, d.A, d.B, 500, 99));
    }

    [Property(MaxTest = 500)]
    public void Sign_test_equals_the_brute_force_binomial_sum(byte better, byte worse)
    {
        int b = better % 80, w = worse % 80;
        Assert.Equal(BruteForceSignTest(b, w), SignTest.TwoSidedP(b, w), 1e-12);
        Assert.Equal(SignTest.TwoSidedP(b, w), SignTest.TwoSidedP(w, b));
    }

    [Theory]
    [InlineData(0, 0, 1.0)]
    [InlineData(3, 3, 1.0)]
    [InlineData(0, 1, 1.0)]
    [InlineData(0, 5, 0.0625)]
    [InlineData(1, 9, 0.021484375)] // 2 · (1 + 10) / 1024
    [InlineData(15, 5, 0.04138946533203125)] // 2 · 21700 / 2^20
    [InlineData(381, 0, 0.0)] // 2^-380 underflows: smaller than any double
    public void Sign_test_known_values(int better, int worse, double expected) =>
        Assert.Equal(expected, SignTest.TwoSidedP(better, worse), 1e-15);

    [Fact]
    public void Sign_test_of_large_counts_is_a_probability_and_matches_the_normal_approximation()
    {
        // n = 20000, k = 9800: z = (9800.5 − 10000) / √5000 ≈ −2.8214, two-sided ≈ 0.00478.
        double p = SignTest.TwoSidedP(9800, 10200);
        Assert.InRange(p, 0.0046, 0.0050);
        Assert.Equal(BruteForceSignTest(180, 220), SignTest.TwoSidedP(180, 220), 1e-12);
    }

    [Fact]
    public void Bootstrap_of_synthetic_data_with_a_known_answer()
    {
        // 2000 utterances of 10 characters; A makes 2 errors each; B one fewer on 30%, one more on 20%.
        // Δ = 10 · mean(d) = −1.0 pp; sd(d) = √(0.5 − 0.01) = 0.7, so the interval is about −1.0 ± 1.96 · 10 · 0.7 / √2000 = ±0.307.
        const int N = 2000;
        int[] refs = [.. Enumerable.Repeat(10, N)];
        int[] a = [.. Enumerable.Repeat(2, N)];
        int[] b = [.. Enumerable.Range(0, N).Select(i => (i % 10) switch { < 3 => 1, < 5 => 3, _ => 2 })];
        BootstrapInterval ci = PairedBootstrap.CerDifference(refs, a, b);
        Assert.Equal(-1.0, ci.Estimate, 1e-12);
        Assert.Equal(10_000, ci.Resamples);
        Assert.Equal(PairedBootstrap.DefaultSeed, ci.Seed);
        Assert.InRange(ci.Low, -1.307 - 0.03, -1.307 + 0.03);
        Assert.InRange(ci.High, -0.693 - 0.03, -0.693 + 0.03);
    }

    [Fact]
    public void One_utterance_has_a_degenerate_interval_and_bad_input_is_rejected()
    {
        BootstrapInterval ci = PairedBootstrap.CerDifference([10], [3], [1]);
        Assert.Equal((-20.0, -20.0, -20.0), (ci.Estimate, ci.Low, ci.High));
        Assert.Throws<ArgumentException>(() => PairedBootstrap.CerDifference([], [], []));
        Assert.Throws<ArgumentException>(() => PairedBootstrap.CerDifference([0, 0], [1, 0], [0, 0]));
        Assert.Throws<ArgumentException>(() => PairedBootstrap.CerDifference([1, 2], [1], [0, 0]));
        Assert.Throws<ArgumentException>(() => PairedBootstrap.CerDifference([1], [-1], [0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairedBootstrap.CerDifference([1], [1], [0], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SignTest.TwoSidedP(-1, 0));
    }

    private static double BruteForceSignTest(int better, int worse)
    {
        int n = better + worse, k = Math.Min(better, worse);
        BigInteger tail = BigInteger.Zero, c = BigInteger.One;
        for (int i = 0; i <= k; i++)
        {
            tail += c;
            c = c * (n - i) / (i + 1);
        }

        return Math.Min(1.0, Math.Exp(BigInteger.Log(2 * tail) - (n * Math.Log(2))));
    }

    /// <summary>Paired per-utterance data: reference lengths and the errors of A and B.</summary>
    public sealed record Paired(int[] Refs, int[] A, int[] B)
    {
        public override string ToString() => $"refs [{string.Join(",", Refs)}] a [{string.Join(",", A)}] b [{string.Join(",", B)}]";
    }

    public static class Arbitraries
    {
        public static Arbitrary<Paired> PairedData()
        {
            Gen<(int R, int A, int B)> utterance =
                from r in Gen.Frequency((8, Gen.Choose(1, 60)), (1, Gen.Constant(0)))
                from a in Gen.Choose(0, 40)
                from b in Gen.Frequency((3, Gen.Choose(0, 40)), (2, Gen.Choose(-3, 3).Select(d => Math.Max(0, a + d))))
                select (r, a, b);
            Gen<Paired> gen = Gen.NonEmptyListOf(utterance)
                .Select(u => u.ToArray())
                .Where(u => u.Sum(x => x.R) > 0)
                .Select(u => new Paired([.. u.Select(x => x.R)], [.. u.Select(x => x.A)], [.. u.Select(x => x.B)]));
            return Arb.From(gen, Shrink);
        }

        // Drop one utterance, or move one utterance's B error count toward A's (the smallest differing case).
        private static IEnumerable<Paired> Shrink(Paired p)
        {
            for (int i = 0; i < p.Refs.Length && p.Refs.Length > 1; i++)
            {
                var next = new Paired([.. p.Refs.Where((_, j) => j != i)], [.. p.A.Where((_, j) => j != i)], [.. p.B.Where((_, j) => j != i)]);
                if (next.Refs.Sum() > 0)
                {
                    yield return next;
                }
            }

            for (int i = 0; i < p.Refs.Length; i++)
            {
                if (p.B[i] != p.A[i])
                {
                    int[] b = [.. p.B];
                    b[i] += Math.Sign(p.A[i] - p.B[i]);
                    yield return p with { B = b };
                }
            }
        }
    }
}
