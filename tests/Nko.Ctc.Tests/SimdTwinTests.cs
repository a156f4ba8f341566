using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Ctc;
using Nko.Ctc.Internal;
using Nko.Testing;

using Nko.Ctc.Tests.Support;

namespace Nko.Ctc.Tests;

/// <summary>
/// The vector kernels against their scalar twin: every width must give the same bits (not merely close values) for
/// emissions, full forwards, hypothesis tables and every single edit.
/// </summary>
public class SimdTwinTests
{
    private static readonly SimdWidth[] Widths = TestMatrices.Widths;

    private static CtcScorer[] Scorers() => Widths.Select(w => new CtcScorer(w)).ToArray();

    [Fact]
    public void The_widths_under_test_are_distinct_on_this_machine()
    {
        CtcScorer[] scorers = Scorers();
        Assert.Equal(SimdWidth.Scalar, scorers[0].Core.Width);
        Assert.Equal(SimdWidths.Resolve(SimdWidth.Auto), new CtcScorer().Core.Width);
        if (Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            Assert.Equal(SimdWidth.Vector128, scorers[1].Core.Width);
            Assert.Equal(SimdWidth.Vector256, scorers[2].Core.Width);
        }

        if (Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            Assert.Equal(SimdWidth.Vector512, scorers[3].Core.Width);
        }
    }

    [Property(MaxTest = 300)]
    public Property Forward_is_bit_identical_across_widths() => Prop.ForAll(ScoringCases.Of(new ScoringCaseShape(MaxFrames: 130, MinClasses: 2, MaxClasses: 70, ZeroChance: 0.25)), Draws.Walks, (c, walk) =>
    {
        int frames = c.Frames, classes = c.Classes, blank = c.Blank;
        LogProbMatrix m = c.Matrix;
        var draws = new Draws(walk);
        CtcScorer[] scorers = Scorers();
        foreach (CtcScorer s in scorers)
        {
            s.Reset(m, blank);
        }

        var failures = new List<string>();
        for (int trial = 0; trial < 4; trial++)
        {
            int length = draws.Next(frames + 3);
            int[] target = draws.Target(length, classes, blank, repeats: draws.Next(2) == 0);
            double[] values = scorers.Select(s => s.LogLikelihood(target)).ToArray();
            if (!values.All(v => TestMatrices.SameBits(v, values[0])))
            {
                failures.Add($"L={length}: {string.Join(" / ", values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}");
            }
        }

        return (failures.Count == 0).Label($"T={frames} C={classes} blank={blank}: {string.Join("; ", failures)}");
    });

    [Property(MaxTest = 200)]
    public Property Tables_and_every_edit_are_bit_identical_across_widths() => Prop.ForAll(ScoringCases.Of(new ScoringCaseShape(MaxFrames: 60, MinClasses: 2, MaxClasses: 8, ExtraLength: 1, ZeroChance: 0.25)), c =>
    {
        int frames = c.Frames, classes = c.Classes, blank = c.Blank, length = c.Target.Length;
        int[] hyp = c.Target;
        LogProbMatrix m = c.Matrix;
        LabelEdit[] edits = EditEnumeration.All(length, classes, blank).ToArray();
        CtcScorer[] scorers = Scorers();
        var hypotheses = new double[scorers.Length];
        var scores = new double[scorers.Length][];
        for (int w = 0; w < scorers.Length; w++)
        {
            scorers[w].Reset(m, blank);
            hypotheses[w] = scorers[w].SetHypothesis(hyp);
            scores[w] = new double[edits.Length];
            scorers[w].ScoreEdits(edits, scores[w]);
        }

        var failures = new List<string>();
        if (!hypotheses.All(h => TestMatrices.SameBits(h, hypotheses[0])))
        {
            failures.Add($"hypothesis {string.Join(" / ", hypotheses)}");
        }

        for (int i = 0; i < edits.Length; i++)
        {
            for (int w = 1; w < scorers.Length; w++)
            {
                if (!TestMatrices.SameBits(scores[0][i], scores[w][i]))
                {
                    failures.Add($"{edits[i]} {Widths[w]}: scalar {scores[0][i]:R}, vector {scores[w][i]:R}");
                }
            }

            // One at a time gives the batch's bits too (lanes are independent).
            if (i % 5 == 0 && !TestMatrices.SameBits(scores[0][i], scorers[^1].ScoreEdit(edits[i])))
            {
                failures.Add($"{edits[i]}: single edit differs from batch");
            }
        }

        return (failures.Count == 0).Label($"hyp [{string.Join(",", hyp)}] T={frames} C={classes}: {string.Join("; ", failures.Take(5))}");
    });

