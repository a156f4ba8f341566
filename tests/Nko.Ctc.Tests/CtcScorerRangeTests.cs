using Nko.Ctc.Internal;

namespace Nko.Ctc.Tests;

/// <summary>
/// Hypothesis tables and edit scores keep the exactness of the single forward over the whole range of lengths: when
/// the scaled recursion loses the paths of a possible target (long targets on perfectly normalised matrices: the
/// states that can still finish trail the frame's best state by hundreds of nats), the log-space reference decides.
/// </summary>
public class CtcScorerRangeTests
{
    [Theory]
    [InlineData(1000, 0.0)] // uniform over the classes: the worst case for path counting
    [InlineData(1000, 1.0)]
    [InlineData(1500, 0.05)]
    public void SetHypothesis_matches_the_log_space_reference_across_the_length_to_frames_range(int frames, double sharpness)
    {
        const int classes = 66;
        LogProbMatrix m = sharpness == 0 ? Uniform(frames, classes) : TestMatrices.Random(frames + classes, frames, classes, sharpness);
        var failures = new List<string>();
        var scorer = new CtcScorer();
        scorer.Reset(m, 0);
        var rng = new Random(frames);
        foreach (double ratio in Ratios())
        {
            int length = (int)(ratio * frames);
            int[] hyp = TestMatrices.RandomTarget(rng, length, classes, 0, repeats: false);
            double expected = CtcForward.LogSpaceLogLikelihood(m, 0, hyp);
            double got = scorer.SetHypothesis(hyp);
            double single = scorer.LogLikelihood(hyp);
            if (!TestMatrices.Close(expected, got, 1e-9) || !TestMatrices.Close(expected, single, 1e-9))
            {
                failures.Add($"L/T {ratio}: tables {got:R}, forward {single:R}, reference {expected:R}");
                continue;
            }

            scorer.SetHypothesis(hyp);
            LabelEdit[] edits = length == 0
                ? [LabelEdit.Insert(0, 1)]
                : [LabelEdit.Substitute(length / 2, 1 + (hyp[length / 2] % (classes - 1))), LabelEdit.Delete(length / 3), LabelEdit.Insert(length / 4, 7)];
            double[] scores = new double[edits.Length];
            scorer.ScoreEdits(edits, scores);
            for (int i = 0; i < edits.Length; i++)
            {
                int[] edited = new int[length + 1];
                int n = edits[i].Apply(hyp, edited);
                double want = CtcForward.LogSpaceLogLikelihood(m, 0, edited.AsSpan(0, n));
                if (!TestMatrices.Close(want, scores[i], 1e-9) || !TestMatrices.Close(want, scorer.ScoreEdit(edits[i]), 1e-9))
                {
                    failures.Add($"L/T {ratio} {edits[i]}: {scores[i]:R} / {scorer.ScoreEdit(edits[i]):R}, reference {want:R}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void The_issue_repro_is_finite_at_every_width()
    {
        // T = 1000, L = 950 on a perfectly normalised matrix: the tables gave −∞ for a possible hypothesis.
        LogProbMatrix m = Uniform(1000, 66);
        int[] hyp = new int[950];
        for (int i = 0; i < hyp.Length; i++)
        {
            hyp[i] = 1 + (i % 2);
        }

        double expected = CtcForward.LogSpaceLogLikelihood(m, 0, hyp);
        Assert.True(double.IsFinite(expected));
        foreach (SimdWidth width in TestMatrices.Widths)
        {
            var scorer = new CtcScorer(width);
            scorer.Reset(m, 0);
            Assert.True(TestMatrices.Close(expected, scorer.SetHypothesis(hyp), 1e-9), $"{width}: {scorer.HypothesisLogLikelihood:R}");
        }
    }

    [Theory]
    [InlineData(100_000, 42_950)] // T × L past 2^31 / 5: the table size wrapped and the transpose wrote past the buffer
    [InlineData(65_600, 65_600)]
    [InlineData(30_000, 15_000)] // a smaller wrap: ArgumentOutOfRangeException from a negative length
    public void Tables_too_large_for_one_array_are_a_clear_error_before_any_work(int frames, int length)
    {
        LogProbMatrix m = Uniform(frames, 66);
        int[] hyp = new int[length];
        for (int i = 0; i < hyp.Length; i++)
        {
            hyp[i] = 1 + (i % 2);
        }

        var scorer = new CtcScorer();
        scorer.Reset(m, 0);
        var error = Assert.Throws<ArgumentException>(() => scorer.SetHypothesis(hyp));
        Assert.Contains("split the utterance", error.Message, StringComparison.Ordinal);

        // The scorer is unchanged and still works.
        Assert.Throws<InvalidOperationException>(() => scorer.ScoreEdit(LabelEdit.Delete(0)));
        Assert.True(double.IsFinite(scorer.SetHypothesis([1, 2, 3])));
    }

    // Coarse over the whole range, fine where paths start to be lost (between about 0.85 and 0.97 on these matrices).
    private static IEnumerable<double> Ratios()
    {
        for (int i = 0; i <= 10; i++)
        {
            yield return i / 10.0;
        }

        for (int i = 0; i < 20; i++)
        {
            yield return 0.855 + (i * 0.006);
        }
    }

    private static LogProbMatrix Uniform(int frames, int classes)
    {
        float[] values = new float[frames * classes];
        Array.Fill(values, (float)-Math.Log(classes));
        return new LogProbMatrix(values, frames, classes);
    }
}
