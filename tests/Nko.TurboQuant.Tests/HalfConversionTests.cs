using System.Runtime.Intrinsics;
using Nko.TurboQuant.Kernels;

namespace Nko.TurboQuant.Tests;

/// <summary>The vector fp16 conversions and directed roundings against the runtime's own <see cref="Half"/>.</summary>
public sealed class HalfConversionTests
{
    [Fact]
    public void Scalar_and_vector_half_to_float_are_exact_for_all_65536_patterns()
    {
        ushort[] all = new ushort[65536 + 16];
        for (int i = 0; i < 65536; i++)
        {
            all[i] = (ushort)i;
        }

        float[] v128 = new float[65536], v256 = new float[65536], v512 = new float[65536];
        for (int i = 0; i < 65536; i += 16)
        {
            for (int j = 0; j < 16; j += 4)
            {
                Simd128.Store(Simd128.LoadHalf(ref all[i + j]), ref v128[i + j]);
            }

            if (Simd256.IsSupported)
            {
                Simd256.Store(Simd256.LoadHalf(ref all[i]), ref v256[i]);
                Simd256.Store(Simd256.LoadHalf(ref all[i + 8]), ref v256[i + 8]);
            }

            if (Simd512.IsSupported)
            {
                Simd512.Store(Simd512.LoadHalf(ref all[i]), ref v512[i]);
            }
        }

        for (int i = 0; i < 65536; i++)
        {
            Half h = BitConverter.UInt16BitsToHalf((ushort)i);
            if (Half.IsNaN(h) || Half.IsInfinity(h))
            {
                // Not finite: only required to land outside ±65504 so the range check rejects it.
                Assert.True(Math.Abs(HalfBits.ToSingle((ushort)i)) > HalfBits.MaxValue);
                Assert.True(Math.Abs(v128[i]) > HalfBits.MaxValue);
                continue;
            }

            uint expected = BitConverter.SingleToUInt32Bits((float)h);
            Assert.Equal(expected, BitConverter.SingleToUInt32Bits(HalfBits.ToSingle((ushort)i)));
            Assert.Equal(expected, BitConverter.SingleToUInt32Bits(v128[i]));
            if (Simd256.IsSupported)
            {
                Assert.Equal(expected, BitConverter.SingleToUInt32Bits(v256[i]));
            }

            if (Simd512.IsSupported)
            {
                Assert.Equal(expected, BitConverter.SingleToUInt32Bits(v512[i]));
            }

            Assert.Equal(expected, BitConverter.SingleToUInt32Bits(HalfBits.ToSingle(Vector128.Create((uint)i)).GetElement(0)));
        }
    }

    [Fact]
    public void Vector_float_to_half_rounds_to_nearest_even_and_saturates_like_the_reference()
    {
        float[] samples = Samples();
        int n = samples.Length - (samples.Length % 16);
        ushort[] v128 = new ushort[n], v256 = new ushort[n], v512 = new ushort[n];
        for (int i = 0; i < n; i += 16)
        {
            for (int j = 0; j < 16; j += 4)
            {
                Simd128.StoreHalf(Simd128.Load(ref samples[i + j]), ref v128[i + j]);
            }

            if (Simd256.IsSupported)
            {
                Simd256.StoreHalf(Simd256.Load(ref samples[i]), ref v256[i]);
                Simd256.StoreHalf(Simd256.Load(ref samples[i + 8]), ref v256[i + 8]);
            }

            if (Simd512.IsSupported)
            {
                Simd512.StoreHalf(Simd512.Load(ref samples[i]), ref v512[i]);
            }
        }

        for (int i = 0; i < n; i++)
        {
            ushort expected = BitConverter.HalfToUInt16Bits(HalfBits.ToHalfSaturating(samples[i]));
            Assert.True(expected == v128[i], $"Vector128: {samples[i]:R} (0x{BitConverter.SingleToUInt32Bits(samples[i]):X8}) -> 0x{v128[i]:X4}, expected 0x{expected:X4}");
            if (Simd256.IsSupported)
            {
                Assert.True(expected == v256[i], $"Vector256: {samples[i]:R} -> 0x{v256[i]:X4}, expected 0x{expected:X4}");
            }

            if (Simd512.IsSupported)
            {
                Assert.True(expected == v512[i], $"Vector512: {samples[i]:R} -> 0x{v512[i]:X4}, expected 0x{expected:X4}");
            }
        }
    }

    [Fact]
    public void Saturation_clamps_instead_of_overflowing_to_infinity()
    {
        Assert.Equal(Half.MaxValue, HalfBits.ToHalfSaturating(65536f));
        Assert.Equal(Half.MinValue, HalfBits.ToHalfSaturating(-1e30f));
        Assert.Equal((Half)65504f, HalfBits.ToHalfSaturating(65519f));
    }

    [Fact]
    public void Directed_vector_rounding_matches_the_reference_and_brackets_the_value()
    {
        float[] samples = Samples();
        for (int i = 0; i + 4 <= samples.Length; i += 4)
        {
            Vector128<float> v = Vector128.Create(samples.AsSpan(i, 4));
            Vector128<uint> down = HalfBits.RoundDirected(v, up: false);
            Vector128<uint> up = HalfBits.RoundDirected(v, up: true);
            for (int j = 0; j < 4; j++)
            {
                float x = samples[i + j];
                if (!(Math.Abs(x) <= HalfBits.MaxValue))
                {
                    continue;
                }

                Half d = HalfBits.RoundDown(x);
                Half u = HalfBits.RoundUp(x);
                Assert.True((float)d <= x && (float)u >= x, $"{x:R}: [{d}, {u}] does not bracket");
                Assert.True(BitConverter.HalfToUInt16Bits(d) == down.GetElement(j), $"down({x:R}) = 0x{down.GetElement(j):X4}, reference 0x{BitConverter.HalfToUInt16Bits(d):X4}");
                Assert.True(BitConverter.HalfToUInt16Bits(u) == up.GetElement(j), $"up({x:R}) = 0x{up.GetElement(j):X4}, reference 0x{BitConverter.HalfToUInt16Bits(u):X4}");
                if ((float)(Half)x == x)
                {
                    Assert.Equal((Half)x, d);
                    Assert.Equal((Half)x, u);
                }
                else
                {
                    Assert.Equal(Half.BitIncrement(d), u);
                }
            }
        }
    }

    /// <summary>Every finite fp16 value, its float neighbours and the midpoints between fp16 values, plus random bit patterns.</summary>
    private static float[] Samples()
    {
        List<float> list = HalfSamples.Neighbourhoods();

        var rng = new Random(16);
        for (int i = 0; i < 200_000; i++)
        {
            list.Add(BitConverter.Int32BitsToSingle(rng.Next(int.MinValue, int.MaxValue)) switch
            {
                float f when float.IsFinite(f) => f,
                _ => 1f,
            });
            list.Add(BitConverter.Int32BitsToSingle(rng.Next(0, 0x4780_0000)) * (rng.Next(2) == 0 ? 1 : -1));
        }

        list.AddRange([0f, -0f, 65504f, -65504f, 65519.996f, 65520f, 1e-45f, -1e-45f, 1e-40f, 2.98e-8f, 2.99e-8f, 5.96e-8f, 6.1035156e-5f]);
        while (list.Count % 16 != 0)
        {
            list.Add(0f);
        }

        return [.. list];
    }
}
