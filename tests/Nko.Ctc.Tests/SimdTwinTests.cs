using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Ctc;
using Nko.Ctc.Internal;

namespace Nko.Ctc.Tests;

/// <summary>
/// The vector kernels against their scalar twin: every width must give the same bits (not merely close values) for
/// emissions, full forwards, hypothesis tables and every single edit.
/// </summary>
public class SimdTwinTests
{
    private static readonly SimdWidth[] Widths = [SimdWidth.Scalar, SimdWidth.Vector128, SimdWidth.Vector256, SimdWidth.Vector512];

    private static CtcScorer[] Scorers() => Widths.Select(w => new CtcScorer(w)).ToArray();

    private static bool SameBits(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

    private static LogProbMatrix RandomMatrix(Random rng, int seed, int frames, int classes)
    {
        double sharpness = TestMatrices.SharpnessFor(rng.Next(4));
        double zeros = rng.Next(4) == 0 ? 0.4 : 0;
        return TestMatrices.Random(seed, frames, classes, sharpness, zeros);
    }

    [Fact]
    public void The_widths_under_test_are_distinct_on_this_machine()
    {
        CtcScorer[] scorers = Scorers();
        Assert.Equal(SimdWidth.Scalar, scorers[0].Width);
        Assert.Equal(SimdWidths.Resolve(SimdWidth.Auto), new CtcScorer().Width);
        if (Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx.IsSupported)
        {
            Assert.Equal(SimdWidth.Vector128, scorers[1].Width);
            Assert.Equal(SimdWidth.Vector256, scorers[2].Width);
        }
    }

    [Property(MaxTest = 300)]
    public Property Forward_is_bit_identical_across_widths(int seed, PositiveInt framesRaw, PositiveInt classesRaw, NonNegativeInt lengthRaw, bool blankLast)
    {
        var rng = new Random(seed);
        int frames = 1 + (framesRaw.Get % 130);
        int classes = 2 + (classesRaw.Get % 69);
        int blank = blankLast ? classes - 1 : 0;
        LogProbMatrix m = RandomMatrix(rng, seed, frames, classes);
        CtcScorer[] scorers = Scorers();
        foreach (CtcScorer s in scorers)
        {
            s.Reset(m, blank);
        }

        var failures = new List<string>();
        for (int trial = 0; trial < 4; trial++)
        {
            int length = (lengthRaw.Get + trial) % (frames + 3);
            int[] target = TestMatrices.RandomTarget(rng, length, classes, blank, repeats: rng.Next(2) == 0);
            double[] values = scorers.Select(s => s.LogLikelihood(target)).ToArray();
            if (!values.All(v => SameBits(v, values[0])))
            {
                failures.Add($"L={length}: {string.Join(" / ", values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}");
            }
        }

        return (failures.Count == 0).Label($"T={frames} C={classes} blank={blank}: {string.Join("; ", failures)}");
    }

    [Property(MaxTest = 200)]
    public Property Tables_and_every_edit_are_bit_identical_across_widths(int seed, PositiveInt framesRaw, NonNegativeInt lengthRaw, bool blankLast)
    {
        var rng = new Random(seed);
        int frames = 1 + (framesRaw.Get % 60);
        int classes = 2 + rng.Next(7);
        int blank = blankLast ? classes - 1 : 0;
        int length = lengthRaw.Get % (frames + 2);
        int[] hyp = TestMatrices.RandomTarget(rng, length, classes, blank, repeats: true);
        LogProbMatrix m = RandomMatrix(rng, seed, frames, classes);
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
        if (!hypotheses.All(h => SameBits(h, hypotheses[0])))
        {
            failures.Add($"hypothesis {string.Join(" / ", hypotheses)}");
        }

        for (int i = 0; i < edits.Length; i++)
        {
            for (int w = 1; w < scorers.Length; w++)
            {
                if (!SameBits(scores[0][i], scores[w][i]))
                {
                    failures.Add($"{edits[i]} {Widths[w]}: scalar {scores[0][i]:R}, vector {scores[w][i]:R}");
                }
            }

            // One at a time gives the batch's bits too (lanes are independent).
            if (i % 5 == 0 && !SameBits(scores[0][i], scorers[2].ScoreEdit(edits[i])))
            {
                failures.Add($"{edits[i]}: single edit differs from batch");
            }
        }

        return (failures.Count == 0).Label($"hyp [{string.Join(",", hyp)}] T={frames} C={classes}: {string.Join("; ", failures.Take(5))}");
    }

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
            scorers[w].ScoreEdits(edits, scores[w]);
        }

        for (int i = 0; i < edits.Length; i++)
        {
            Assert.True(SameBits(scores[0][i], scores[1][i]) && SameBits(scores[0][i], scores[2][i]), $"{edits[i]}: {scores[0][i]:R} / {scores[1][i]:R} / {scores[2][i]:R}");
        }
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

        double[] scalar = values.ToArray(), v2 = values.ToArray(), v4 = values.ToArray();
        DeterministicExp.ExpInPlace<Lanes1>(ref scalar[0], scalar.Length);
        DeterministicExp.ExpInPlace<Lanes2>(ref v2[0], v2.Length);
        if (Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx.IsSupported)
        {
            DeterministicExp.ExpInPlace<Lanes4>(ref v4[0], v4.Length);
        }
        else
        {
            DeterministicExp.ExpInPlace<Lanes1>(ref v4[0], v4.Length);
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
            Assert.True(SameBits(scalar[i], v2[i]) && SameBits(scalar[i], v4[i]) && SameBits(scalar[i], lone[i]), $"exp({x:R}): {scalar[i]:R} / {v2[i]:R} / {v4[i]:R}");
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
    public Property Greedy_decode_is_identical_across_widths(int seed, PositiveInt framesRaw, PositiveInt classesRaw, bool blankLast, NonNegativeInt kind)
    {
        var rng = new Random(seed);
        int frames = 1 + (framesRaw.Get % 200);
        int classes = 2 + (classesRaw.Get % 80);
        int blank = blankLast ? classes - 1 : 0;
        LogProbMatrix m = kind.Get % 3 == 0
            ? Quantised(rng, frames, classes) // many exact ties
            : TestMatrices.Random(seed, frames, classes, TestMatrices.SharpnessFor(kind.Get % 4));
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
                  && SameBits(scoresOut[w], score);
        }

        return ok.Label($"T={frames} C={classes}: counts {string.Join(",", counts)} expected {expected.Count}");
    }

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
            long before = GC.GetAllocatedBytesForCurrentThread();
            scorer.Reset(m, 0);
            scorer.SetHypothesis(hyp);
            scorer.ScoreEdits(edits, scores);
            scorer.ScoreEdit(edits[3]);
            scorer.LogLikelihood(hyp);
            GreedyDecoder.Decode(m, 0, labels, spans, out _, width);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    private static LogProbMatrix Quantised(Random rng, int frames, int classes)
    {
        float[] data = new float[frames * classes];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = -rng.Next(3);
        }

        return new LogProbMatrix(data, frames, classes);
    }
}
