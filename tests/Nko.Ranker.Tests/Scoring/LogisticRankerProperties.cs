using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Ranker.Features;
using Nko.Ranker.Scoring;

namespace Nko.Ranker.Tests.Scoring;

/// <summary>The folded logistic model equals the textbook formula, and its sigmoid is safe everywhere.</summary>
[Properties(Arbitrary = [typeof(LogisticRankerProperties.Arbitraries)], MaxTest = 1000)]
public sealed class LogisticRankerProperties
{
    private static readonly int AllCount = FeatureNames.All.Length;

    [Property]
    public void Probability_equals_the_naive_formula(Model m)
    {
        var ranker = new LogisticRanker(m.Features, m.Means, m.Stds, m.Weights, m.Bias);
        double z = m.Bias;
        for (int k = 0; k < m.Features.Length; k++)
        {
            double x = m.AllFeatures[FeatureNames.IndexOf(m.Features[k])];
            z += m.Weights[k] * (x - m.Means[k]) / m.Stds[k];
        }

        double naive = 1.0 / (1.0 + Math.Exp(-z));
        double p = ranker.Probability(m.AllFeatures);
        Assert.True(Math.Abs(p - naive) <= 1e-12, $"p={p:R} naive={naive:R} z={z:R}");
        Assert.InRange(p, 0.0, 1.0);
        Assert.True(Math.Abs(ranker.Logit(m.AllFeatures) - z) <= 1e-9 * Math.Max(1, Math.Abs(z)));
    }

    [Property(MaxTest = 300)]
    public void Batched_logits_have_the_bits_of_one_at_a_time(Batch b)
    {
        Model m = b.Model;
        var ranker = new LogisticRanker(m.Features, m.Means, m.Stds, m.Weights, m.Bias);
        int count = b.Rows.Length / AllCount;
        double[] rows = b.Rows;
        var batch = new double[count + 1];
        batch[count] = 12345; // untouched past count
        ranker.Logits(rows, count, batch);
        for (int i = 0; i < count; i++)
        {
            double single = ranker.Logit(rows.AsSpan(i * AllCount, AllCount));
            Assert.Equal(BitConverter.DoubleToInt64Bits(single), BitConverter.DoubleToInt64Bits(batch[i]));
        }

        Assert.Equal(12345, batch[count]);
        Assert.Throws<ArgumentException>(() => ranker.Logits(rows, count + 1, new double[count + 1]));
    }

    [Property]
    public void Only_the_configured_features_matter(Model m, double noise)
    {
        var ranker = new LogisticRanker(m.Features, m.Means, m.Stds, m.Weights, m.Bias);
        double[] changed = (double[])m.AllFeatures.Clone();
        for (int i = 0; i < changed.Length; i++)
        {
            if (!m.Features.Contains(FeatureNames.All[i]))
            {
                changed[i] = noise;
            }
        }

        Assert.Equal(ranker.Probability(m.AllFeatures), ranker.Probability(changed));
    }

    [Property]
    public void Sigmoid_is_in_the_unit_interval_and_never_NaN_for_any_number(NormalFloat z)
    {
        double p = LogisticRanker.Sigmoid(z.Item);
        Assert.False(double.IsNaN(p));
        Assert.InRange(p, 0.0, 1.0);
    }

    [Property]
    public void Sigmoid_is_symmetric_and_monotone(NormalFloat a, NormalFloat b)
    {
        double x = a.Item, y = b.Item;
        Assert.True(Math.Abs(LogisticRanker.Sigmoid(-x) - (1 - LogisticRanker.Sigmoid(x))) <= 1e-15);
        if (x <= y)
        {
            Assert.True(LogisticRanker.Sigmoid(x) <= LogisticRanker.Sigmoid(y));
        }
    }

    [Theory]
    [InlineData(1e308)]
    [InlineData(-1e308)]
    [InlineData(double.MaxValue)]
    [InlineData(double.MinValue)]
    [InlineData(1e4)]
    [InlineData(-1e4)]
    [InlineData(750)]
    [InlineData(-750)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Sigmoid_is_safe_at_the_extremes(double z)
    {
        double p = LogisticRanker.Sigmoid(z);
        Assert.Equal(z > 0 ? 1.0 : 0.0, p);
    }

    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(-745, 4.9406564584124654E-324)]
    [InlineData(-40, 4.248354255291589E-18)]
    [InlineData(40, 1.0)]
    public void Sigmoid_keeps_tiny_probabilities(double z, double expected) => Assert.Equal(expected, LogisticRanker.Sigmoid(z), 1e-300);

    [Fact]
    public void Sigmoid_of_NaN_is_NaN_and_the_pipeline_never_picks_it() => Assert.True(double.IsNaN(LogisticRanker.Sigmoid(double.NaN)));

