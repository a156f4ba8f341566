using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.TurboQuant.Kernels;

namespace Nko.TurboQuant.Tests;

public sealed class TurboProperties
{
    /// <summary>A block of 2^Log2 scaled Gaussian values and a sign seed; shrinks the values towards zero, the seed towards 0.</summary>
    private static readonly Arbitrary<(int Log2, int Seed, float[] X)> Blocks = Arb.From(
        from log2 in Gen.Choose(4, 12)
        from seed in Gen.Choose(0, int.MaxValue)
        from scale in Gen.Elements(1e-20f, 1e-3f, 1f, 1e3f, 1e20f)
        from x in Gen.ArrayOf(TestData.Gaussian.Select(v => v * scale), 1 << log2)
        select (log2, seed, x),
        ShrinkBlock);

    private static IEnumerable<(int Log2, int Seed, float[] X)> ShrinkBlock((int Log2, int Seed, float[] X) b)
    {
        if (b.Seed != 0)
        {
            yield return b with { Seed = 0 };
        }

        int half = b.X.Length / 2;
        if (b.X.AsSpan(0, half).ContainsAnyExcept(0f))
        {
            yield return b with { X = [.. new float[half], .. b.X[half..]] };
        }

        if (b.X.AsSpan(half).ContainsAnyExcept(0f))
        {
            yield return b with { X = [.. b.X[..half], .. new float[half]] };
        }
    }

    /// <summary>A seed and a row of 1280 Gaussian values.</summary>
    private static readonly Arbitrary<(int Seed, float[] X)> SeededRows = Arb.From(
        from seed in Gen.Choose(0, int.MaxValue)
        from x in Gen.ArrayOf(TestData.Gaussian, 1280)
        select (seed, x),
        ((int Seed, float[] X) r) => r.Seed == 0 ? [] : [(0, r.X)]);

    [Property(MaxTest = 300)]
    public Property Every_vector_path_produces_the_reference_bytes_and_values() => Prop.ForAll(Cases.Turbo, c =>
    {
        float[] x = c.X;
        Half[] h = TestData.ToHalf(x);
        var reference = new Quantizer(c.Options, c.RowLength, KernelPath.Scalar);
        byte[] refFromFloat = new byte[reference.GetEncodedLength(c.Rows)];
        byte[] refFromHalf = new byte[refFromFloat.Length];
        reference.Quantize(x, refFromFloat);
        reference.Quantize(h, refFromHalf);
        float[] refFloat = new float[x.Length];
        Half[] refHalf = new Half[x.Length];
        reference.Dequantize(refFromFloat, refFloat);
        reference.Dequantize(refFromFloat, refHalf);

        foreach (KernelPath path in TestData.VectorPaths)
        {
            var q = new Quantizer(c.Options, c.RowLength, path);
            byte[] bytes = new byte[refFromFloat.Length];
            q.Quantize(x, bytes);
            Assert.True(refFromFloat.AsSpan().SequenceEqual(bytes), $"{q.Path} float input bytes differ: {c}");
            q.Quantize(h, bytes);
            Assert.True(refFromHalf.AsSpan().SequenceEqual(bytes), $"{q.Path} Half input bytes differ: {c}");
            float[] f = new float[x.Length];
            q.Dequantize(refFromFloat, f);
            Assert.True(Bits.Equal(refFloat, f), $"{q.Path} float output differs: {c}");
            Half[] o = new Half[x.Length];
            q.Dequantize(refFromFloat, o);
            Assert.True(Bits.Equal(refHalf, o), $"{q.Path} Half output differs: {c}");
        }

        return true;
    });

    [Property(MaxTest = 200)]
    public Property The_rotation_is_orthogonal_its_inverse_recovers_the_block() => Prop.ForAll(Blocks, c =>
    {
        int n = c.X.Length;
        uint[] signs = RandomSigns.Create((ulong)c.Seed, n);
        float[] y = new float[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = TurboReference.FlipSign(c.X[i], signs[i]);
        }

        TurboReference.Hadamard(y);
        double normX = Norm(c.X), normY = Norm(y) / Math.Sqrt(n);
        Assert.True(Math.Abs(normX - normY) <= 1e-5 * normX, $"norm not preserved: {normX} vs {normY}");

        TurboReference.Hadamard(y);
        double maxError = 0;
        for (int i = 0; i < n; i++)
        {
            float back = TurboReference.FlipSign(y[i] / n, signs[i]);
            maxError = Math.Max(maxError, Math.Abs(back - c.X[i]));
        }

        return maxError <= 1e-5 * normX;
    });

