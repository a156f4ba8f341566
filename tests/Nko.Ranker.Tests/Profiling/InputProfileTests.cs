using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Nko.Ctc;
using Nko.Ranker.Configuration;
using Nko.Ranker.Profiling;
using TestData = Nko.Ranker.Tests.Support.TestData;

namespace Nko.Ranker.Tests.Profiling;

/// <summary>The input profile: quantiles, the batch comparison, per-utterance checks, the config field.</summary>
public sealed class InputProfileTests
{
    private static InputMeasurement M(double v) => new(v, v, v, v);

    [Fact]
    public void Quantiles_match_sorting_and_linear_interpolation_and_the_cdf_inverts_them() =>
        Prop.ForAll(Gen.Choose(-1000, 1000).Select(i => i / 10.0).NonEmptyListOf().ToArbitrary(), values =>
        {
            InputProfile p = InputProfile.Build([.. values.Select(M)]);
            double[] sorted = [.. values.OrderBy(v => v)];
            InputStatistic s = p.Statistics[0];
            Assert.Equal(sorted[0], s.Quantiles[0]);
            Assert.Equal(sorted[^1], s.Quantiles[^1]);

            // Brute-force twin: the median by the textbook rule.
            int n = sorted.Length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
            Assert.Equal(median, s.Quantiles[10], 9);
            Assert.Equal(values.Average(), s.Mean, 9);
            for (int i = 1; i < s.Quantiles.Length; i++)
            {
                Assert.True(s.Quantiles[i] >= s.Quantiles[i - 1]);
            }

            double previous = 0;
            foreach (double v in sorted)
            {
                double f = s.Cdf(v);
                Assert.InRange(f, previous, 1.0);
                previous = f;
            }
        }).QuickCheckThrowOnFailure();

    // Samples are stratified (the distribution's quantiles at evenly spaced probabilities), so the assertion is exact
    // rather than true with high probability; the generator varies the batch size and the shift, and shrinks them.
    [Fact]
    public void A_batch_from_the_training_distribution_passes_and_a_shifted_one_is_flagged() =>
        Prop.ForAll(
            FsCheck.Fluent.Arb.From(
                from n in Gen.Choose(InputProfile.MinBatch, 400)
                from shift in Gen.Choose(10, 40).Select(i => i / 10.0)
                select (Size: n, Shift: shift),
                b => ShrinkBatch(b.Size, b.Shift)),
            batch =>
            {
                InputProfile profile = InputProfile.Build(Draw(2000, 0));
                Assert.All(profile.CompareBatch(Draw(batch.Size, 0)), d => Assert.False(d.Drifted, $"{d.Name} {d.Distance}"));
                Assert.All(profile.CompareBatch(Draw(batch.Size, batch.Shift)), d => Assert.True(d.Drifted, $"{d.Name} {d.Distance}"));
                Assert.Empty(profile.CompareBatch(Draw(InputProfile.MinBatch - 1, batch.Shift)));
            }).QuickCheckThrowOnFailure();

    [Fact]
    public void The_pipeline_flags_an_utterance_outside_the_training_range_and_not_one_inside()
    {
        RankerConfig config = TestData.HandBuiltConfig;
        var rows = Enumerable.Range(0, TestData.Dev50.Count).Select(i =>
            InputMeasurement.Measure(TestData.Dev50.GetLogProbs(i), config.Vocabulary.BlankIndex, TestData.Dev50.Rows[i].Hypothesis.Length, TestData.AsrScore(TestData.Dev50.Rows[i]))).ToList();
        var pipeline = new CorrectionPipeline(config.WithInputProfile(InputProfile.Build(rows)));
        for (int i = 0; i < 10; i++)
        {
            Assert.Empty(pipeline.Correct(TestData.Dev50.GetLogProbs(i), TestData.Dev50.Rows[i].Hypothesis, asrScore: TestData.AsrScore(TestData.Dev50.Rows[i])).OutsideProfile);
        }

        // Every frame certain of the blank: blank share 1, no labels, no margin; the self-score far above training.
        int classes = config.Vocabulary.Count;
        float[] values = new float[375 * classes];
        for (int t = 0; t < 375; t++)
        {
            for (int c = 0; c < classes; c++)
            {
                values[(t * classes) + c] = c == config.Vocabulary.BlankIndex ? 0f : -30f;
            }
        }

        CorrectionResult r = pipeline.Correct(new LogProbMatrix(values, 375, classes), string.Empty, asrScore: 0.0);
        Assert.Contains("blank_share", r.OutsideProfile);
        Assert.Contains("labels_per_frame", r.OutsideProfile);
        Assert.Empty(new CorrectionPipeline(config).Correct(new LogProbMatrix(values, 375, classes), string.Empty).OutsideProfile);
    }

    [Fact]
    public void A_profile_round_trips_in_the_config_and_a_bad_one_is_rejected_with_its_path()
    {
        RankerConfig config = TestData.HandBuiltConfig.WithInputProfile(InputProfile.Build([M(1), M(2), M(4)]));
        byte[] json = config.ToUtf8Json();
        Assert.Equal(json, RankerConfig.Parse(json).ToUtf8Json());
        Assert.Equal(1, RankerConfig.Parse(json).Schema);

        string text = Encoding.UTF8.GetString(json);
        string swapped = text.Replace("\"name\": \"asr_score\"", "\"name\": \"other\"", StringComparison.Ordinal);
        Assert.Equal("$.input_profile.statistics[0].name", Assert.Throws<RankerConfigException>(() => RankerConfig.Parse(swapped)).JsonPath);
        var bad = new InputProfile(3, [.. config.InputProfile!.Statistics.Select((s, k) => k == 1 ? s with { Quantiles = [.. s.Quantiles.Reverse()] } : s)]);
        Assert.StartsWith("$.input_profile.statistics[1].quantiles", Assert.Throws<RankerConfigException>(() => TestData.HandBuiltConfig.WithInputProfile(bad)).JsonPath, StringComparison.Ordinal);
    }

    // Toward the smallest batch and the smallest shift the property claims to detect.
    private static IEnumerable<(int Size, double Shift)> ShrinkBatch(int size, double shift)
    {
        if (size > InputProfile.MinBatch)
        {
            yield return (InputProfile.MinBatch, shift);
            yield return (size - 1, shift);
        }

        if (shift > 1.0)
        {
            yield return (size, 1.0);
        }
    }

    // n values of the standard logistic distribution, shifted: its quantiles at (i + ½) / n. A shift of 1 or more moves
    // the CDF by at least F(½) − F(−½) ≈ 0.245, over the batch comparison's bound of 0.1; an unshifted batch stays within
    // 1 / (2n) plus the profile's interpolation between its quantiles.
    private static List<InputMeasurement> Draw(int n, double shift) =>
        [.. Enumerable.Range(0, n).Select(i => (i + 0.5) / n).Select(p => M(Math.Log(p / (1 - p)) + shift))];
}
