using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Ctc;
using Nko.Testing;

using Nko.Ctc.Tests.Support;

namespace Nko.Ctc.Tests;

public class CtcScorerTests
{
    [Property(MaxTest = 250)]
    public Property Every_single_edit_equals_the_full_forward_of_the_edited_target() => Prop.ForAll(ScoringCases.Of(new ScoringCaseShape(MaxFrames: 40, MinClasses: 2, MaxClasses: 5, ExtraLength: 1, ZeroChance: 0.2)), c =>
    {
        int frames = c.Frames, classes = c.Classes, blank = c.Blank, length = c.Target.Length;
        int[] hyp = c.Target;
        LogProbMatrix m = c.Matrix;
        var scorer = new CtcScorer();
        scorer.Reset(m, blank);
        double hypLogp = scorer.SetHypothesis(hyp);
        var failures = new List<string>();
        if (!TestMatrices.Close(CtcForward.LogSpaceLogLikelihood(m, blank, hyp), hypLogp, 1e-9))
        {
            failures.Add("hypothesis");
        }

        foreach (LabelEdit edit in EditEnumeration.All(length, classes, blank))
        {
            double spliced = scorer.ScoreEdit(edit);
            double full = CtcForward.LogSpaceLogLikelihood(m, blank, edit.Apply(hyp));
            if (!TestMatrices.Close(full, spliced, 1e-9))
            {
                failures.Add($"{edit}: full {full}, spliced {spliced}");
            }
        }

        return (failures.Count == 0).Label($"hyp [{string.Join(",", hyp)}] T={frames} C={classes} blank={blank}: {string.Join("; ", failures.Take(5))}");
    });

    [Fact]
    public void Serving_shape_edits_match_full_forward()
    {
        var m = TestMatrices.Random(11, 375, 66, sharpness: 4);
        var rng = new Random(5);
        int[] hyp = TestMatrices.RandomTarget(rng, 45, 66, 0, repeats: true);
        var scorer = new CtcScorer();
        scorer.Reset(m, 0);
        scorer.SetHypothesis(hyp);
        var edits = EditEnumeration.All(hyp.Length, 66, 0).Where((_, i) => i % 7 == 0).ToArray();
        double[] scores = new double[edits.Length];
        scorer.ScoreEdits(edits, scores);
        for (int i = 0; i < edits.Length; i++)
        {
            double full = scorer.LogLikelihood(edits[i].Apply(hyp));
            Assert.True(TestMatrices.Close(full, scores[i], 1e-10), $"{edits[i]}: full {full}, spliced {scores[i]}");
        }
    }

    [Fact]
    public void Scoring_edits_allocates_nothing_after_warm_up()
    {
        var m = TestMatrices.Random(2, 375, 66, sharpness: 4);
        int[] hyp = TestMatrices.RandomTarget(new Random(2), 45, 66, 0, repeats: true);
        var edits = EditEnumeration.All(hyp.Length, 66, 0).Take(256).ToArray();
        double[] scores = new double[edits.Length];
        var scorer = new CtcScorer();
        scorer.Reset(m, 0);
        scorer.SetHypothesis(hyp);
        scorer.ScoreEdits(edits, scores);
        Assert.Equal(0, AllocationProbe.Fewest(() =>
        {
            scorer.Reset(m, 0);
            scorer.SetHypothesis(hyp);
            scorer.ScoreEdits(edits, scores);
            scorer.LogLikelihood(hyp);
        }));
    }

    [Fact]
    public void Edits_must_fit_the_hypothesis()
    {
        var scorer = new CtcScorer();
        scorer.Reset(TestMatrices.Random(1, 10, 4), 0);
        Assert.Throws<InvalidOperationException>(() => scorer.ScoreEdit(LabelEdit.Delete(0)));
        scorer.SetHypothesis([1, 2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => scorer.ScoreEdit(LabelEdit.Delete(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => scorer.ScoreEdit(LabelEdit.Insert(3, 1)));
        Assert.Throws<ArgumentException>(() => scorer.ScoreEdit(LabelEdit.Substitute(0, 0)));
        Assert.Throws<ArgumentException>(() => scorer.ScoreEdit(LabelEdit.Substitute(0, 9)));
        Assert.True(double.IsFinite(scorer.ScoreEdit(LabelEdit.Insert(2, 3))));
    }

    [Fact]
    public void Edits_of_an_infeasible_hypothesis_fall_back_to_full_forward()
    {
        var m = TestMatrices.Random(4, 3, 4);
        var scorer = new CtcScorer();
        scorer.Reset(m, 0);
        Assert.Equal(double.NegativeInfinity, scorer.SetHypothesis([1, 1, 2]));
        double deleted = scorer.ScoreEdit(LabelEdit.Delete(0));
        Assert.Equal(CtcForward.LogSpaceLogLikelihood(m, 0, [1, 2]), deleted, 9);
    }

    [Fact]
    public void An_alignable_target_far_below_the_best_path_is_scored_exactly_not_negative_infinity()
    {
        // 100 labels forced through frames whose best class is the blank: every path sits thousands of nats below the
        // frame maxima, beyond double's range in probability space. The log-space fallback must answer.
        float[] data = new float[200 * 3];
        for (int t = 0; t < 200; t++)
        {
            data[(t * 3) + 0] = -0.0001f;
            data[(t * 3) + 1] = -25f;
            data[(t * 3) + 2] = -25f;
        }

        var m = new LogProbMatrix(data, 200, 3);
        int[] target = Enumerable.Range(0, 100).Select(i => 1 + (i % 2)).ToArray();
        var scorer = new CtcScorer();
        scorer.Reset(m, 0);
        double reference = CtcForward.LogSpaceLogLikelihood(m, 0, target);
        Assert.True(double.IsFinite(reference));
        Assert.Equal(reference, scorer.LogLikelihood(target), 6);
    }
}
