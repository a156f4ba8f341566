using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nko.TurboQuant.Kernels;

/// <summary>256-bit operations (AVX2). Only selected when <see cref="Vector256.IsHardwareAccelerated"/> (x86 only).</summary>
internal readonly struct Simd256 : ISimdOps<Vector256<float>, Vector256<uint>>
{
    public static int Count => 8;

    public static bool IsSupported => Vector256.IsHardwareAccelerated && Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> LoadUInt32(ref uint source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadHalf(ref ushort source) =>
        HalfBits.FromSignExtended(Avx2.ConvertToVector256Int32(Vector128.LoadUnsafe(ref source).AsInt16()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalf(Vector256<float> value, ref ushort destination)
    {
        // Saturate on the magnitude's bit pattern (ordered like the magnitude for non-negative floats).
        Vector256<uint> bits = value.AsUInt32();
        Vector256<uint> sign = bits & Vector256.Create(0x8000_0000u);
        Vector256<uint> abs = Vector256.Min(bits ^ sign, Vector256.Create(0x477F_E000u));
        Vector256<uint> odd = (abs >> 13) & Vector256<uint>.One;
        Vector256<uint> normal = (abs + Vector256.Create(0xC800_0FFFu) + odd) >> 13;
        Vector256<uint> subnormal = (abs.AsSingle() + Vector256.Create(0.5f)).AsUInt32() - Vector256.Create(0x3F00_0000u);
        Vector256<uint> isNormal = Vector256.GreaterThanOrEqual(abs, Vector256.Create(113u << 23));
        Vector256<uint> half = Vector256.ConditionalSelect(isNormal, normal, subnormal) | (sign >> 16);
        if (Avx512F.VL.IsSupported)
        {
            Avx512F.VL.ConvertToVector128UInt16(half).StoreUnsafe(ref destination);
            return;
        }

        // Lanes hold values < 65536: pack to 16 bits within each 128-bit half, then gather the two halves.
        Vector256<ushort> packed = Avx2.PackUnsignedSaturate(half.AsInt32(), half.AsInt32());
        Vector256<ulong> ordered = Avx2.Permute4x64(packed.AsUInt64(), 0b_11_01_10_00);
        ordered.GetLower().AsUInt16().StoreUnsafe(ref destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalfPair(Vector256<float> first, Vector256<float> second, ref ushort destination)
    {
        StoreHalf(first, ref destination);
        StoreHalf(second, ref Unsafe.Add(ref destination, Count));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalfPairBounded(Vector256<float> first, Vector256<float> second, ref ushort destination) =>
        StoreHalfPair(first, second, ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAddExact(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Vector256.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Broadcast(uint value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> left, Vector256<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Min(Vector256<float> left, Vector256<float> right) => Vector256.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> left, Vector256<float> right) => Vector256.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> AbsLessThanOrEqual(Vector256<float> value, Vector256<float> limit) =>
        Vector256.LessThanOrEqual(Vector256.Abs(value), limit).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> And(Vector256<uint> left, Vector256<uint> right) => left & right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Or(Vector256<uint> left, Vector256<uint> right) => left | right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> ShiftLeft(Vector256<uint> value, int count) => value << count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> ShiftRight(Vector256<uint> value, int count) => value >>> count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Xor(Vector256<float> value, Vector256<uint> mask) => (value.AsUInt32() ^ mask).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllBitsSet(Vector256<uint> mask) => mask == Vector256<uint>.AllBitsSet;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReduceGroups(ref float partialMins, ref float partialMaxs, Span<float> lows, Span<float> highs)
    {
        Reduce<MinOp>(ref partialMins).CopyTo(lows);
        Reduce<MinOp>(ref Unsafe.Add(ref partialMins, 64)).CopyTo(lows[8..]);
        Reduce<MaxOp>(ref partialMaxs).CopyTo(highs);
        Reduce<MaxOp>(ref Unsafe.Add(ref partialMaxs, 64)).CopyTo(highs[8..]);
    }

    /// <summary>
    /// Transposed reduction of 8 vectors (one per group) to one vector holding each group's extreme: three levels of
    /// two shuffles and a min/max, then one permute back to group order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Reduce<TOp>(ref float v)
        where TOp : struct, IPick
    {
        // [a.lo, b.lo] with [a.hi, b.hi]: 4 partials per group, lanes [g_2i | g_2i+1].
        Vector256<float> c01 = Level1<TOp>(ref v, 0), c23 = Level1<TOp>(ref v, 16), c45 = Level1<TOp>(ref v, 32), c67 = Level1<TOp>(ref v, 48);

        // Interleave: 2 partials per group, lanes [g0 g2 g0 g2 | g1 g3 g1 g3].
        Vector256<float> e0 = TOp.Pick(Avx.UnpackLow(c01, c23), Avx.UnpackHigh(c01, c23));
        Vector256<float> e1 = TOp.Pick(Avx.UnpackLow(c45, c67), Avx.UnpackHigh(c45, c67));

        // Lanes [g0 g2 g4 g6 | g1 g3 g5 g7], then back to group order.
        Vector256<float> r = TOp.Pick(Avx.Shuffle(e0, e1, 0x44), Avx.Shuffle(e0, e1, 0xEE));
        return Avx2.PermuteVar8x32(r, Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Level1<TOp>(ref float v, int offset)
        where TOp : struct, IPick
    {
        Vector256<float> a = Vector256.LoadUnsafe(ref v, (nuint)offset);
        Vector256<float> b = Vector256.LoadUnsafe(ref v, (nuint)(offset + 8));
        return TOp.Pick(Avx.Permute2x128(a, b, 0x20), Avx.Permute2x128(a, b, 0x31));
    }

    private interface IPick
    {
        static abstract Vector256<float> Pick(Vector256<float> a, Vector256<float> b);
    }

    private readonly struct MinOp : IPick
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Pick(Vector256<float> a, Vector256<float> b) => Vector256.MinNative(a, b);
    }

    private readonly struct MaxOp : IPick
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Pick(Vector256<float> a, Vector256<float> b) => Vector256.MaxNative(a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HorizontalMin(Vector256<float> value) =>
        Simd128.HorizontalMin(Vector128.MinNative(value.GetLower(), value.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HorizontalMax(Vector256<float> value) =>
        Simd128.HorizontalMax(Vector128.MaxNative(value.GetLower(), value.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> AffineCodes(Vector256<float> twiceT) =>
        (Vector256.ConvertToInt32Native(twiceT).AsUInt32() + Vector256<uint>.One) >>> 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreCodePair(Vector256<float> firstTwiceT, Vector256<float> secondTwiceT, ref byte destination)
    {
        StoreBytes(AffineCodes(firstTwiceT), ref destination);
        StoreBytes(AffineCodes(secondTwiceT), ref Unsafe.Add(ref destination, Count));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNibblePair(Vector256<float> lowTwiceT, Vector256<float> highTwiceT, ref byte destination) =>
        StoreBytes(AffineCodes(lowTwiceT) | (AffineCodes(highTwiceT) << 4), ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ConvertToSingle(Vector256<uint> value) => Vector256.ConvertToSingle(value.AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> LoadBytes(ref byte source) =>
        Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref source)).AsByte()).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes(Vector256<uint> value, ref byte destination)
    {
        if (Avx512F.VL.IsSupported)
        {
            Unsafe.WriteUnaligned(ref destination, Avx512F.VL.ConvertToVector128Byte(value).AsUInt64().ToScalar());
            return;
        }

        // Lanes hold values < 256: pick byte 0 of each 32-bit lane within each 128-bit half, then join the halves.
        Vector256<byte> picked = Avx2.Shuffle(value.AsByte(), Vector256.Create(
            0, 4, 8, 12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
            0, 4, 8, 12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80));
        Vector256<uint> joined = Avx2.PermuteVar8x32(picked.AsUInt32(), Vector256.Create(0u, 4, 0, 0, 0, 0, 0, 0));
        Unsafe.WriteUnaligned(ref destination, joined.AsUInt64().ToScalar());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HadamardStage(Vector256<float> value, int stride)
    {
        Vector256<float> partner;
        Vector256<float> sign;
        switch (stride)
        {
            case 1:
                partner = Vector256.Shuffle(value, Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6));
                sign = Vector256.Create(1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f);
                break;
            case 2:
                partner = Vector256.Shuffle(value, Vector256.Create(2, 3, 0, 1, 6, 7, 4, 5));
                sign = Vector256.Create(1f, 1f, -1f, -1f, 1f, 1f, -1f, -1f);
                break;
            default:
                partner = Vector256.Shuffle(value, Vector256.Create(4, 5, 6, 7, 0, 1, 2, 3));
                sign = Vector256.Create(1f, 1f, 1f, 1f, -1f, -1f, -1f, -1f);
                break;
        }

        return FusedOrSeparate(value, sign, partner);
    }

    /// <summary>value · sign + partner with sign = ±1: the product is exact, so fused and separate give the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> FusedOrSeparate(Vector256<float> value, Vector256<float> sign, Vector256<float> partner) =>
        Fma.IsSupported ? Vector256.FusedMultiplyAdd(value, sign, partner) : (value * sign) + partner;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> TurboCodes(Vector256<float> value, ReadOnlySpan<float> search, int bits)
    {
        // Count the thresholds at or below the value: each comparison gives −1 (all bits set) or 0.
        Vector256<uint> code = Vector256<uint>.Zero;
        foreach (float t in search[1..(1 << bits)])
        {
            code -= Vector256.GreaterThanOrEqual(value, Vector256.Create(t)).AsUInt32();
        }

        return code;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Lookup(Vector256<uint> codes, ReadOnlySpan<float> table)
    {
        // table is padded to 16 entries by the caller.
        Vector256<int> index = codes.AsInt32();
        Vector256<float> low = Avx2.PermuteVar8x32(Vector256.Create(table), index);
        Vector256<float> high = Avx2.PermuteVar8x32(Vector256.Create(table[8..]), index);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(codes, Vector256.Create(7u)).AsSingle(), high, low);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumOfSquares(ReadOnlySpan<float> values)
    {
        Vector256<double> a0 = Vector256<double>.Zero, a1 = Vector256<double>.Zero, a2 = Vector256<double>.Zero, a3 = Vector256<double>.Zero;
        ref float start = ref MemoryMarshal.GetReference(values);
        for (int i = 0; i < values.Length; i += 16)
        {
            Vector256<float> v = Vector256.LoadUnsafe(ref start, (nuint)i);
            Vector256<float> w = Vector256.LoadUnsafe(ref start, (nuint)(i + 8));
            Vector256<double> x0 = Vector256.WidenLower(v), x1 = Vector256.WidenUpper(v), x2 = Vector256.WidenLower(w), x3 = Vector256.WidenUpper(w);
            a0 += x0 * x0;
            a1 += x1 * x1;
            a2 += x2 * x2;
            a3 += x3 * x3;
        }

        Vector256<double> t4 = (a0 + a2) + (a1 + a3);
        Vector128<double> t2 = t4.GetLower() + t4.GetUpper();
        return t2.GetElement(0) + t2.GetElement(1);
    }
}
