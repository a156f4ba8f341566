using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using Nko.TurboQuant.Kernels;

namespace Nko.TurboQuant.Tests;

/// <summary>
/// The branch-free fp16 conversions and the AVX-512 parameter step against the existing conversions and the scalar
/// reference: every fp16 pattern, adversarial floats, and whole kernels run through them.
/// </summary>
public sealed class FastPathTests
{
    [Fact]
    public void Sign_extended_fp16_load_equals_the_scalar_conversion_on_all_65536_patterns()
    {
        // Bit for bit, Inf and NaN included (they become 2^16·1.f, as in HalfBits.ToSingle).
        for (int i = 0; i < 65536; i += 16)
        {
            short[] h = new short[16];
            for (int j = 0; j < 16; j++)
            {
                h[j] = unchecked((short)(i + j));
            }

            Vector512<int> wide = Vector512.Create(Array.ConvertAll(h, v => (int)v));
            Vector512<float> v512 = HalfBits.FromSignExtended(wide);
            Vector256<float> v256 = HalfBits.FromSignExtended(wide.GetLower());
            Vector128<float> v128 = HalfBits.FromSignExtended(wide.GetLower().GetLower());
            for (int j = 0; j < 16; j++)
            {
                uint expected = BitConverter.SingleToUInt32Bits(HalfBits.ToSingle((ushort)(i + j)));
                Assert.True(expected == BitConverter.SingleToUInt32Bits(v512.GetElement(j)), $"0x{i + j:X4}: Vector512 0x{BitConverter.SingleToUInt32Bits(v512.GetElement(j)):X8}, expected 0x{expected:X8}");
                if (j < 8)
                {
                    Assert.Equal(expected, BitConverter.SingleToUInt32Bits(v256.GetElement(j)));
                }

                if (j < 4)
                {
                    Assert.Equal(expected, BitConverter.SingleToUInt32Bits(v128.GetElement(j)));
                }
            }
        }
    }

    [Fact]
    public void Paired_fp16_store_equals_the_reference_rounding_on_adversarial_floats() =>
        AssertPairStoresMatchReference(AdversarialFloats(), bounded: false);

    [Fact]
    public void Bounded_paired_fp16_store_equals_the_reference_rounding_below_2_pow_48()
    {
        float[] samples = AdversarialFloats().Where(f => Math.Abs(f) < 281474976710656f).ToArray();
        samples = [.. samples, .. new[] { 2.8147496e14f, -2.8147496e14f, 1.6711935e7f, 65504f * 257f }];
        Array.Resize(ref samples, samples.Length - (samples.Length % 32));
        AssertPairStoresMatchReference(samples, bounded: true);
    }

    // Every width's paired fp16 store (general or bounded) against HalfBits.ToHalfSaturating, 32 samples at a time.
    private static void AssertPairStoresMatchReference(float[] samples, bool bounded)
    {
        int n = samples.Length;
        Assert.Equal(0, n % 32);
        ushort[] v512 = new ushort[n], v256 = new ushort[n], v128 = new ushort[n];
        for (int i = 0; i < n; i += 32)
        {
            if (Simd512.IsSupported)
            {
                (Vector512<float> a, Vector512<float> b) = (Simd512.Load(ref samples[i]), Simd512.Load(ref samples[i + 16]));
                if (bounded)
                {
                    Simd512.StoreHalfPairBounded(a, b, ref v512[i]);
                }
                else
                {
                    Simd512.StoreHalfPair(a, b, ref v512[i]);
                }
            }

            if (Simd256.IsSupported)
            {
                for (int j = 0; j < 32; j += 16)
                {
                    (Vector256<float> a, Vector256<float> b) = (Simd256.Load(ref samples[i + j]), Simd256.Load(ref samples[i + j + 8]));
                    if (bounded)
                    {
                        Simd256.StoreHalfPairBounded(a, b, ref v256[i + j]);
                    }
                    else
                    {
                        Simd256.StoreHalfPair(a, b, ref v256[i + j]);
                    }
                }
            }

            for (int j = 0; j < 32; j += 8)
            {
                (Vector128<float> a, Vector128<float> b) = (Simd128.Load(ref samples[i + j]), Simd128.Load(ref samples[i + j + 4]));
                if (bounded)
                {
                    Simd128.StoreHalfPairBounded(a, b, ref v128[i + j]);
                }
                else
                {
                    Simd128.StoreHalfPair(a, b, ref v128[i + j]);
                }
            }
        }

        string kind = bounded ? "bounded pair" : "pair";
        for (int i = 0; i < n; i++)
        {
            ushort expected = BitConverter.HalfToUInt16Bits(HalfBits.ToHalfSaturating(samples[i]));
            string sample = $"{samples[i]:R} (0x{BitConverter.SingleToUInt32Bits(samples[i]):X8})";
            if (Simd512.IsSupported)
            {
                Assert.True(expected == v512[i], $"Vector512 {kind}: {sample} -> 0x{v512[i]:X4}, expected 0x{expected:X4}");
            }

            if (Simd256.IsSupported)
            {
                Assert.True(expected == v256[i], $"Vector256 {kind}: {sample} -> 0x{v256[i]:X4}, expected 0x{expected:X4}");
            }

            Assert.True(expected == v128[i], $"Vector128 {kind}: {sample} -> 0x{v128[i]:X4}, expected 0x{expected:X4}");
        }
    }

