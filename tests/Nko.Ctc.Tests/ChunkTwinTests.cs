using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Ctc;
using Nko.Ctc.Internal;

using Nko.Ctc.Tests.Support;

namespace Nko.Ctc.Tests;

/// <summary>
/// The hypothesis tables' four-frame passes against the frame-by-frame recursion they shortcut: the same bits for the
/// hypothesis and every single edit, at every width, and the shortcut really runs on recogniser-like (peaky) output.
/// </summary>
public class ChunkTwinTests
{
    private static readonly SimdWidth[] Widths = TestMatrices.Widths;

    // The hypothesis' log-likelihood then every edit's, from a scorer that takes the four-frame passes or not.
    private static (double[] Values, int Chunked) Score(SimdWidth width, bool frameByFrame, LogProbMatrix m, int blank, int[] hyp, LabelEdit[] edits)
    {
        var scorer = new CtcScorer(width);
        scorer.Core.Tables.FrameByFrame = frameByFrame;
        scorer.Reset(m, blank);
        var values = new double[edits.Length + 1];
        values[0] = scorer.SetHypothesis(hyp);
        int chunked = scorer.Core.Tables.ChunkedFrames;
        scorer.ScoreEdits(edits, values.AsSpan(1));
        return (values, chunked);
    }

    private static List<string> Compare(LogProbMatrix m, int blank, int[] hyp, LabelEdit[] edits, ref int chunked)
    {
        var failures = new List<string>();
        foreach (SimdWidth width in Widths)
        {
            (double[] reference, int none) = Score(width, frameByFrame: true, m, blank, hyp, edits);
            (double[] fast, int used) = Score(width, frameByFrame: false, m, blank, hyp, edits);
            Assert.Equal(0, none);
            chunked += used;
            for (int i = 0; i < reference.Length; i++)
            {
                if (!TestMatrices.SameBits(reference[i], fast[i]))
                {
                    string what = i == 0 ? "hypothesis" : edits[i - 1].ToString();
                    failures.Add($"{width} {what}: frame by frame {reference[i]:R}, four-frame {fast[i]:R}");
                }
            }
        }

        return failures;
    }

    [Property(MaxTest = 150)]
    public Property Four_frame_passes_give_the_frame_by_frame_bits() => Prop.ForAll(ScoringCases.Of(new ScoringCaseShape(MaxFrames: 90, MinClasses: 2, MaxClasses: 10, ExtraLength: 1, ZeroChance: 0.25)), ArbMap.Default.ArbFor<bool>(), (c, greedy) =>
    {
        int frames = c.Frames, classes = c.Classes, blank = c.Blank;
        LogProbMatrix m = c.Matrix;
        int[] hyp;
        if (greedy)
        {
            // The best path: the shape of recogniser output, where the tables need no rescaling for long stretches.
            var labels = new int[frames];
            hyp = labels.AsSpan(0, GreedyDecoder.Decode(m, blank, labels, default, out _)).ToArray();
        }
        else
        {
            hyp = c.Target;
        }

        LabelEdit[] edits = EditEnumeration.All(hyp.Length, classes, blank).ToArray();
        int chunked = 0;
        List<string> failures = Compare(m, blank, hyp, edits, ref chunked);
        return (failures.Count == 0).Label($"hyp [{string.Join(",", hyp)}] T={frames} C={classes}: {string.Join("; ", failures.Take(5))}");
    });

    [Fact]
    public void Four_frame_passes_run_and_agree_on_a_peaky_serving_shape_matrix()
    {
        LogProbMatrix m = TestMatrices.Random(23, 375, 66, sharpness: 25);
        var labels = new int[375];
        int[] hyp = labels.AsSpan(0, GreedyDecoder.Decode(m, 0, labels, default, out _)).ToArray();
        LabelEdit[] edits = EditEnumeration.All(hyp.Length, 66, 0).Where((_, i) => i % 97 == 0).ToArray();
        int chunked = 0;
        List<string> failures = Compare(m, 0, hyp, edits, ref chunked);
        Assert.Empty(failures);
        Assert.True(chunked > 0, "no four-frame pass ran: the test would prove nothing");
    }
}
