using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Ctc.Internal;

using Nko.Ctc.Tests.Support;

namespace Nko.Ctc.Tests;

/// <summary>
/// A scorer that moves to a hypothesis one edit away (correction rounds) reuses the previous hypothesis' label
/// emissions; everything it computes must have the bits of a fresh scorer given that hypothesis alone.
/// </summary>
public class CtcScorerStepTests
{
    [Property(MaxTest = 150)]
    public Property Stepping_through_single_edits_gives_the_bits_of_fresh_tables() => Prop.ForAll(ScoringCases.Of(new ScoringCaseShape(MaxFrames: 90, MinClasses: 2, MaxClasses: 11, ExtraLength: 1, BlankLast: false)), Draws.Walks, (c, walk) =>
    {
        int frames = c.Frames, classes = c.Classes;
        int[] hyp = c.Target;
        LogProbMatrix m = c.Matrix;
        var draws = new Draws(walk);
        var failures = new List<string>();
        int stepped = 0;
        foreach (SimdWidth width in TestMatrices.Widths)
        {
            var walker = new CtcScorer(width);
            walker.Reset(m, 0);
            int[] current = hyp;
            for (int round = 0; round < 8 && failures.Count == 0; round++)
            {
                double walked = walker.SetHypothesis(current);
                stepped += walker.Core.Tables.LabelsStepped ? 1 : 0;
                var fresh = new CtcScorer(width);
                fresh.Reset(m, 0);
                double expected = fresh.SetHypothesis(current);
                if (!TestMatrices.SameBits(expected, walked))
                {
                    failures.Add($"{width} round {round} [{string.Join(",", current)}]: {walked:R} vs fresh {expected:R}");
                }

                LabelEdit[] edits = [.. EditEnumeration.All(current.Length, classes, 0)];
                double[] got = new double[edits.Length], want = new double[edits.Length];
                walker.ScoreEdits(edits, got);
                fresh.ScoreEdits(edits, want);
                for (int i = 0; i < edits.Length; i++)
                {
                    if (!TestMatrices.SameBits(want[i], got[i]))
                    {
                        failures.Add($"{width} round {round} [{string.Join(",", current)}] {edits[i]}: {got[i]:R} vs fresh {want[i]:R}");
                    }
                }

                // Sometimes something else uses the scorer's buffers between rounds (a full forward), or the text stays.
                switch (draws.Next(4))
                {
                    case 0:
                        walker.LogLikelihood(draws.Target(draws.Next(frames + 1), classes));
                        break;
                    case 1:
                        continue;
                }

                // Usually one edit (a correction round); sometimes two, so that the new columns are more than one or
                // the length moves by two (no reuse then).
                for (int e = draws.Next(4) == 0 ? 2 : 1; e > 0; e--)
                {
                    LabelEdit[] choices = [.. EditEnumeration.All(current.Length, classes, 0)];
                    if (choices.Length > 0)
                    {
                        int[] next = new int[current.Length + 1];
                        current = next[..choices[draws.Next(choices.Length)].Apply(current, next)];
                    }
                }
            }
        }

        return (failures.Count == 0).Label(string.Join("; ", failures.Take(4))).Collect(stepped > 0 ? "stepped" : "never stepped");
    });

    [Fact]
    public void Moves_label_emissions_only_when_a_few_columns_change_at_the_same_row_width()
    {
        var m = TestMatrices.Random(7, 40, 12);
        var scorer = new CtcScorer();
        scorer.Reset(m, 0);
        scorer.SetHypothesis([1, 2, 3, 4]);
        Assert.False(scorer.Core.Tables.LabelsStepped);
        scorer.SetHypothesis([1, 5, 3, 4]); // substitution
        Assert.True(scorer.Core.Tables.LabelsStepped);
        scorer.SetHypothesis([1, 5, 3, 3, 4]); // insertion
        Assert.True(scorer.Core.Tables.LabelsStepped);
        scorer.SetHypothesis([1, 5, 3, 4]); // deletion
        Assert.True(scorer.Core.Tables.LabelsStepped);
        scorer.SetHypothesis([2, 5, 3, 1]); // two substitutions
        Assert.True(scorer.Core.Tables.LabelsStepped);
        scorer.SetHypothesis([2, 5, 3, 1]); // the same text again: recomputed
        Assert.False(scorer.Core.Tables.LabelsStepped);
        scorer.SetHypothesis([2, 3, 1, 6, 7, 8]); // the length moves by two
        Assert.False(scorer.Core.Tables.LabelsStepped);
        scorer.SetHypothesis([2, 3, 1, 6, 7, 8, 9, 10, 11, 1]); // another row width
        Assert.False(scorer.Core.Tables.LabelsStepped);
        scorer.SetHypothesis([3, 4, 5, 7, 8, 9, 10, 11, 9, 1]); // nine new columns
        Assert.False(scorer.Core.Tables.LabelsStepped);
        scorer.LogLikelihood([1, 2]);
        scorer.SetHypothesis([3, 4, 5, 7, 8, 9, 10, 11, 9, 2]); // one edit, but a full forward used the buffers since
        Assert.False(scorer.Core.Tables.LabelsStepped);
        scorer.Reset(m, 0);
        scorer.SetHypothesis([3, 4, 5, 7, 8, 9, 10, 11, 9, 1]); // one edit, but a new matrix
        Assert.False(scorer.Core.Tables.LabelsStepped);
    }
}