    [Fact]
    public void Vector_parameters_equal_the_scalar_reference_on_adversarial_ranges()
    {
        float[] samples = AdversarialFloats().Where(f => Math.Abs(f) <= HalfBits.MaxValue).ToArray();
        var rng = new Random(512);
        float[] lows = new float[16], highs = new float[16];
        uint[] h512 = new uint[16], h256 = new uint[16], h128 = new uint[16];
        float[] m512 = new float[16], m256 = new float[16], m128 = new float[16];
        float[] i512 = new float[16], i256 = new float[16], i128 = new float[16];
        foreach (int bits in new[] { 2, 3, 4, 8 })
        {
            float levels = (1 << bits) - 1;
            for (int round = 0; round < 40_000; round++)
            {
                for (int j = 0; j < 16; j++)
                {
                    // Neighbouring samples (tiny ranges, fp16 grid values, midpoints), random pairs and constant groups.
                    int a = rng.Next(samples.Length);
                    int b = rng.Next(3) switch
                    {
                        0 => Math.Min(samples.Length - 1, a + rng.Next(1, 8)),
                        1 => rng.Next(samples.Length),
                        _ => a,
                    };
                    lows[j] = Math.Min(samples[a], samples[b]);
                    highs[j] = Math.Max(samples[a], samples[b]);
                }

                AffineParameters.Compute512(lows, highs, levels, h512, m512, i512);
                AffineParameters.Compute256(lows, highs, levels, h256, m256, i256);
                AffineParameters.Compute128(lows, highs, levels, h128, m128, i128);
                for (int j = 0; j < 16; j++)
                {
                    AffineParameters.Compute(lows[j], highs[j], levels, out ushort minBits, out ushort scaleBits, out float min, out float inverse);
                    uint header = scaleBits | ((uint)minBits << 16);
                    string what = $"bits {bits}, lo {lows[j]:R}, hi {highs[j]:R}";
                    Assert.True(header == h512[j], $"{what}: Vector512 header 0x{h512[j]:X8}, expected 0x{header:X8}");
                    Assert.Equal(BitConverter.SingleToUInt32Bits(min), BitConverter.SingleToUInt32Bits(m512[j]));
                    Assert.Equal(BitConverter.SingleToUInt32Bits(inverse), BitConverter.SingleToUInt32Bits(i512[j]));
                    Assert.True(header == h256[j] && header == h128[j], $"{what}: Vector256/128 headers differ");
                    Assert.Equal(BitConverter.SingleToUInt32Bits(min), BitConverter.SingleToUInt32Bits(m256[j]));
                    Assert.Equal(BitConverter.SingleToUInt32Bits(min), BitConverter.SingleToUInt32Bits(m128[j]));
                    Assert.Equal(BitConverter.SingleToUInt32Bits(inverse), BitConverter.SingleToUInt32Bits(i256[j]));
                    Assert.Equal(BitConverter.SingleToUInt32Bits(inverse), BitConverter.SingleToUInt32Bits(i128[j]));
                }
            }
        }
    }

