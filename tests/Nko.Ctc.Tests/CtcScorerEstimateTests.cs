using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Ctc;
using Nko.Ctc.Internal;
using Nko.Testing;

using Nko.Ctc.Tests.Support;

namespace Nko.Ctc.Tests;

/// <summary>
/// <see cref="CtcScorer.EstimateEdits"/> against its definition: the log-space forward of the edited target with the
/// new label's self-loop removed (alignments that emit it in exactly one frame).
/// </summary>
public class CtcScorerEstimateTests
{
    [Property(MaxTest = 300)]
    public Property Estimates_are_one_frame_likelihoods_below_the_exact_score() => Prop.ForAll(ScoringCases.Of(new ScoringCaseShape(MaxFrames: 40, MinClasses: 2, MaxClasses: 5, ExtraLength: 1, ZeroChance: 0.2)), c =>
    {
        int frames = c.Frames, classes = c.Classes, blank = c.Blank, length = c.Target.Length;
        int[] hyp = c.Target;
        LogProbMatrix m = c.Matrix;
        var scorer = new CtcScorer();
        scorer.Reset(m, blank);
        double hypLogp = scorer.SetHypothesis(hyp);
        LabelEdit[] edits = [.. EditEnumeration.All(length, classes, blank).Where(e => e.Kind != EditKind.Delete)];
        double[] estimates = new double[edits.Length];
        scorer.EstimateEdits(edits, estimates);
        var failures = new List<string>();
        for (int i = 0; i < edits.Length; i++)
        {
            LabelEdit edit = edits[i];
            double exact = scorer.ScoreEdit(edit), estimate = estimates[i];
            if (!double.IsFinite(hypLogp) || !scorer.Core.Tables.SpliceOk)
            {
                // No tables to estimate from (an impossible hypothesis, or one the exact fallback scored): the documented
                // fallback is the exact value.
                if (!TestMatrices.SameBits(exact, estimate))
                {
                    failures.Add($"{edit}: no tables, estimate {estimate} is not the exact {exact}");
                }

                continue;
            }

            // The frames near the peak are some of the one-frame alignments; with at most four frames they are all of them.
            double oneFrame = OneFrameLogLikelihood(m, blank, edit.Apply(hyp), edit.Position);
            bool complete = frames <= CtcScorer.EstimateRadius + 1;
            if (complete ? !TestMatrices.Close(oneFrame, estimate, 1e-12) : estimate > oneFrame + (1e-12 * Math.Max(1, Math.Abs(oneFrame))))
            {
                failures.Add($"{edit}: estimate {estimate}, one-frame likelihood {oneFrame}");
            }

            if (estimate > exact + (1e-12 * Math.Max(1, Math.Abs(exact))))
            {
                failures.Add($"{edit}: estimate {estimate} above the exact {exact}");
            }
        }

        return (failures.Count == 0).Label($"hyp [{string.Join(",", hyp)}] T={frames} C={classes} blank={blank}: {string.Join("; ", failures.Take(5))}");
    });

    [Property(MaxTest = 300)]
    public Property Short_matrices_make_every_estimate_the_whole_one_frame_likelihood() => Prop.ForAll(ScoringCases.Of(new ScoringCaseShape(MaxFrames: CtcScorer.EstimateRadius + 1, MinClasses: 2, MaxClasses: 6, BlankLast: false)), c =>
    {
        // T ≤ 4: the seven frames around any peak cover every frame, so the estimate is exactly the one-frame likelihood.
        int frames = c.Frames, classes = c.Classes, length = c.Target.Length;
        int[] hyp = c.Target;
        LogProbMatrix m = c.Matrix;
        var scorer = new CtcScorer();
        scorer.Reset(m, 0);
        bool possible = double.IsFinite(scorer.SetHypothesis(hyp));
        LabelEdit[] edits = [.. EditEnumeration.All(length, classes, 0).Where(e => e.Kind != EditKind.Delete)];
        double[] estimates = new double[edits.Length];
        scorer.EstimateEdits(edits, estimates);
        var failures = new List<string>();
        for (int i = 0; i < edits.Length; i++)
        {
            // An impossible hypothesis (e.g. a repeat that needs more frames) has no tables: the exact value stands in.
            double oneFrame = possible ? OneFrameLogLikelihood(m, 0, edits[i].Apply(hyp), edits[i].Position) : scorer.ScoreEdit(edits[i]);
            if (!TestMatrices.Close(oneFrame, estimates[i], 1e-12))
            {
                failures.Add($"{edits[i]}: estimate {estimates[i]}, one-frame likelihood {oneFrame}");
            }
        }

        return (failures.Count == 0).Label($"hyp [{string.Join(",", hyp)}] T={frames}: {string.Join("; ", failures.Take(5))}");
    });

