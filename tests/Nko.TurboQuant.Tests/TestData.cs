using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using Nko.Testing;
using Nko.TurboQuant.Kernels;

namespace Nko.TurboQuant.Tests;

/// <summary>Generators of inputs, random and adversarial, fixed example data, and the kernel paths this machine can run.</summary>
internal static class TestData
{
    /// <summary>The kinds of data the generators produce.</summary>
    public const int KindCount = 10;

    /// <summary>Every vector path the hardware supports (the scalar reference is compared against these).</summary>
    public static IReadOnlyList<KernelPath> VectorPaths { get; } = BuildPaths();

    public static string Describe(int kind) => kind switch
    {
        0 => "uniform",
        1 => "gaussian with outliers",
        2 => "constant groups",
        3 => "huge range (±65504)",
        4 => "fp16 subnormals and float denormals",
        5 => "signed zeros",
        6 => "rounding midpoints",
        7 => "fp16 grid values",
        8 => "tiny ranges",
        _ => "mixed",
    };

    /// <summary>n values of the given kind, built group by group (groups of <paramref name="groupSize"/> along the flattened data); within ±65504 and finite.</summary>
    public static Gen<float[]> Values(int kind, int n, int groupSize) =>
        from magnitude in Gen.Choose(-5000, 4000).Select(e => (float)Math.Pow(10, e / 1000.0)) // 1e-5 .. 1e4
        from groups in Gen.ArrayOf(Group(kind, groupSize, magnitude), (n + groupSize - 1) / groupSize)
        select groups.SelectMany(g => g).Take(n).Select(v => Math.Clamp(v, -HalfBits.MaxValue, HalfBits.MaxValue)).ToArray();

    /// <summary>A uniform value in [−1, 1] on a 2^-24 grid.</summary>
    public static Gen<float> Signed { get; } = Gen.Choose(-(1 << 24), 1 << 24).Select(i => i / (float)(1 << 24));

    /// <summary>A standard Gaussian value (Box–Muller from two uniform draws).</summary>
    public static Gen<float> Gaussian { get; } =
        from a in Gen.Choose(0, int.MaxValue - 1)
        from b in Gen.Choose(0, int.MaxValue - 1)
        let u1 = 1.0 - (a / (double)int.MaxValue)
        let u2 = b / (double)int.MaxValue
        select (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));

    private static Gen<float> Unit { get; } = Gen.Choose(0, 1 << 24).Select(i => i / (float)(1 << 24));

    private static Gen<float> Negated(Gen<float> values) =>
        from v in values
        from negative in Gen.Elements(false, true)
        select negative ? -v : v;

    /// <summary>One group of g values of the given kind.</summary>
    private static Gen<float[]> Group(int kind, int g, float magnitude) => kind switch
    {
        0 => Gen.ArrayOf(Signed.Select(v => v * magnitude), g),
        1 => Gen.ArrayOf(Gen.Frequency((49, Gaussian.Select(v => v * magnitude)), (1, Gaussian.Select(v => v * magnitude * 60))), g),
        2 => Constant(magnitude).Select(v => Enumerable.Repeat(v, g).ToArray()),
        6 => Midpoints(g),
        9 => from constant in Constant(magnitude)
             from midpoints in Midpoints(g)
             from mixed in Gen.ArrayOf(Gen.Choose(0, 8).SelectMany(k => k == 6 ? Gen.Elements(midpoints) : Element(k, magnitude, constant)), g)
             select mixed,
        _ => Gen.ArrayOf(Element(kind, magnitude, 0f), g),
    };

    /// <summary>One value of an element-wise kind (constant groups contribute <paramref name="constant"/>).</summary>
    private static Gen<float> Element(int kind, float magnitude, float constant) => kind switch
    {
        0 => Signed.Select(v => v * magnitude),
        1 => Gaussian.Select(v => v * magnitude),
        2 => Gen.Constant(constant),
        3 => Gen.OneOf(Gen.Constant(65504f), Gen.Constant(-65504f), Signed.Select(v => v * 65504f), Unit),
        4 => Gen.OneOf(
            Gen.Choose(-1023, 1023).Select(k => k * HalfBits.TwoPowMinus24),
            Negated(Gen.Choose(1, 0x7FFFFF).Select(BitConverter.Int32BitsToSingle)),
            Gen.Constant(0f)),
        5 => Gen.Elements(0f, -0f, magnitude, -0f),
        7 => Negated(Gen.Choose(0, 0x7BFF).Select(b => (float)BitConverter.UInt16BitsToHalf((ushort)b))),
        _ => Gen.Choose(-3, 3).Select(k => 1000f + (k * 1e-4f)),
    };

    /// <summary>A constant group's value: a fraction of the magnitude, an fp16 value, or zero.</summary>
    private static Gen<float> Constant(float magnitude) =>
        Gen.OneOf(Gen.Constant(0.1f * magnitude), Unit.Select(u => (float)(Half)(u * magnitude)), Gen.Constant(0f));

    /// <summary>Values on a grid m + (k + ½)·s with fp16 m and s, so (x − m)/s lands on .5 exactly or nearly; the group's first two values are m and m + 15s.</summary>
    private static Gen<float[]> Midpoints(int g) =>
        from m in Unit.Select(u => (float)(Half)((u * 20) - 10))
        from e in Gen.Choose(-6, 2)
        let s = (float)(Half)Math.Pow(2, e)
        from ks in Gen.ArrayOf(Gen.Choose(0, 14), g)
        select ks.Select((k, i) => i == 0 ? m : i == 1 ? m + (15 * s) : m + ((k + 0.5f) * s)).ToArray();

    /// <summary>Whisper-like activations: per-channel log-normal scales, heavy tails, a few outlier channels.</summary>
    public static Half[] WhisperLike(int frames, int channels, int seed)
    {
        var rng = new Random(seed);
        float[] scale = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            scale[c] = (float)Math.Exp(NextGaussian(rng) * 0.5);
        }

        for (int k = 0; k < 6; k++)
        {
            scale[rng.Next(channels)] *= 20 + (80 * rng.NextSingle());
        }

        Half[] x = new Half[frames * channels];
        for (int t = 0; t < frames; t++)
        {
            for (int c = 0; c < channels; c++)
            {
                float g = NextGaussian(rng);
                float heavy = rng.Next(100) == 0 ? g * 4 : g;
                x[(t * channels) + c] = (Half)(heavy * scale[c]);
            }
        }

        return x;
    }

    /// <summary>A standard Gaussian value from a fixed-data generator (for the fixed examples, not the properties).</summary>
    private static float NextGaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    public static Half[] ToHalf(float[] values)
    {
        Half[] h = new Half[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            h[i] = (Half)values[i];
        }

        return h;
    }

    /// <summary>The real fixture when ../shared/models is present, else null.</summary>
    public static string? SharedFixture(string name)
    {
        string candidate = Path.Combine(RepositoryPaths.SharedModels, "fixtures", name);
        return File.Exists(candidate) ? candidate : null;
    }

    private static List<KernelPath> BuildPaths()
    {
        var paths = new List<KernelPath>();
        if (Vector128.IsHardwareAccelerated)
        {
            paths.Add(KernelPath.Vector128);
        }

        if (Simd256.IsSupported)
        {
            paths.Add(KernelPath.Vector256);
        }

        if (Simd512.IsSupported)
        {
            paths.Add(KernelPath.Vector512);
        }

        return paths;
    }
}