    [Property]
    public void Extreme_but_valid_standardisation_stays_NaN_free(NormalFloat weight, PositiveInt stdExponent, NormalFloat x)
    {
        // std as small as 1e-300 with any weight: the config rejects overflowing w/std, so only finite folds reach here.
        double std = Math.Pow(10, -(stdExponent.Item % 300));
        double w = weight.Item;
        if (!double.IsFinite(w / std) || !double.IsFinite(w / std * 0.5))
        {
            return;
        }

        var ranker = new LogisticRanker([FeatureNames.CtcGain], [0.5], [std], [w], 0);
        double[] all = new double[AllCount];
        all[FeatureNames.IndexOf(FeatureNames.CtcGain)] = Math.Clamp(x.Item, -50, 50); // the extractor clamps gains to [-50, 50]
        double p = ranker.Probability(all);
        Assert.False(double.IsNaN(p));
        Assert.InRange(p, 0.0, 1.0);
    }

    [Fact]
    public void Constructor_rejects_what_the_config_rejects()
    {
        ImmutableArray<string> f = [FeatureNames.CtcGain];
        Assert.Throws<ArgumentException>(() => new LogisticRanker(f, [0, 1], [1], [1], 0));
        Assert.Throws<ArgumentException>(() => new LogisticRanker(["nope"], [0], [1], [1], 0));
        Assert.Throws<ArgumentException>(() => new LogisticRanker(f, [0], [0], [1], 0));
        Assert.Throws<ArgumentException>(() => new LogisticRanker(f, [0], [1], [double.NaN], 0));
        Assert.Throws<ArgumentException>(() => new LogisticRanker(f, [0], [1], [1], double.PositiveInfinity));
    }

    /// <summary>A model over a random ordered subset of the features, with values in ranges where the naive formula is accurate.</summary>
    public sealed record Model(ImmutableArray<string> Features, ImmutableArray<double> Means, ImmutableArray<double> Stds, ImmutableArray<double> Weights, double Bias, double[] AllFeatures)
    {
        public override string ToString() =>
            $"features [{string.Join(", ", Features)}] means [{string.Join(", ", Means)}] stds [{string.Join(", ", Stds)}] weights [{string.Join(", ", Weights)}] bias {Bias} x [{string.Join(", ", AllFeatures)}]";
    }

    /// <summary>A model and 0..22 feature rows for it (row-major, <c>FeatureNames.All</c> wide).</summary>
    public sealed record Batch(Model Model, double[] Rows)
    {
        public override string ToString() => $"{Model} rows [{string.Join(", ", Rows)}]";
    }

    public static class Arbitraries
    {
        private static Gen<double> Uniform(double min, double max) => Gen.Choose(0, 1_000_000).Select(i => min + ((max - min) * i / 1_000_000.0));

        public static Arbitrary<Model> Models() =>
            (from features in Gen.Shuffle(FeatureNames.All.ToArray()).SelectMany(all => Gen.Choose(1, all.Length).Select(n => all[..n]))
             from means in Gen.ArrayOf(Uniform(-20, 20), features.Length)
             from stds in Gen.ArrayOf(Uniform(0.5, 5), features.Length)
             from weights in Gen.ArrayOf(Uniform(-3, 3), features.Length)
             from bias in Uniform(-10, 10)
             from x in Gen.ArrayOf(Gen.Frequency((3, Uniform(-20, 20)), (1, Gen.Elements(0.0, 1.0))), FeatureNames.All.Length)
             select new Model([.. features], [.. means], [.. stds], [.. weights], bias, x)).ToArbitrary();

        // Each cell is, one time in five, the model's own value of that feature, else a value of magnitude 1e-3..1e5.
        public static Arbitrary<Batch> Batches() => FsCheck.Fluent.Arb.From(
            from m in Models().Generator
            from count in Gen.Choose(0, 22)
            from cells in Gen.ArrayOf(
                Gen.Frequency(
                    (1, Gen.Constant<double?>(null)),
                    (4, from u in Uniform(-0.5, 0.5) from e in Gen.Choose(-3, 5) select (double?)(u * Math.Pow(10, e)))),
                count * FeatureNames.All.Length)
            select new Batch(m, [.. cells.Select((c, i) => c ?? m.AllFeatures[i % FeatureNames.All.Length])]),
            ShrinkBatch);

        // Fewer rows: none, then all but the last.
        private static IEnumerable<Batch> ShrinkBatch(Batch b)
        {
            int width = FeatureNames.All.Length;
            if (b.Rows.Length > 0)
            {
                yield return b with { Rows = [] };
            }

            if (b.Rows.Length > width)
            {
                yield return b with { Rows = b.Rows[..^width] };
            }
        }
    }
}
