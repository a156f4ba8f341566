using Nko.Testing;
using Nko.TurboQuant.Kernels;

namespace Nko.TurboQuant.Tests;

/// <summary>The public surface: options validation, argument checks, allocation, metrics, the real fixture.</summary>
public sealed class QuantizerTests
{
    [Theory]
    [InlineData(QuantCodec.Affine, 1, 32)]
    [InlineData(QuantCodec.Affine, 5, 32)]
    [InlineData(QuantCodec.Affine, 16, 32)]
    [InlineData(QuantCodec.Affine, 8, 4)]
    [InlineData(QuantCodec.Affine, 8, 48)]
    [InlineData(QuantCodec.Affine, 8, 512)]
    [InlineData(QuantCodec.Turbo, 8, 256)]
    [InlineData(QuantCodec.Turbo, 1, 256)]
    [InlineData(QuantCodec.Turbo, 4, 8)]
    [InlineData(QuantCodec.Turbo, 4, 8192)]
    [InlineData(QuantCodec.Turbo, 4, 100)]
    [InlineData((QuantCodec)3, 4, 32)]
    public void Invalid_options_are_rejected_in_the_constructor(QuantCodec codec, int bits, int group) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuantOptions(codec, bits, group));

    [Fact]
    public void Options_are_immutable_named_like_the_seed_and_compare_by_value()
    {
        Assert.Equal("affine8:g32", QuantOptions.Affine(8).ToString());
        Assert.Equal("affine4:g32", QuantOptions.Affine(4).ToString());
        Assert.Equal("turbo4:b256", QuantOptions.Turbo(4).ToString());
        Assert.Equal("turbo3:b128:s9", QuantOptions.Turbo(3, 128, 9).ToString());
        Assert.Equal(QuantOptions.Affine(4, 32), new QuantOptions(QuantCodec.Affine, 4, 32));
        Assert.NotEqual(QuantOptions.Turbo(4, 256, 1), QuantOptions.Turbo(4, 256, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuantOptions(QuantCodec.Affine, 8, 32, seed: 5));
        Assert.Null(typeof(QuantOptions).GetProperty(nameof(QuantOptions.Bits))!.SetMethod);
    }

    [Fact]
    public void Argument_errors_are_clear()
    {
        var q = new Quantizer(QuantOptions.Affine(8), 64);
        Assert.Contains("not a whole number of rows", Assert.Throws<ArgumentException>(() => q.Quantize(new float[65], new byte[200])).Message, StringComparison.Ordinal);
        Assert.Contains("1 × 72 = 72 are needed", Assert.Throws<ArgumentException>(() => q.Quantize(new float[64], new byte[71])).Message, StringComparison.Ordinal);
        Assert.Contains("not a whole number of encoded rows", Assert.Throws<ArgumentException>(() => q.Dequantize(new byte[73], new float[64])).Message, StringComparison.Ordinal);
        Assert.Contains("2 × 64 = 128 are needed", Assert.Throws<ArgumentException>(() => q.Dequantize(new byte[144], new float[127])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Quantizer(QuantOptions.Affine(8), 0));
        Assert.Throws<ArgumentNullException>(() => new Quantizer(null!, 4));

        byte[] shared = new byte[1024];
        Span<float> floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(shared.AsSpan(0, 256));
        Assert.Contains("overlaps", Assert.Throws<ArgumentException>(() => q.Quantize(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(shared.AsSpan(0, 256)), shared.AsSpan(100, 72))).Message, StringComparison.Ordinal);
        Assert.Equal(64, floats.Length);

        // Empty input is zero rows: nothing to do.
        q.Quantize(ReadOnlySpan<float>.Empty, Span<byte>.Empty);
        q.Dequantize(ReadOnlySpan<byte>.Empty, Span<float>.Empty);
    }

    [Fact]
    public void Tensor_shape_errors_are_clear()
    {
        Assert.Contains("has 6 elements", Assert.Throws<ArgumentException>(() => QuantizedTensor.Quantize(new float[5], [2, 3], QuantOptions.Affine(8))).Message, StringComparison.Ordinal);
        Assert.Contains("rank 0", Assert.Throws<ArgumentException>(() => QuantizedTensor.Quantize(new float[1], [], QuantOptions.Affine(8))).Message, StringComparison.Ordinal);
        Assert.Contains("row length", Assert.Throws<ArgumentException>(() => QuantizedTensor.Quantize(new float[0], [3, 0], QuantOptions.Affine(8))).Message, StringComparison.Ordinal);
        var empty = QuantizedTensor.Quantize(new float[0], [0, 1280], QuantOptions.Affine(8));
        Assert.Equal(0, empty.Data.Length);
        Assert.Empty(QuantizedTensor.ReadFrom(empty.ToContainerBytes()).ToSingleArray());
        Assert.Throws<ArgumentException>(() => QuantizedTensor.Quantize(new float[4], [2, 2], QuantOptions.Affine(8)).Dequantize(new float[3]));
    }

    [Fact]
    public void No_path_allocates_after_warm_up()
    {
        Half[] h = TestData.WhisperLike(20, 1280, 1);
        float[] f = Array.ConvertAll(h, v => (float)v);
        foreach (QuantOptions options in new[] { QuantOptions.Affine(8), QuantOptions.Affine(4), QuantOptions.Affine(3, 64), QuantOptions.Turbo(4), QuantOptions.Turbo(2, 128) })
        {
            foreach (KernelPath path in new[] { KernelPath.Scalar }.Concat(TestData.VectorPaths))
            {
                var q = new Quantizer(options, 1280, path);
                byte[] e = new byte[q.GetEncodedLength(20)];
                float[] y = new float[f.Length];
                Half[] yh = new Half[f.Length];
                void Round()
                {
                    q.Quantize(h, e);
                    q.Quantize(f, e);
                    q.Dequantize(e, y);
                    q.Dequantize(e, yh);
                }

                Round();
                long allocated = AllocationProbe.Fewest(Round);
                Assert.True(allocated == 0, $"{options} on {q.Path} allocated {allocated} bytes");
            }
        }
    }

    [Fact]
    public void Metrics_are_mse_and_max_abs_in_double()
    {
        QuantMetrics m = QuantMetrics.Compute([1f, 2f, 3f, 4f], [1f, 2.5f, 3f, 2f], 4.5);
        Assert.Equal((0.25 + 4) / 4, m.Mse, 15);
        Assert.Equal(2, m.MaxAbsError);
        Assert.Equal(4, m.Count);
        Assert.Equal(16 / 4.5, m.CompressionVsFp16, 15);
        Assert.Equal(32 / 4.5, m.CompressionVsFp32, 15);
        QuantMetrics h = QuantMetrics.Compute([(Half)1f, (Half)2f], [1f, 1f], 9);
        Assert.Equal(0.5, h.Mse);
        Assert.Throws<ArgumentException>(() => QuantMetrics.Compute([1f], [1f, 2f], 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => QuantMetrics.Compute([1f], [1f], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => QuantMetrics.Compute([1f], [1f], double.NaN));
    }

    [Fact]
    public void The_shared_whisper_like_fixture_round_trips_identically_on_every_path_when_present()
    {
        string? path = TestData.SharedFixture("whisper_like_features.npy");
        if (path is null)
        {
            return; // ../shared is not checked out: the synthetic WhisperLike data covers the same ground.
        }

        Half[] x = Nko.Data.NpyFile.Read(path).ToHalfArray();
        Assert.Equal(1500 * 1280, x.Length);
        foreach (QuantOptions options in new[] { QuantOptions.Affine(8), QuantOptions.Affine(4), QuantOptions.Turbo(4) })
        {
            var reference = new Quantizer(options, 1280, KernelPath.Scalar);
            byte[] expected = new byte[reference.GetEncodedLength(1500)];
            reference.Quantize(x, expected);
            foreach (KernelPath p in TestData.VectorPaths)
            {
                var q = new Quantizer(options, 1280, p);
                byte[] actual = new byte[expected.Length];
                q.Quantize(x, actual);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{options} {q.Path}");
            }

            float[] y = new float[x.Length];
            reference.Dequantize(expected, y);
            QuantMetrics m = QuantMetrics.Compute(x, y, reference.BitsPerValue);
            Assert.True(m.Mse < (options.Bits == 8 ? 1e-3 : 0.25), $"{options}: mse {m.Mse}");
        }
    }
}