    [Property(MaxTest = 100)]
    public Property The_rotation_is_deterministic_for_a_seed_and_changes_with_it() => Prop.ForAll(
        SeededRows,
        r =>
        {
            int seed = r.Seed;
            uint[] a = RandomSigns.Create((ulong)seed, 1280);
            uint[] b = RandomSigns.Create((ulong)seed, 1280);
            uint[] other = RandomSigns.Create((ulong)seed + 1, 1280);
            Assert.Equal(a, b);
            Assert.NotEqual(a, other);
            int flips = a.Count(m => m != 0);
            Assert.InRange(flips, 500, 780);

            float[] x = r.X;
            var q1 = new Quantizer(QuantOptions.Turbo(4, 256, (ulong)seed), 1280);
            var q2 = new Quantizer(QuantOptions.Turbo(4, 256, (ulong)seed), 1280);
            byte[] e1 = new byte[q1.EncodedRowLength], e2 = new byte[q2.EncodedRowLength];
            q1.Quantize(x, e1);
            q2.Quantize(x, e2);
            return e1.AsSpan().SequenceEqual(e2);
        });

    [Fact]
    public void Turbo_error_on_gaussian_data_matches_the_lloyd_max_distortion()
    {
        float[] x = Gaussian(256 * 400, 11, 2f);
        double energy = x.Sum(v => (double)v * v) / x.Length;
        foreach ((int bits, double distortion) in new[] { (2, 0.1175), (3, 0.03455), (4, 0.009501) })
        {
            var q = new Quantizer(QuantOptions.Turbo(bits), 256);
            byte[] e = new byte[q.GetEncodedLength(400)];
            q.Quantize(x, e);
            float[] y = new float[x.Length];
            q.Dequantize(e, y);
            double relative = QuantMetrics.Compute(x, y, q.BitsPerValue).Mse / energy;
            Assert.InRange(relative, distortion * 0.9, distortion * 1.1);
            Assert.True(relative <= Math.Sqrt(3) * Math.PI / 2 * Math.Pow(4, -bits), "TurboQuant's MSE bound");
        }
    }

    [Fact]
    public void Zero_and_tiny_blocks_are_stored_as_zero_norm_and_decode_to_zero()
    {
        float[] x = new float[512];
        x[300] = 1e-32f;
        var q = new Quantizer(QuantOptions.Turbo(4), 512);
        byte[] e = new byte[q.EncodedRowLength];
        q.Quantize(x, e);
        Assert.Equal(0f, BitConverter.ToSingle(e, 0));
        Assert.Equal(0f, BitConverter.ToSingle(e, 4 + 128));
        float[] y = Enumerable.Repeat(1f, 512).ToArray();
        q.Dequantize(e, y);
        Assert.All(y, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Turbo_accepts_float_values_beyond_fp16_and_rejects_non_finite_ones()
    {
        float[] x = Gaussian(256, 5, 1e30f);
        var q = new Quantizer(QuantOptions.Turbo(4), 256);
        byte[] e = new byte[q.EncodedRowLength];
        q.Quantize(x, e);
        float[] y = new float[256];
        q.Dequantize(e, y);
        Assert.True(QuantMetrics.Compute(x, y, 4).Mse / x.Average(v => (double)v * v) < 0.02);

        x[17] = float.NaN;
        var ex = Assert.Throws<ArgumentException>(() => q.Quantize(x, e));
        Assert.Contains("index 17", ex.Message, StringComparison.Ordinal);

        float[] huge = Enumerable.Repeat(3e38f, 256).ToArray();
        Assert.Throws<ArgumentOutOfRangeException>(() => q.Quantize(huge, e));
    }

    [Fact]
    public void A_row_not_a_multiple_of_the_block_is_zero_padded_and_costs_the_padding()
    {
        var q = new Quantizer(QuantOptions.Turbo(4, 256), 1000);
        Assert.Equal(4 * (4 + 128), q.EncodedRowLength);
        Assert.Equal(4 * 132 * 8 / 1000.0, q.BitsPerValue);
        Assert.Equal(4.125, new Quantizer(QuantOptions.Turbo(4, 256), 1280).BitsPerValue);
        Assert.Equal(2.125, new Quantizer(QuantOptions.Turbo(2, 256), 1280).BitsPerValue);
    }

    internal static float[] Gaussian(int n, int seed, float scale)
    {
        var rng = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            x[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2)) * scale;
        }

        return x;
    }

    private static double Norm(float[] x) => Math.Sqrt(x.Sum(v => (double)v * v));
}
