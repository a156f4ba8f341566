using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Ctc;

using Nko.Ctc.Tests.Support;

namespace Nko.Ctc.Tests;

public class GreedyDecoderTests
{
    [Property(MaxTest = 200)]
    public Property Greedy_decode_invariants() => Prop.ForAll(ScoringCases.Of(new ScoringCaseShape(MaxFrames: 200, MinClasses: 66, MaxClasses: 66, Sharpness: 3)), c =>
    {
        int frames = c.Frames, blank = c.Blank;
        LogProbMatrix m = c.Matrix;
        var result = GreedyDecoder.Decode(m, blank);
        // Reference: argmax per frame, collapse, drop blanks.
        var best = Enumerable.Range(0, frames).Select(t => { var r = m.Row(t).ToArray(); return Array.IndexOf(r, r.Max()); }).ToArray();
        var expected = new List<int>();
        double score = 0;
        for (int t = 0; t < frames; t++)
        {
            score += m.Row(t)[best[t]];
            if ((t == 0 || best[t] != best[t - 1]) && best[t] != blank)
            {
                expected.Add(best[t]);
            }
        }

        bool spansOk = result.Spans.Length == result.Labels.Length
            && result.Spans.Select((s, i) => s.Length > 0 && Enumerable.Range(s.Start, s.Length).All(t => best[t] == result.Labels[i])).All(x => x)
            && result.Spans.Zip(result.Spans.Skip(1)).All(p => p.First.End <= p.Second.Start);
        // The best path is one alignment of the decoded labels, so the decoded likelihood is at least its score.
        double logp = CtcForward.LogLikelihood(m, blank, result.Labels.AsSpan());
        return (result.Labels.SequenceEqual(expected) && Math.Abs(result.Score - score) < 1e-6 && spansOk && logp >= result.Score - 1e-9)
            .Label($"labels {string.Join(",", result.Labels)} vs {string.Join(",", expected)}");
    });

    [Fact]
    public void Decodes_runs_and_blanks()
    {
        // Frames argmax: 1 1 0 1 2 2 0 -> labels 1 1 2 with spans [0,2) [3,4) [4,6).
        int[] argmax = [1, 1, 0, 1, 2, 2, 0];
        float[] data = new float[argmax.Length * 3];
        Array.Fill(data, -5f);
        for (int t = 0; t < argmax.Length; t++)
        {
            data[(t * 3) + argmax[t]] = -0.01f;
        }

        var result = GreedyDecoder.Decode(new LogProbMatrix(data, argmax.Length, 3), 0);
        Assert.Equal([1, 1, 2], result.Labels.ToArray());
        Assert.Equal([new LabelSpan(0, 2), new LabelSpan(3, 4), new LabelSpan(4, 6)], result.Spans.ToArray());
        Assert.Equal(-0.07, result.Score, 5);
    }
}