    [Fact]
    public void Serving_shape_edits_are_bit_identical_across_widths()
    {
        LogProbMatrix m = TestMatrices.Random(17, 375, 66, sharpness: 4);
        var rng = new Random(17);
        int[] hyp = TestMatrices.RandomTarget(rng, 45, 66, 0, repeats: true);
        LabelEdit[] edits = EditEnumeration.All(hyp.Length, 66, 0).ToArray();
        double[][] scores = Widths.Select(_ => new double[edits.Length]).ToArray();
        CtcScorer[] scorers = Scorers();
        for (int w = 0; w < scorers.Length; w++)
        {
            scorers[w].Reset(m, 0);
            scorers[w].SetHypothesis(hyp);
            Assert.False(scorers[w].Core.Tables.Unscaled); // random rows: the scaled kernels run
            scorers[w].ScoreEdits(edits, scores[w]);
        }

        for (int i = 0; i < edits.Length; i++)
        {
            for (int w = 1; w < Widths.Length; w++)
            {
                Assert.True(TestMatrices.SameBits(scores[0][i], scores[w][i]), $"{edits[i]} {Widths[w]}: scalar {scores[0][i]:R}, vector {scores[w][i]:R}");
            }
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    public void Recogniser_like_matrices_give_the_same_bits_and_the_reference_values(int seed, bool blankLast)
    {
        // A confident recogniser: one class per frame far ahead of the rest, following an alignment of the hypothesis,
        // so the tables need no rescaling (the exact unscaled shortcuts run).
        var rng = new Random(seed);
        int classes = 30, frames = 240, blank = blankLast ? classes - 1 : 0;
        int[] hyp = TestMatrices.RandomTarget(rng, 40, classes, blank, repeats: true);
        LogProbMatrix m = Aligned(rng, hyp, frames, classes, blank);
        LabelEdit[] edits = EditEnumeration.All(hyp.Length, classes, blank).ToArray();
        double[][] scores = Widths.Select(_ => new double[edits.Length]).ToArray();
        CtcScorer[] scorers = Scorers();
        for (int w = 0; w < scorers.Length; w++)
        {
            scorers[w].Reset(m, blank);
            double tables = scorers[w].SetHypothesis(hyp);
            Assert.True(scorers[w].Core.Tables.Unscaled);
            Assert.True(TestMatrices.SameBits(tables, scorers[w].LogLikelihood(hyp)), $"{Widths[w]}: tables and forward differ");
            scorers[w].ScoreEdits(edits, scores[w]);
        }

        // Full forwards of edited targets (the four-frame unscaled pass, or its fallback when a frame needs scaling).
        for (int i = 0; i < edits.Length; i += 3)
        {
            int[] edited = edits[i].Apply(hyp);
            double scalar = scorers[0].LogLikelihood(edited);
            for (int w = 1; w < Widths.Length; w++)
            {
                Assert.True(TestMatrices.SameBits(scalar, scorers[w].LogLikelihood(edited)), $"{edits[i]} {Widths[w]}: forward differs");
            }
        }

        for (int i = 0; i < edits.Length; i++)
        {
            for (int w = 1; w < Widths.Length; w++)
            {
                Assert.True(TestMatrices.SameBits(scores[0][i], scores[w][i]), $"{edits[i]} {Widths[w]}: scalar {scores[0][i]:R}, vector {scores[w][i]:R}");
            }

            if (i % 11 == 0)
            {
                double reference = CtcForward.LogSpaceLogLikelihood(m, blank, edits[i].Apply(hyp));
                Assert.True(TestMatrices.Close(reference, scores[0][i], 1e-9), $"{edits[i]}: reference {reference:R}, spliced {scores[0][i]:R}");
            }
        }
    }

    [Fact]
    public void Batches_of_any_shape_give_the_bits_of_single_edits()
    {
        // Dense batches (lanes read neighbouring table cells), sparse ones (lanes far apart), and mixed kinds.
        LogProbMatrix m = TestMatrices.Random(23, 300, 40, sharpness: 4);
        var rng = new Random(23);
        int[] hyp = TestMatrices.RandomTarget(rng, 60, 40, 0, repeats: true);
        LabelEdit[][] batches =
        [
            Enumerable.Range(0, 60).Select(j => LabelEdit.Substitute(j, 1 + (j % 39))).ToArray(),
            Enumerable.Range(0, 9).Select(j => LabelEdit.Insert(j * 7, 1 + ((j * 5) % 39))).ToArray(),
            Enumerable.Range(0, 20).Select(j => (j % 3) switch
            {
                0 => LabelEdit.Delete((j * 13) % 60),
                1 => LabelEdit.Insert((j * 17) % 61, hyp[(j * 17) % 60]),
                _ => LabelEdit.Substitute((j * 11) % 60, hyp[(j * 11 + 59) % 60]),
            }).ToArray(),
        ];
        foreach (SimdWidth width in Widths)
        {
            var scorer = new CtcScorer(width);
            scorer.Reset(m, 0);
            scorer.SetHypothesis(hyp);
            foreach (LabelEdit[] batch in batches)
            {
                double[] scores = new double[batch.Length];
                scorer.ScoreEdits(batch, scores);
                for (int i = 0; i < batch.Length; i++)
                {
                    double single = scorer.ScoreEdit(batch[i]);
                    Assert.True(TestMatrices.SameBits(single, scores[i]), $"{width} {batch[i]}: batch {scores[i]:R}, single {single:R}");
                    if (i % 4 == 0)
                    {
                        double full = scorer.LogLikelihood(batch[i].Apply(hyp));
                        Assert.True(TestMatrices.Close(full, scores[i], 1e-10), $"{width} {batch[i]}: full {full:R}, spliced {scores[i]:R}");
                    }
                }
            }
        }
    }

    // Log-softmax of logits N(0, 1) plus 14 on the class of an alignment of `hyp` (each label held for a few frames,
    // blanks between, repeated labels always separated by a blank).
    private static LogProbMatrix Aligned(Random rng, int[] hyp, int frames, int classes, int blank)
    {
        var path = new List<int>();
        for (int k = 0; k < hyp.Length; k++)
        {
            if (k == 0 || rng.Next(2) == 0 || hyp[k] == hyp[k - 1])
            {
                path.Add(blank);
            }

            for (int r = 1 + rng.Next(3); r > 0; r--)
            {
                path.Add(hyp[k]);
            }
        }

        while (path.Count < frames)
        {
            // Lengthen a blank run (never split a label's run: the alignment must still collapse to `hyp`).
            int at;
            do
            {
                at = rng.Next(path.Count);
            }
            while (path[at] != blank);
            path.Insert(at, blank);
        }

        float[] logits = new float[frames * classes];
        for (int t = 0; t < frames; t++)
        {
            for (int c = 0; c < classes; c++)
            {
                double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                logits[(t * classes) + c] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }

            logits[(t * classes) + path[t]] += 14f;
        }

        float[] lp = new float[logits.Length];
        LogProbMatrix.LogSoftmax(logits, lp, classes);
        return new LogProbMatrix(lp, frames, classes);
    }

    [Fact]
    public void Exponential_is_bit_identical_across_widths_and_within_two_ulp()
    {
        var rng = new Random(5);
        var values = new List<double> { 0.0, -0.0, -1e-300, -1e-17, -0.34657359027997264, -0.5, -1, -700, -707.9, -708, -708.0000001, -709, -720, -744, -745.1, -746, -800, -1e5, double.NegativeInfinity, double.MinValue };
        for (int i = 0; i < 40000; i++)
        {
            values.Add((i % 4) switch
            {
                0 => -rng.NextDouble(),
                1 => -50 * rng.NextDouble(),
                2 => -760 * rng.NextDouble(),
                _ => -Math.Pow(10, -20 + (23 * rng.NextDouble())),
            });
        }

        while (values.Count % 4 != 0)
        {
            values.Add(-1);
        }

        while (values.Count % 8 != 0)
        {
            values.Add(-2);
        }

        double[] scalar = values.ToArray(), v2 = values.ToArray(), v4 = values.ToArray(), v8 = values.ToArray();
        DeterministicExp.ExpInPlace<Lanes1>(ref scalar[0], scalar.Length);
        DeterministicExp.ExpInPlace<Lanes2>(ref v2[0], v2.Length);
        if (Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            DeterministicExp.ExpInPlace<Lanes4>(ref v4[0], v4.Length);
        }
        else
        {
            DeterministicExp.ExpInPlace<Lanes1>(ref v4[0], v4.Length);
        }

        if (Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            DeterministicExp.ExpInPlace<Lanes8>(ref v8[0], v8.Length);
        }
        else
        {
            DeterministicExp.ExpInPlace<Lanes1>(ref v8[0], v8.Length);
        }

        // Mixing lanes that take the small-result path with lanes that do not must not change any lane.
        double[] lone = values.Select(x => x).ToArray();
        for (int i = 0; i < lone.Length; i++)
        {
            double[] one = [lone[i], 0, 0, 0];
            DeterministicExp.ExpInPlace<Lanes1>(ref one[0], 1);
            lone[i] = one[0];
        }

        for (int i = 0; i < values.Count; i++)
        {
            double x = values[i];
            Assert.True(
                TestMatrices.SameBits(scalar[i], v2[i]) && TestMatrices.SameBits(scalar[i], v4[i]) && TestMatrices.SameBits(scalar[i], v8[i]) && TestMatrices.SameBits(scalar[i], lone[i]),
                $"exp({x:R}): {scalar[i]:R} / {v2[i]:R} / {v4[i]:R} / {v8[i]:R}");
            double expected = Math.Exp(x);
            if (expected >= double.Epsilon * (1L << 52))
            {
                double ulp = Math.BitIncrement(expected) - expected;
                Assert.True(Math.Abs(scalar[i] - expected) <= 2 * ulp, $"exp({x:R}) = {scalar[i]:R}, expected {expected:R} ({Math.Abs(scalar[i] - expected) / ulp} ulp)");
            }
            else
            {
                // Subnormal results: rounded once, so within one unit of the smallest subnormal.
                Assert.True(Math.Abs(scalar[i] - expected) <= double.Epsilon, $"exp({x:R}) = {scalar[i]:R}, expected {expected:R}");
            }
        }

        Assert.Equal(1.0, scalar[0]);
        Assert.Equal(1.0, scalar[1]);
    }

    [Property(MaxTest = 200)]
    public Property Greedy_decode_is_identical_across_widths() => Prop.ForAll(ScoringCases.Of(new ScoringCaseShape(MaxFrames: 200, MinClasses: 2, MaxClasses: 81, QuantisedChance: 0.33)), c =>
    {
        int frames = c.Frames, classes = c.Classes, blank = c.Blank;
        LogProbMatrix m = c.Matrix; // a third quantised: many exact ties
        var labels = new int[Widths.Length][];
        var spans = new LabelSpan[Widths.Length][];
        var counts = new int[Widths.Length];
        var scoresOut = new double[Widths.Length];
        for (int w = 0; w < Widths.Length; w++)
        {
            labels[w] = new int[frames];
            spans[w] = new LabelSpan[frames];
            counts[w] = GreedyDecoder.Decode(m, blank, labels[w], spans[w], out scoresOut[w], Widths[w]);
        }

        // Reference: TensorPrimitives.IndexOfMax per row (the documented tie rule).
        var expected = new List<int>();
        double score = 0;
        int previous = -1;
        for (int t = 0; t < frames; t++)
        {
            int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(m.Row(t));
            score += m.Row(t)[best];
            if (best != previous && best != blank)
            {
                expected.Add(best);
            }

            previous = best;
        }

        bool ok = true;
        for (int w = 0; w < Widths.Length; w++)
        {
            ok &= counts[w] == expected.Count
                  && labels[w].Take(counts[w]).SequenceEqual(expected)
                  && spans[w].Take(counts[w]).SequenceEqual(spans[0].Take(counts[0]))
                  && TestMatrices.SameBits(scoresOut[w], score);
        }

        return ok.Label($"T={frames} C={classes}: counts {string.Join(",", counts)} expected {expected.Count}");
    });

    [Fact]
    public void Greedy_decode_follows_IndexOfMax_on_signed_zeros_and_NaN()
    {
        float[] data =
        [
            -0f, -1f, 0f, -2f, // +0 beats -0: class 2
            0f, -0f, -1f, -1f, // first maximum: class 0
            -1f, float.NaN, -0.5f, float.NaN, // NaN: IndexOfMax returns the first NaN
            -3f, -1f, -1f, -2f, // tie: first
        ];
        var m = new LogProbMatrix(data, 4, 4);
        foreach (SimdWidth width in Widths)
        {
            int[] labels = new int[4];
            int n = GreedyDecoder.Decode(m, 3, labels, default, out _, width);
            // Argmax per frame: 2, 0, 1 (the first NaN), 1 (the first of a tie), collapsed to 2, 0, 1.
            int[] argmax = Enumerable.Range(0, 4).Select(t => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(m.Row(t))).ToArray();
            Assert.Equal([2, 0, 1, 1], argmax);
            Assert.Equal([2, 0, 1], labels.Take(n).ToArray());
        }
    }

    [Fact]
    public void Greedy_decode_follows_IndexOfMax_on_wide_rows_with_zeros_ties_and_NaN()
    {
        // Rows wider than every vector, so the vector kernels (not the scalar fallback for narrow rows) see these cases.
        const int classes = 37;
        float[][] rows =
        [
            Row(classes, (3, -0f), (20, 0f), (35, -0f)), // +0 beats -0 wherever it is
            Row(classes, (3, -0f), (20, -0f)), // only -0: the first
            Row(classes, (9, -0.25f), (30, -0.25f)), // tie: the first
            Row(classes, (2, -0.5f), (17, float.NaN), (33, float.NaN)), // NaN: the first NaN
            Row(classes, (36, -0.125f)), // the last class, in the overlapping tail vector
            Row(classes, (0, float.NegativeInfinity), (1, -0.75f)),
        ];
        float[] data = rows.SelectMany(r => r).ToArray();
        var m = new LogProbMatrix(data, rows.Length, classes);
        int[] argmax = Enumerable.Range(0, rows.Length).Select(t => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(m.Row(t))).ToArray();
        Assert.Equal([20, 3, 9, 17, 36, 1], argmax);
        foreach (SimdWidth width in Widths)
        {
            int[] labels = new int[rows.Length];
            var spans = new LabelSpan[rows.Length];
            int n = GreedyDecoder.Decode(m, 5, labels, spans, out double score, width);
            Assert.Equal(argmax, labels.Take(n).ToArray());
            Assert.True(double.IsNaN(score)); // the NaN row's maximum is NaN, as IndexOfMax reports it
        }
    }

    private static float[] Row(int classes, params (int Class, float Value)[] set)
    {
        float[] row = Enumerable.Repeat(-3f, classes).ToArray();
        foreach ((int c, float v) in set)
        {
            row[c] = v;
        }

        return row;
    }

    [Fact]
    public void Every_width_scores_edits_without_allocating()
    {
        LogProbMatrix m = TestMatrices.Random(2, 375, 66, sharpness: 4);
        int[] hyp = TestMatrices.RandomTarget(new Random(2), 45, 66, 0, repeats: true);
        LabelEdit[] edits = EditEnumeration.All(hyp.Length, 66, 0).Take(256).ToArray();
        double[] scores = new double[edits.Length];
        int[] labels = new int[375];
        var spans = new LabelSpan[375];
        foreach (SimdWidth width in Widths)
        {
            var scorer = new CtcScorer(width);
            scorer.Reset(m, 0);
            scorer.SetHypothesis(hyp);
            scorer.ScoreEdits(edits, scores);
            scorer.ScoreEdit(edits[3]);
            GreedyDecoder.Decode(m, 0, labels, spans, out _, width);
            Assert.Equal(0, AllocationProbe.Fewest(() =>
            {
                scorer.Reset(m, 0);
                scorer.SetHypothesis(hyp);
                scorer.ScoreEdits(edits, scores);
                scorer.ScoreEdit(edits[3]);
                scorer.LogLikelihood(hyp);
                GreedyDecoder.Decode(m, 0, labels, spans, out _, width);
            }));
        }
    }
}
