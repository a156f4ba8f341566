using Nko.Ctc.Internal;
using Nko.Ctc;

namespace Nko.Ctc.Tests;

/// <summary>Deterministic random log-prob matrices of several characters (flat, typical, peaked, with zeros).</summary>
internal static class TestMatrices
{
    /// <summary>Every kernel width, scalar first (the twin the others are compared with).</summary>
    public static readonly SimdWidth[] Widths = [SimdWidth.Scalar, SimdWidth.Vector128, SimdWidth.Vector256, SimdWidth.Vector512];

    /// <summary>The same IEEE bits, not merely close values.</summary>
    public static bool SameBits(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

    public static LogProbMatrix Random(int seed, int frames, int classes, double sharpness = 1.0, double zeroFraction = 0.0)
    {
        var rng = new Random(seed);
        float[] logits = new float[frames * classes];
        for (int i = 0; i < logits.Length; i++)
        {
            // Box-Muller normal deviates scaled by the sharpness.
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            logits[i] = (float)(sharpness * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        float[] lp = new float[logits.Length];
        LogProbMatrix.LogSoftmax(logits, lp, classes);
        if (zeroFraction > 0)
        {
            for (int t = 0; t < frames; t++)
            {
                int keep = rng.Next(classes);
                for (int c = 0; c < classes; c++)
                {
                    if (c != keep && rng.NextDouble() < zeroFraction)
                    {
                        lp[(t * classes) + c] = float.NegativeInfinity;
                    }
                }
            }
        }

        return new LogProbMatrix(lp, frames, classes);
    }

    public static double SharpnessFor(int kind) => kind switch
    {
        0 => 0.05,
        1 => 1.0,
        2 => 4.0,
        _ => 25.0,
    };

    public static int[] RandomTarget(Random rng, int length, int classes, int blank, bool repeats)
    {
        int[] target = new int[length];
        for (int i = 0; i < length; i++)
        {
            int label;
            do
            {
                label = rng.Next(classes);
            }
            while (label == blank);
            if (repeats && i > 0 && rng.Next(3) == 0)
            {
                label = target[i - 1];
            }

            target[i] = label;
        }

        return target;
    }

    public static bool Close(double expected, double actual, double relative)
    {
        if (double.IsNegativeInfinity(expected) || double.IsNegativeInfinity(actual))
        {
            return expected == actual;
        }

        return Math.Abs(expected - actual) <= relative * Math.Max(1.0, Math.Abs(expected));
    }
}