    /// <summary>
    /// Blocks with arbitrary valid headers (any positive finite fp16 scale, any finite fp16 minimum, any codes): decoded
    /// values reach ±(65504 + 255·65504), so the fp16 output saturates and crosses every binade. Every width against the
    /// reference, float32 and fp16 output, for the group sizes where the fp16 stores are paired and where they are not.
    /// </summary>
    [Theory]
    [InlineData(8, 32)]
    [InlineData(4, 32)]
    [InlineData(8, 64)]
    [InlineData(4, 64)]
    [InlineData(8, 16)]
    [InlineData(4, 16)]
    [InlineData(2, 32)]
    [InlineData(3, 32)]
    public void Decoding_hostile_but_valid_blocks_matches_the_reference(int bits, int groupSize)
    {
        var rng = new Random((bits * 1000) + groupSize);
        QuantOptions options = QuantOptions.Affine(bits, groupSize);
        int rowLength = groupSize * 40;
        const int rows = 8;
        var reference = new Quantizer(options, rowLength, KernelPath.Scalar);
        byte[] encoded = new byte[reference.GetEncodedLength(rows)];
        rng.NextBytes(encoded);
        int blockBytes = AffineLayout.BlockBytes(bits, groupSize);
        for (int offset = 0; offset < encoded.Length; offset += blockBytes)
        {
            ushort scale = rng.Next(8) switch
            {
                0 => 0,
                1 => 0x7BFF,
                2 => (ushort)rng.Next(1, 0x400),
                _ => (ushort)rng.Next(1, 0x7C00),
            };
            ushort min = rng.Next(8) switch
            {
                0 => 0xFBFF,
                1 => 0x7BFF,
                2 => 0x8000,
                _ => (ushort)(rng.Next(0, 0x7C00) | (rng.Next(2) << 15)),
            };
            BinaryPrimitives.WriteUInt16LittleEndian(encoded.AsSpan(offset), scale);
            BinaryPrimitives.WriteUInt16LittleEndian(encoded.AsSpan(offset + 2), min);
        }

        float[] refFloat = new float[rowLength * rows];
        Half[] refHalf = new Half[rowLength * rows];
        reference.Dequantize(encoded, refFloat);
        reference.Dequantize(encoded, refHalf);
        Assert.Contains(refHalf, v => v == Half.MaxValue || v == Half.MinValue);
        foreach (KernelPath path in TestData.VectorPaths)
        {
            var q = new Quantizer(options, rowLength, path);
            float[] f = new float[refFloat.Length];
            Half[] h = new Half[refHalf.Length];
            q.Dequantize(encoded, f);
            q.Dequantize(encoded, h);
            Assert.True(Bits.Equal(refFloat, f), $"{q.Path} float output differs (bits {bits}, G {groupSize})");
            for (int i = 0; i < h.Length; i++)
            {
                Assert.True(
                    BitConverter.HalfToUInt16Bits(refHalf[i]) == BitConverter.HalfToUInt16Bits(h[i]),
                    $"{q.Path} fp16 output {i}: 0x{BitConverter.HalfToUInt16Bits(h[i]):X4} for x̂ = {refFloat[i]:R}, expected 0x{BitConverter.HalfToUInt16Bits(refHalf[i]):X4} (bits {bits}, G {groupSize})");
            }
        }
    }

    /// <summary>
    /// Every finite fp16 value with both signs, its float neighbours, the midpoints (ties) between consecutive fp16 values
    /// and their neighbours; float subnormals; values around 65504/65520 and far beyond, ±∞; random bit patterns. A
    /// multiple of 32 long.
    /// </summary>
    private static float[] AdversarialFloats()
    {
        List<float> list = HalfSamples.Neighbourhoods();

        var rng = new Random(32);
        for (int i = 0; i < 100_000; i++)
        {
            float f = BitConverter.Int32BitsToSingle(rng.Next(int.MinValue, int.MaxValue));
            list.Add(float.IsNaN(f) ? 1f : f);
            list.Add(BitConverter.Int32BitsToSingle(rng.Next(0, 0x4800_0000)) * (rng.Next(2) == 0 ? 1 : -1));
            list.Add(BitConverter.Int32BitsToSingle(rng.Next(1, 0x0080_0000)) * (rng.Next(2) == 0 ? 1 : -1)); // float subnormals
        }

        list.AddRange([
            0f, -0f, 65504f, -65504f, 65504.004f, 65519.996f, 65520f, -65520f, 65536f, 131008f, 1.6777216e7f, 1e30f, -1e30f,
            float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon,
            1e-40f, 2.98e-8f, 2.9802322e-8f, 2.99e-8f, 5.96e-8f, 5.9604645e-8f, 6.1035156e-5f, 6.1035153e-5f, 2.0f - 1e-7f,
        ]);
        while (list.Count % 32 != 0)
        {
            list.Add(-0f);
        }

        return [.. list];
    }
}