    [Property(MaxTest = 100)]
    public Property Estimates_are_bit_identical_at_every_width() => Prop.ForAll(ScoringCases.Of(new ScoringCaseShape(MaxFrames: 120, MinClasses: 2, MaxClasses: 13, ExtraLength: 1, BlankLast: false)), c =>
    {
        int classes = c.Classes, length = c.Target.Length;
        int[] hyp = c.Target;
        LogProbMatrix m = c.Matrix;
        LabelEdit[] edits = [.. EditEnumeration.All(length, classes, 0).Where(e => e.Kind != EditKind.Delete)];
        double[]? reference = null;
        var failures = new List<string>();
        foreach (SimdWidth width in TestMatrices.Widths)
        {
            var scorer = new CtcScorer(width);
            scorer.Reset(m, 0);
            scorer.SetHypothesis(hyp);
            double[] estimates = new double[edits.Length];
            scorer.EstimateEdits(edits, estimates);
            reference ??= estimates;
            for (int i = 0; i < edits.Length; i++)
            {
                if (!TestMatrices.SameBits(reference[i], estimates[i]))
                {
                    failures.Add($"{width} {edits[i]}: {estimates[i]} vs scalar {reference[i]}");
                }
            }
        }

        return (failures.Count == 0).Label(string.Join("; ", failures.Take(5)));
    });

    [Property(MaxTest = 100)]
    public Property Deletions_scored_after_estimates_have_the_bits_of_deletions_scored_alone() => Prop.ForAll(ScoringCases.Of(new ScoringCaseShape(MaxFrames: 120, MinClasses: 2, MaxClasses: 13, MinLength: 1, ExtraLength: 1, BlankLast: false)), c =>
    {
        // Estimating first computes the deletion sums in the same pass as the peaks; they must be the plain sweep's bits.
        int frames = c.Frames, classes = c.Classes, length = c.Target.Length;
        int[] hyp = c.Target;
        LogProbMatrix m = c.Matrix;
        LabelEdit[] deletions = [.. Enumerable.Range(0, length).Select(LabelEdit.Delete)];
        LabelEdit[] others = [.. EditEnumeration.All(length, classes, 0).Where(e => e.Kind != EditKind.Delete)];
        var failures = new List<string>();
        foreach (SimdWidth width in TestMatrices.Widths)
        {
            var alone = new CtcScorer(width);
            alone.Reset(m, 0);
            alone.SetHypothesis(hyp);
            double[] expected = new double[length];
            alone.ScoreEdits(deletions, expected);

            var after = new CtcScorer(width);
            after.Reset(m, 0);
            after.SetHypothesis(hyp);
            after.EstimateEdits(others, new double[others.Length]);
            double[] actual = new double[length];
            after.ScoreEdits(deletions, actual);
            for (int i = 0; i < length; i++)
            {
                if (!TestMatrices.SameBits(expected[i], actual[i]))
                {
                    failures.Add($"{width} {deletions[i]}: {actual[i]} after estimates, {expected[i]} alone");
                }
            }
        }

        return (failures.Count == 0).Label($"hyp [{string.Join(",", hyp)}] T={frames}: {string.Join("; ", failures.Take(5))}");
    });

    [Fact]
    public void Serving_shape_estimates_track_the_exact_scores_of_a_peaky_matrix()
    {
        var m = TestMatrices.Random(11, 375, 66, sharpness: 25);
        int[] hyp = GreedyLabels(m);
        var scorer = new CtcScorer();
        scorer.Reset(m, 0);
        double hypLogp = scorer.SetHypothesis(hyp);
        LabelEdit[] edits = [.. EditEnumeration.All(hyp.Length, 66, 0).Where(e => e.Kind != EditKind.Delete).Where((_, i) => i % 5 == 0)];
        double[] estimates = new double[edits.Length];
        double[] exact = new double[edits.Length];
        scorer.EstimateEdits(edits, estimates);
        scorer.ScoreEdits(edits, exact);
        int close = 0, relevant = 0;
        for (int i = 0; i < edits.Length; i++)
        {
            // (Edits hundreds of nats below the hypothesis leave the splice's double range; neither value is exact there.)
            Assert.True(exact[i] < hypLogp - 100 || estimates[i] <= exact[i] + 1e-9, $"{edits[i]}: estimate {estimates[i]} above exact {exact[i]}");
            if (exact[i] > hypLogp - 10)
            {
                relevant++;
                close += exact[i] - estimates[i] < 0.5 ? 1 : 0;
            }
        }

        // On a peaky matrix nearly every competitive edit occupies one frame: the estimate is within half a nat.
        Assert.True(relevant > 0);
        Assert.True(close >= 0.9 * relevant, $"{close} of {relevant} competitive edits estimated within 0.5 nats");
    }

