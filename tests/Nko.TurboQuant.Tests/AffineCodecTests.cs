using System.Buffers.Binary;
using Nko.TurboQuant.Kernels;
using Nko.TurboQuant.Widths;

namespace Nko.TurboQuant.Tests;

/// <summary>The affine rules, case by case: rounding, constant groups, partial groups, fp16 parameters, bad input.</summary>
public sealed class AffineCodecTests
{
    /// <summary>Kernel widths as ints (0 = scalar reference), for theories.</summary>
    public static TheoryData<int> Paths()
    {
        var data = new TheoryData<int> { 0 };
        foreach (KernelPath p in TestData.VectorPaths)
        {
            data.Add((int)p);
        }

        return data;
    }

    private static IEnumerable<KernelPath> AllPaths() => [KernelPath.Scalar, .. TestData.VectorPaths];

    [Theory]
    [MemberData(nameof(Paths))]
    public void Exact_midpoints_round_half_away_from_zero(int width)
    {
        var path = (KernelPath)width;
        // min 0, max 15 → scale exactly 1, inverse exactly 1: t = x, so x = k + 0.5 sits exactly on a midpoint.
        float[] x = new float[32];
        x[0] = 0f;
        x[1] = 15f;
        for (int i = 2; i < 32; i++)
        {
            x[i] = ((i - 2) % 15) + 0.5f;
        }

        var q = new Quantizer(QuantOptions.Affine(4), 32, path);
        byte[] block = new byte[q.EncodedRowLength];
        q.Quantize(x, block);
        Assert.Equal((Half)1f, BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(block)));
        Assert.Equal((Half)0f, BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(block.AsSpan(2))));
        for (int i = 2; i < 32; i++)
        {
            int expected = ((i - 2) % 15) + 1; // banker's rounding would give the even neighbour for half of these
            Assert.Equal(expected, FourBits.Fetch(block.AsSpan(4), 32, i));
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void A_constant_fp16_group_has_scale_zero_codes_zero_and_reconstructs_exactly(int width)
    {
        var path = (KernelPath)width;
        float[] x = Enumerable.Repeat(1.5f, 64).ToArray();
        var q = new Quantizer(QuantOptions.Affine(8, 64), 64, path);
        byte[] block = new byte[q.EncodedRowLength];
        q.Quantize(x, block);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(block));
        Assert.Equal((Half)1.5f, BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(block.AsSpan(2))));
        Assert.All(block.AsSpan(4).ToArray(), b => Assert.Equal(0, b));
        float[] y = new float[64];
        q.Dequantize(block, y);
        Assert.All(y, v => Assert.Equal(1.5f, v));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void A_constant_group_not_representable_in_fp16_codes_its_residual_within_the_bound(int width)
    {
        var path = (KernelPath)width;
        float[] x = Enumerable.Repeat(0.1f, 32).ToArray();
        var q = new Quantizer(QuantOptions.Affine(4), 32, path);
        byte[] block = new byte[q.EncodedRowLength];
        q.Quantize(x, block);
        float scale = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(block));
        float min = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(block.AsSpan(2)));
        Assert.True(min < 0.1f && scale > 0);
        float[] y = new float[32];
        q.Dequantize(block, y);
        Assert.All(y, v => Assert.True(Math.Abs(v - 0.1f) <= ErrorBound.Affine(scale, 15, v)));
        Assert.True(Math.Abs(y[0] - 0.1f) < Math.Abs(min - 0.1f), "the residual code must improve on the fp16 minimum alone");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Signed_zeros_give_the_same_bytes_as_positive_zeros(int width)
    {
        var path = (KernelPath)width;
        float[] mixed = [-0f, 0f, -0f, -0f, 0f, 0f, -0f, 0f, -0f, 0f, 0f, -0f, 0f, -0f, -0f, 0f];
        float[] plus = new float[16];
        var q = new Quantizer(QuantOptions.Affine(8, 16), 16, path);
        byte[] a = new byte[q.EncodedRowLength], b = new byte[q.EncodedRowLength];
        q.Quantize(mixed, a);
        q.Quantize(plus, b);
        Assert.Equal(b, a);
        Assert.All(a, v => Assert.Equal(0, v));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void The_full_fp16_range_fits_and_half_output_saturates_instead_of_overflowing(int width)
    {
        var path = (KernelPath)width;
        float[] x = new float[32];
        for (int i = 0; i < 32; i++)
        {
            x[i] = i % 2 == 0 ? 65504f : -65504f;
        }

        foreach (int bits in new[] { 2, 3, 4, 8 })
        {
            var q = new Quantizer(QuantOptions.Affine(bits), 32, path);
            byte[] block = new byte[q.EncodedRowLength];
            q.Quantize(x, block);
            Half[] h = new Half[32];
            q.Dequantize(block, h);
            Assert.All(h, v => Assert.True(Half.IsFinite(v)));
            Assert.Equal(Half.MaxValue, h[0]);
            Assert.Equal(Half.MinValue, h[1]);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void A_partial_last_group_is_padded_with_zero_codes_and_decodes_only_its_values(int width)
    {
        var path = (KernelPath)width;
        var q = new Quantizer(QuantOptions.Affine(4), 40, path); // 32 + 8
        Assert.Equal(2 * 20, q.EncodedRowLength);
        float[] x = Enumerable.Range(0, 80).Select(i => (float)Math.Sin(i) * 3).ToArray();
        byte[] bytes = new byte[q.GetEncodedLength(2)];
        q.Quantize(x, bytes);
        for (int r = 0; r < 2; r++)
        {
            ReadOnlySpan<byte> tail = bytes.AsSpan((r * 40) + 20 + 4, 16);
            for (int i = 8; i < 32; i++)
            {
                Assert.Equal(0, FourBits.Fetch(tail, 32, i));
            }
        }

        float[] y = Enumerable.Repeat(float.NaN, 81).ToArray();
        q.Dequantize(bytes, y);
        Assert.True(float.IsNaN(y[80]), "values past the rows must be left untouched");
        Assert.All(y.Take(80), v => Assert.False(float.IsNaN(v)));
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "+Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void Non_finite_input_is_rejected_naming_the_first_bad_index(float bad, string name)
    {
        foreach (KernelPath path in AllPaths())
        {
            var q = new Quantizer(QuantOptions.Affine(8), 64, path);
            float[] x = new float[128];
            x[77] = bad;
            x[100] = bad;
            var e = Assert.Throws<ArgumentException>(() => q.Quantize(x, new byte[q.GetEncodedLength(2)]));
            Assert.Contains("index 77", e.Message, StringComparison.Ordinal);
            Assert.Contains(name, e.Message, StringComparison.Ordinal);

            Half[] h = new Half[128];
            h[5] = (Half)bad;
            e = Assert.Throws<ArgumentException>(() => q.Quantize(h, new byte[q.GetEncodedLength(2)]));
            Assert.Contains("index 5", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Float_input_beyond_the_fp16_range_is_rejected_by_the_affine_codec()
    {
        foreach (KernelPath path in AllPaths())
        {
            var q = new Quantizer(QuantOptions.Affine(8), 32, path);
            float[] x = new float[32];
            x[3] = 70000f;
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => q.Quantize(x, new byte[q.EncodedRowLength]));
            Assert.Contains("index 3", e.Message, StringComparison.Ordinal);
            Assert.Contains("65504", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Bits_per_value_are_exactly_9_and_5_at_g32_and_match_the_seed_compression()
    {
        Assert.Equal(9.0, new Quantizer(QuantOptions.Affine(8, 32), 1280).BitsPerValue);
        Assert.Equal(5.0, new Quantizer(QuantOptions.Affine(4, 32), 1280).BitsPerValue);
        Assert.Equal(9.0, new Quantizer(QuantOptions.Affine(8, 32), 32).BitsPerValue);
        Assert.Equal(5.0, new Quantizer(QuantOptions.Affine(4, 32), 64).BitsPerValue);
        Assert.Equal(36 * 40, new Quantizer(QuantOptions.Affine(8, 32), 1280).EncodedRowLength);
        Assert.Equal(20 * 40, new Quantizer(QuantOptions.Affine(4, 32), 1280).EncodedRowLength);
        var tensor = QuantizedTensor.Quantize(new float[1500 * 1280], [1500, 1280], QuantOptions.Affine(4));
        Assert.Equal(5.0, tensor.BitsPerValue);
        Assert.Equal(1500L * 1280 * 5 / 8, tensor.Data.Length);
        Assert.Equal(16.0 / 9, QuantMetrics.Compute(new float[4], new float[4], 9).CompressionVsFp16, 12);
        Assert.Equal(3.2, QuantMetrics.Compute(new float[4], new float[4], 5).CompressionVsFp16, 12);
        Assert.Equal(6.4, QuantMetrics.Compute(new float[4], new float[4], 5).CompressionVsFp32, 12);
        Assert.Equal(3.0, new Quantizer(QuantOptions.Affine(2, 32), 1280).BitsPerValue);
        Assert.Equal(4.0, new Quantizer(QuantOptions.Affine(3, 32), 1280).BitsPerValue);
    }

    [Fact]
    public void A_block_decodes_as_code_times_scale_plus_min_like_ggml_q4_1()
    {
        // Hand-made Q4_1 block: d = 0.5, m = -1, qs[j] = j | (15 - j) << 4.
        byte[] block = new byte[20];
        BinaryPrimitives.WriteUInt16LittleEndian(block, BitConverter.HalfToUInt16Bits((Half)0.5f));
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(2), BitConverter.HalfToUInt16Bits((Half)(-1f)));
        for (int j = 0; j < 16; j++)
        {
            block[4 + j] = (byte)(j | ((15 - j) << 4));
        }

        float[] y = new float[32];
        new Quantizer(QuantOptions.Affine(4), 32).Dequantize(block, y);
        for (int j = 0; j < 16; j++)
        {
            Assert.Equal((j * 0.5f) - 1f, y[j]);
            Assert.Equal(((15 - j) * 0.5f) - 1f, y[j + 16]);
        }
    }

    [Fact]
    public void Whisper_like_data_round_trips_within_the_bound_on_every_path()
    {
        Half[] x = TestData.WhisperLike(64, 1280, 3);
        byte[]? expected = null;
        foreach (KernelPath path in AllPaths())
        {
            var q = new Quantizer(QuantOptions.Affine(4), 1280, path);
            byte[] bytes = new byte[q.GetEncodedLength(64)];
            q.Quantize(x, bytes);
            expected ??= bytes;
            Assert.Equal(expected, bytes);
        }
    }
}
