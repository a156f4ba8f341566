using System.Runtime.Intrinsics;
using Nko.TurboQuant.Kernels;

namespace Nko.TurboQuant.Tests;

/// <summary>Deterministic inputs, random and adversarial, and the kernel paths this machine can run.</summary>
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

    /// <summary>n values of the given kind, reproducible from the seed; within ±65504 and finite.</summary>
    public static float[] Values(int kind, int n, int seed, int groupSize)
    {
        var rng = new Random(seed);
        float[] x = new float[n];
        float magnitude = (float)Math.Pow(10, (rng.NextDouble() * 9) - 5); // 1e-5 .. 1e4
        for (int i = 0; i < n; i++)
        {
            int k = kind == 9 ? rng.Next(9) : kind;
            x[i] = k switch
            {
                0 => ((rng.NextSingle() * 2) - 1) * magnitude,
                1 => rng.Next(50) == 0 ? Gaussian(rng) * magnitude * 60 : Gaussian(rng) * magnitude,
                2 => Constant(rng, seed, i / groupSize, magnitude),
                3 => rng.Next(4) switch { 0 => 65504f, 1 => -65504f, 2 => ((rng.NextSingle() * 2) - 1) * 65504f, _ => rng.NextSingle() },
                4 => rng.Next(3) switch
                {
                    0 => rng.Next(-1023, 1024) * HalfBits.TwoPowMinus24,
                    1 => BitConverter.Int32BitsToSingle(rng.Next(1, 0x7FFFFF)) * (rng.Next(2) == 0 ? 1 : -1),
                    _ => 0f,
                },
                5 => rng.Next(3) switch { 0 => 0f, 1 => -0f, _ => rng.Next(2) == 0 ? magnitude : -0f },
                6 => Midpoint(rng, i % groupSize, seed + (i / groupSize)),
                7 => (float)BitConverter.UInt16BitsToHalf((ushort)rng.Next(0, 0x7C00)) * (rng.Next(2) == 0 ? 1 : -1),
                8 => 1000f + (rng.Next(-3, 4) * 1e-4f),
                _ => ((rng.NextSingle() * 2) - 1) * magnitude,
            };
            x[i] = Math.Clamp(x[i], -HalfBits.MaxValue, HalfBits.MaxValue);
        }

        return x;
    }

    /// <summary>Whisper-like activations: per-channel log-normal scales, heavy tails, a few outlier channels.</summary>
    public static Half[] WhisperLike(int frames, int channels, int seed)
    {
        var rng = new Random(seed);
        float[] scale = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            scale[c] = (float)Math.Exp(Gaussian(rng) * 0.5);
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
                float g = Gaussian(rng);
                float heavy = rng.Next(100) == 0 ? g * 4 : g;
                x[(t * channels) + c] = (Half)(heavy * scale[c]);
            }
        }

        return x;
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

    /// <summary>The real fixture when ../shared is present (walks up from the test binary), else null.</summary>
    public static string? SharedFixture(string name)
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "shared", "models", "fixtures", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static float Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    private static float Constant(Random rng, int seed, int group, float magnitude)
    {
        var groupRng = new Random(seed ^ (group * 7919));
        return groupRng.Next(3) switch
        {
            0 => 0.1f * magnitude,
            1 => (float)(Half)(groupRng.NextSingle() * magnitude),
            _ => rng.Next(2) == 0 ? 0f : 0f,
        };
    }

    /// <summary>Values on a grid m + (k + ½)·s with fp16 m and s, so (x − m)/s lands on .5 exactly or nearly.</summary>
    private static float Midpoint(Random rng, int index, int groupSeed)
    {
        var g = new Random(groupSeed);
        float m = (float)(Half)((g.NextSingle() * 20) - 10);
        float s = (float)(Half)(Math.Pow(2, g.Next(-6, 3)));
        int levels = 15;
        if (index == 0)
        {
            return m;
        }

        if (index == 1)
        {
            return m + (levels * s);
        }

        return m + ((rng.Next(levels) + 0.5f) * s);
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
