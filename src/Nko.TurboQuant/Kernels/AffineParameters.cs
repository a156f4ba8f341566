using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    public static void Compute(
        ReadOnlySpan<float> lows,
        ReadOnlySpan<float> highs,
        float levels,
        Span<ushort> minBits,
        Span<ushort> scaleBits,
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
            StoreLow16(mBits, minBits.Slice(i, 4));
            StoreLow16(sBits, scaleBits.Slice(i, 4));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreLow16(Vector128<uint> value, Span<ushort> destination)
    {
        ulong packed = Vector128.Narrow(value, value).AsUInt64().ToScalar();
        MemoryMarshal.Write(MemoryMarshal.AsBytes(destination), in packed);
    }
}