    [Fact]
    public void Estimating_allocates_nothing_after_warm_up()
    {
        var m = TestMatrices.Random(2, 375, 66, sharpness: 4);
        int[] hyp = TestMatrices.RandomTarget(new Random(2), 45, 66, 0, repeats: true);
        LabelEdit[] edits = [.. EditEnumeration.All(hyp.Length, 66, 0).Where(e => e.Kind != EditKind.Delete).Take(256)];
        double[] estimates = new double[edits.Length];
        var scorer = new CtcScorer();
        scorer.Reset(m, 0);
        scorer.SetHypothesis(hyp);
        scorer.EstimateEdits(edits, estimates);
        Assert.Equal(0, AllocationProbe.Fewest(() =>
        {
            scorer.Reset(m, 0);
            scorer.SetHypothesis(hyp);
            scorer.EstimateEdits(edits, estimates);
        }));
    }

    [Fact]
    public void Deletions_and_missing_hypotheses_are_rejected()
    {
        var scorer = new CtcScorer();
        scorer.Reset(TestMatrices.Random(1, 10, 4), 0);
        double[] one = new double[1];
        Assert.Throws<InvalidOperationException>(() => scorer.EstimateEdits([LabelEdit.Insert(0, 1)], one));
        scorer.SetHypothesis([1, 2]);
        Assert.Throws<ArgumentException>(() => scorer.EstimateEdits([LabelEdit.Delete(0)], one));
        Assert.Throws<ArgumentException>(() => scorer.EstimateEdits([LabelEdit.Insert(0, 1), LabelEdit.Insert(1, 1)], one));
        Assert.Throws<ArgumentOutOfRangeException>(() => scorer.EstimateEdits([LabelEdit.Insert(3, 1)], one));
        Assert.Throws<ArgumentException>(() => scorer.EstimateEdits([LabelEdit.Substitute(0, 0)], one));
    }

    private static int[] GreedyLabels(LogProbMatrix m)
    {
        int[] labels = new int[m.Frames];
        int n = GreedyDecoder.Decode(m, 0, labels, default, out _);
        return labels[..n];
    }

    // The log-space forward over the extended target, with the self-loop of label `noLoop` (its state 2·noLoop + 1) removed.
    private static double OneFrameLogLikelihood(LogProbMatrix logProbs, int blank, int[] target, int noLoop)
    {
        int frames = logProbs.Frames, classes = logProbs.Classes, states = (2 * target.Length) + 1;
        ReadOnlySpan<float> lp = logProbs.Span;
        double[] prev = new double[states], cur = new double[states];
        Array.Fill(prev, double.NegativeInfinity);
        prev[0] = lp[blank];
        if (states > 1)
        {
            prev[1] = lp[target[0]];
        }

        for (int t = 1; t < frames; t++)
        {
            for (int s = 0; s < states; s++)
            {
                int label = (s & 1) == 0 ? blank : target[s >> 1];
                double acc = s == (2 * noLoop) + 1 ? double.NegativeInfinity : prev[s];
                if (s >= 1)
                {
                    acc = CtcForward.LogAdd(acc, prev[s - 1]);
                }

                if (s >= 2 && (s & 1) == 1 && target[s >> 1] != target[(s >> 1) - 1])
                {
                    acc = CtcForward.LogAdd(acc, prev[s - 2]);
                }

                cur[s] = acc + lp[(t * classes) + label];
            }

            (prev, cur) = (cur, prev);
        }

        double result = CtcForward.LogAdd(prev[states - 1], states > 1 ? prev[states - 2] : double.NegativeInfinity);
        return double.IsNaN(result) ? double.NegativeInfinity : result;
    }
}
