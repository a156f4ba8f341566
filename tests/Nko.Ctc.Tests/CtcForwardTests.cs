using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Ctc;

using Nko.Ctc.Tests.Support;

namespace Nko.Ctc.Tests;

public class CtcForwardTests
{
    // Sum over every frame-level path whose collapse equals the target: the definition of the CTC likelihood.
    private static double BruteForce(LogProbMatrix m, int blank, int[] target)
    {
        int frames = m.Frames, classes = m.Classes;
        int[] path = new int[frames];
        double total = 0;
        long count = (long)Math.Pow(classes, frames);
        for (long code = 0; code < count; code++)
        {
            long x = code;
            for (int t = 0; t < frames; t++)
            {
                path[t] = (int)(x % classes);
                x /= classes;
            }

            var collapsed = new List<int>();
            int prev = -1;
            double logp = 0;
            for (int t = 0; t < frames; t++)
            {
                logp += m.Row(t)[path[t]];
                if (path[t] != prev && path[t] != blank)
                {
                    collapsed.Add(path[t]);
                }

                prev = path[t];
            }

            if (collapsed.SequenceEqual(target))
            {
                total += Math.Exp(logp);
            }
        }

        return total > 0 ? Math.Log(total) : double.NegativeInfinity;
    }

    [Property(MaxTest = 300)]
    public Property Forward_equals_brute_force_sum_over_alignments() => Prop.ForAll(ScoringCases.Of(new ScoringCaseShape(MaxFrames: 6, MinClasses: 2, MaxClasses: 3, ZeroChance: 0.33)), c =>
    {
        int blank = c.Blank;
        int[] target = c.Target;
        LogProbMatrix m = c.Matrix;
        double expected = BruteForce(m, blank, target);
        double fast = CtcForward.LogLikelihood(m, blank, target);
        double reference = CtcForward.LogSpaceLogLikelihood(m, blank, target);
        return (TestMatrices.Close(expected, fast, 1e-9) && TestMatrices.Close(expected, reference, 1e-9))
            .Label($"brute {expected}, fast {fast}, log-space {reference}");
    });

    [Property(MaxTest = 300)]
    public Property Fast_forward_equals_log_space_reference() => Prop.ForAll(ScoringCases.Of(new ScoringCaseShape(MaxFrames: 120, MinClasses: 66, MaxClasses: 66, ExtraLength: 2, ZeroChance: 0.25, SometimesNoRepeats: true)), c =>
    {
        int blank = c.Blank;
        int[] target = c.Target;
        LogProbMatrix m = c.Matrix;
        double fast = CtcForward.LogLikelihood(m, blank, target);
        double reference = CtcForward.LogSpaceLogLikelihood(m, blank, target);
        return TestMatrices.Close(reference, fast, 1e-9).Label($"reference {reference}, fast {fast}");
    });

    [Fact]
    public void Infeasible_target_is_negative_infinity()
    {
        var m = TestMatrices.Random(1, 3, 4);
        Assert.Equal(double.NegativeInfinity, CtcForward.LogLikelihood(m, 0, [1, 2, 3, 1]));
        Assert.Equal(double.NegativeInfinity, CtcForward.LogLikelihood(m, 0, [1, 1, 2])); // needs 4 frames
        Assert.True(double.IsFinite(CtcForward.LogLikelihood(m, 0, [1, 2, 1])));
    }

    [Fact]
    public void Empty_target_is_the_product_of_blank_probabilities()
    {
        var m = TestMatrices.Random(7, 20, 5);
        double expected = 0;
        for (int t = 0; t < 20; t++)
        {
            expected += m.Row(t)[2];
        }

        Assert.Equal(expected, CtcForward.LogLikelihood(m, 2, []), 9);
    }

    [Fact]
    public void Long_peaked_matrices_do_not_underflow()
    {
        // T = 2000 frames of recogniser-like rows (log-probs down to about -25): the likelihood is far below double's
        // range without rescaling. (Random targets on much sharper rows leave the documented precision domain.)
        var m = TestMatrices.Random(3, 2000, 66, sharpness: 4);
        var rng = new Random(3);
        int[] target = TestMatrices.RandomTarget(rng, 300, 66, 0, repeats: true);
        double fast = CtcForward.LogLikelihood(m, 0, target);
        double reference = CtcForward.LogSpaceLogLikelihood(m, 0, target);
        Assert.True(fast < -1000, $"expected a very small likelihood, got {fast}");
        Assert.True(TestMatrices.Close(reference, fast, 1e-9), $"reference {reference}, fast {fast}");
    }

    [Fact]
    public void Label_out_of_range_or_blank_is_rejected()
    {
        var m = TestMatrices.Random(1, 10, 4);
        Assert.Throws<ArgumentException>(() => CtcForward.LogLikelihood(m, 0, [1, 0]));
        Assert.Throws<ArgumentException>(() => CtcForward.LogLikelihood(m, 0, [4]));
        Assert.Throws<ArgumentException>(() => CtcForward.LogLikelihood(m, 0, [-1]));
    }

    [Fact]
    public void NaN_and_positive_infinity_are_rejected_with_position()
    {
        float[] data = new float[3 * 4];
        Array.Fill(data, -1.3862944f);
        data[6] = float.NaN;
        var m = new LogProbMatrix(data, 3, 4);
        var e = Assert.Throws<InvalidLogProbsException>(() => CtcForward.LogLikelihood(m, 0, [1]));
        Assert.Equal(1, e.Frame);
        Assert.Equal(2, e.ClassIndex);
        data[6] = float.PositiveInfinity;
        Assert.Throws<InvalidLogProbsException>(() => CtcForward.LogLikelihood(new LogProbMatrix(data, 3, 4), 0, [1]));
    }

    [Fact]
    public void A_frame_with_no_mass_makes_every_target_impossible()
    {
        float[] data = new float[3 * 3];
        Array.Fill(data, -1.0986123f);
        for (int c = 0; c < 3; c++)
        {
            data[3 + c] = float.NegativeInfinity;
        }

        var m = new LogProbMatrix(data, 3, 3);
        Assert.Equal(double.NegativeInfinity, CtcForward.LogLikelihood(m, 0, [1]));
        Assert.Equal(double.NegativeInfinity, CtcForward.LogSpaceLogLikelihood(m, 0, [1]));
    }
}
