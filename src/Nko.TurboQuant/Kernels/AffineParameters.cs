using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nko.TurboQuant.Kernels;

/// <summary>
/// The per-group parameters of the affine codec, from a group's minimum and maximum:
/// <c>m = fp16 round-down(lo)</c>, <c>s = fp16 round-up(((hi − m) + 0) / L)</c>, <c>inv = s == 0 ? 0 : 1 / s</c>
/// (every operation float32 round-to-nearest-even; <c>lo + 0</c> and <c>+ 0</c> turn −0 into +0 so the stored bits
/// never depend on the order in which signed zeros were compared).
/// </summary>
internal static class AffineParameters
{
    /// <summary>The scalar reference.</summary>
    public static void Compute(float lo, float hi, float levels, out ushort minBits, out ushort scaleBits, out float min, out float inverseScale)
    {
        Half m = HalfBits.RoundDown(lo + 0f);
        min = (float)m;
        float range = (hi - min) + 0f;
        Half s = HalfBits.RoundUp(range / levels);
        float scale = (float)s;
        inverseScale = scale == 0f ? 0f : 1f / scale;
        minBits = BitConverter.HalfToUInt16Bits(m);
        scaleBits = BitConverter.HalfToUInt16Bits(s);
    }

    /// <summary>
    /// The vector twin, four groups per step. Spans are padded to a multiple of four (the extra lanes produce
    /// parameters nobody reads).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute128(
        ReadOnlySpan<float> lows,
        ReadOnlySpan<float> highs,
        float levels,
        Span<uint> headers,
        Span<float> mins,
        Span<float> inverseScales)
    {
        for (int i = 0; i < lows.Length; i += 4)
        {
            Vector128<float> lo = Vector128.Create(lows.Slice(i, 4)) + Vector128<float>.Zero;
            Vector128<float> hi = Vector128.Create(highs.Slice(i, 4));
            Vector128<uint> mBits = HalfBits.RoundDirected(lo, up: false);
            Vector128<float> m = HalfBits.ToSingle(mBits);
            Vector128<float> range = (hi - m) + Vector128<float>.Zero;
            Vector128<uint> sBits = HalfBits.RoundDirected(range / Vector128.Create(levels), up: true);
            Vector128<float> s = HalfBits.ToSingle(sBits);
            Vector128<float> inv = Vector128.AndNot(Vector128<float>.One / s, Vector128.Equals(s, Vector128<float>.Zero));
            m.CopyTo(mins.Slice(i, 4));
            inv.CopyTo(inverseScales.Slice(i, 4));
            (sBits | (mBits << 16)).CopyTo(headers.Slice(i, 4));
        }
    }

    /// <summary>
    /// The vector twin, 8 groups per step (spans padded to a multiple of 8).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute256(
        ReadOnlySpan<float> lows,
        ReadOnlySpan<float> highs,
        float levels,
        Span<uint> headers,
        Span<float> mins,
        Span<float> inverseScales)
    {
        for (int i = 0; i < lows.Length; i += 8)
        {
            Vector256<float> lo = Vector256.Create(lows.Slice(i, 8)) + Vector256<float>.Zero;
            Vector256<float> hi = Vector256.Create(highs.Slice(i, 8));
            Vector256<uint> mBits = HalfBits.RoundDirected(lo, up: false);
            Vector256<float> m = HalfBits.ToSingle(mBits);
            Vector256<float> range = (hi - m) + Vector256<float>.Zero;
            Vector256<uint> sBits = HalfBits.RoundDirected(range / Vector256.Create(levels), up: true);
            Vector256<float> s = HalfBits.ToSingle(sBits);
            Vector256<float> inv = Vector256.AndNot(Vector256<float>.One / s, Vector256.Equals(s, Vector256<float>.Zero));
            m.CopyTo(mins.Slice(i, 8));
            inv.CopyTo(inverseScales.Slice(i, 8));
            (sBits | (mBits << 16)).CopyTo(headers.Slice(i, 8));
        }
    }

    /// <summary>
    /// The vector twin, 16 groups per step (spans padded to a multiple of 16). With AVX-512 the directed fp16 roundings
    /// use the grid of <see cref="Simd512.StoreHalfPair"/> with an embedded rounding mode: t = x + C rounded down (or up),
    /// where C = 1.5·2^(max(E, 113) − 114) puts one ulp of t on one fp16 ulp of x; then the rounded value is t − C (exact)
    /// and its fp16 pattern sign | ((max(E, 113) − 113) ≪ 10) + |t − C| (integer difference of the bit patterns).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute512(
        ReadOnlySpan<float> lows,
        ReadOnlySpan<float> highs,
        float levels,
        Span<uint> headers,
        Span<float> mins,
        Span<float> inverseScales)
    {
        if (!Avx512F.IsSupported)
        {
            Compute256(lows, highs, levels, headers, mins, inverseScales);
            return;
        }

        for (int i = 0; i < lows.Length; i += 16)
        {
            Vector512<float> lo = Vector512.Create(lows.Slice(i, 16)) + Vector512<float>.Zero;
            Vector512<float> hi = Vector512.Create(highs.Slice(i, 16));
            Vector512<uint> mBits = RoundToHalfGrid(lo, up: false, out Vector512<float> m);
            Vector512<float> range = (hi - m) + Vector512<float>.Zero;
            Vector512<uint> sBits = RoundToHalfGrid(range / Vector512.Create(levels), up: true, out Vector512<float> s);
            Vector512<float> inv = Vector512.AndNot(Vector512<float>.One / s, Vector512.Equals(s, Vector512<float>.Zero));
            m.CopyTo(mins.Slice(i, 16));
            inv.CopyTo(inverseScales.Slice(i, 16));
            (sBits | (mBits << 16)).CopyTo(headers.Slice(i, 16));
        }
    }

    /// <summary>
    /// The fp16 value next to <paramref name="x"/> (|x| ≤ 65504, finite) rounded down, or up when <paramref name="up"/>: its
    /// pattern (returned, in 32-bit lanes) and its value <paramref name="rounded"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> RoundToHalfGrid(Vector512<float> x, bool up, out Vector512<float> rounded)
    {
        Vector512<uint> binade = Vector512.Max(x.AsUInt32() & Vector512.Create(0x7F80_0000u), Vector512.Create(113u << 23));
        Vector512<uint> c = binade + Vector512.Create((13u << 23) | 0x40_0000u); // 1.5·2^13 times the binade
        Vector512<float> t = up
            ? Avx512F.Add(x, c.AsSingle(), FloatRoundingMode.ToPositiveInfinity)
            : Avx512F.Add(x, c.AsSingle(), FloatRoundingMode.ToNegativeInfinity);
        rounded = t - c.AsSingle();
        Vector512<uint> k = Vector512.Abs((t.AsUInt32() - c).AsInt32()).AsUInt32();
        Vector512<uint> magnitude = k + ((binade - Vector512.Create(113u << 23)) >>> 13);
        return Vector512.ConditionalSelect(Vector512.Create(0x8000u), x.AsUInt32() >>> 16, magnitude);
    }
}
