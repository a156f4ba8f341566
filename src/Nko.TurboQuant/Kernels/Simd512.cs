using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nko.TurboQuant.Kernels;

/// <summary>512-bit operations (AVX-512F/BW). Only selected when <see cref="Vector512.IsHardwareAccelerated"/>.</summary>
internal readonly struct Simd512 : ISimdOps<Vector512<float>, Vector512<uint>>
{
    public static int Count => 16;

    public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512BW.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> LoadUInt32(ref uint source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadHalf(ref ushort source) =>
        HalfBits.FromSignExtended(Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref source).AsInt16()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalf(Vector512<float> value, ref ushort destination)
    {
        // Saturate on the magnitude's bit pattern (ordered like the magnitude for non-negative floats).
        Vector512<uint> bits = value.AsUInt32();
        Vector512<uint> sign = bits & Vector512.Create(0x8000_0000u);
        Vector512<uint> abs = Vector512.Min(bits ^ sign, Vector512.Create(0x477F_E000u));
        Vector512<uint> odd = (abs >> 13) & Vector512<uint>.One;
        Vector512<uint> normal = (abs + Vector512.Create(0xC800_0FFFu) + odd) >> 13;
        Vector512<uint> subnormal = (abs.AsSingle() + Vector512.Create(0.5f)).AsUInt32() - Vector512.Create(0x3F00_0000u);
        Vector512<uint> isNormal = Vector512.GreaterThanOrEqual(abs, Vector512.Create(113u << 23));
        Vector512<uint> half = Vector512.ConditionalSelect(isNormal, normal, subnormal) | (sign >> 16);
        Avx512F.ConvertToVector256UInt16(half).StoreUnsafe(ref destination);
    }

    /// <summary>
    /// Two vectors to fp16 with half the integer work of two <see cref="StoreHalf"/> calls. Per float lane (x clamped to
    /// ±65504 first): with E = max(biased exponent of x, 113) (113 is fp16's smallest normal exponent) and
    /// C = 1.5·2^(E − 127 + 13), the float sum t = x + C lies in [2^(E−114), 2^(E−113)), where one ulp of t is one fp16 ulp of
    /// x, so the addition itself rounds x to fp16 precision, to nearest even (C's significand is even), and t's low mantissa
    /// bits hold k = round(x / ulp) as a signed number (|k| ≤ 2048; t's mantissa is 2^22 + k, whose low 16 bits are k).
    /// The fp16 pattern is then sign | ((E − 113) ≪ 10) + |k| (a carry into the exponent when |k| = 2048 is exactly the
    /// rounding up to the next binade; E = 113 covers the subnormals). That second part runs on 16-bit lanes, with the low
    /// halves of both t vectors in one register and the high halves (sign, exponent) of both x vectors in another.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalfPair(Vector512<float> first, Vector512<float> second, ref ushort destination)
    {
        if (!Avx512DQ.IsSupported)
        {
            StoreHalf(first, ref destination);
            StoreHalf(second, ref Unsafe.Add(ref destination, Count));
            return;
        }

        // sign(x)·min(|x|, 65504): control 0b00_10 = the operand of smaller magnitude, with the sign of the first operand.
        Vector512<float> limit = Vector512.Create(HalfBits.MaxValue);
        PackHalves(Avx512DQ.Range(first, limit, 0b0010), Avx512DQ.Range(second, limit, 0b0010), saturate: false).StoreUnsafe(ref destination);
    }

    /// <summary>
    /// <see cref="StoreHalfPair"/> for finite values below 2^48 in magnitude (the affine decoder's, which stay below
    /// 65504·257): the saturation moves to the 16-bit lanes, where an unclamped value's pattern is at least 0x7C00
    /// (the rounding of 65520 and above) and below 0x10000, so one unsigned minimum with 0x7BFF replaces the clamps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalfPairBounded(Vector512<float> first, Vector512<float> second, ref ushort destination)
    {
        if (!Avx512DQ.IsSupported)
        {
            StoreHalf(first, ref destination);
            StoreHalf(second, ref Unsafe.Add(ref destination, Count));
            return;
        }

        PackHalves(first, second, saturate: true).StoreUnsafe(ref destination);
    }

    /// <summary>
    /// The fp16 patterns of two vectors of floats with |x| &lt; 2^48; magnitudes of 65520 and above give 0x7C00 or more,
    /// which <paramref name="saturate"/> clamps to 0x7BFF.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ushort> PackHalves(Vector512<float> a, Vector512<float> b, bool saturate)
    {
        Vector512<float> ta = RoundToHalfGrid(a);
        Vector512<float> tb = RoundToHalfGrid(b);

        // Words 0–15 from the first vector's lanes, 16–31 from the second's: low halves of t, high halves of x.
        Vector512<ushort> low = Avx512BW.PermuteVar32x16x2(ta.AsUInt16(), Vector512.Create(
            (ushort)0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 54, 56, 58, 60, 62), tb.AsUInt16());
        Vector512<ushort> high = Avx512BW.PermuteVar32x16x2(a.AsUInt16(), Vector512.Create(
            (ushort)1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33, 35, 37, 39, 41, 43, 45, 47, 49, 51, 53, 55, 57, 59, 61, 63), b.AsUInt16());

        // (max(E, 113) − 113) ≪ 10 from the exponent bits (E ≪ 7) with one saturating subtraction.
        Vector512<ushort> exponent = Avx512BW.SubtractSaturate(high & Vector512.Create((ushort)0x7F80), Vector512.Create((ushort)(113 << 7))) << 3;
        Vector512<ushort> magnitude = Vector512.Abs(low.AsInt16()).AsUInt16() + exponent;
        if (saturate)
        {
            magnitude = Vector512.Min(magnitude, Vector512.Create((ushort)0x7BFF));
        }

        return Vector512.ConditionalSelect(Vector512.Create((ushort)0x8000), high, magnitude);
    }

    /// <summary>t = x + 1.5·2^(max(E, 113) − 114) as one fused step (the product by 12288 = 1.5·2^13 is exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> RoundToHalfGrid(Vector512<float> x)
    {
        Vector512<float> binade = Vector512.Max(x.AsUInt32() & Vector512.Create(0x7F80_0000u), Vector512.Create(113u << 23)).AsSingle();
        return Vector512.FusedMultiplyAdd(binade, Vector512.Create(12288f), x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAddExact(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Fma.IsSupported ? Vector512.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Broadcast(uint value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> left, Vector512<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Min(Vector512<float> left, Vector512<float> right) => Vector512.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> left, Vector512<float> right) => Vector512.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> AbsLessThanOrEqual(Vector512<float> value, Vector512<float> limit) =>
        Vector512.LessThanOrEqual(Vector512.Abs(value), limit).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> And(Vector512<uint> left, Vector512<uint> right) => left & right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Or(Vector512<uint> left, Vector512<uint> right) => left | right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> ShiftLeft(Vector512<uint> value, int count) => value << count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> ShiftRight(Vector512<uint> value, int count) => value >>> count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Xor(Vector512<float> value, Vector512<uint> mask) => (value.AsUInt32() ^ mask).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllBitsSet(Vector512<uint> mask) => mask == Vector512<uint>.AllBitsSet;

    public static void ReduceGroups(ref float partialMins, ref float partialMaxs, Span<float> lows, Span<float> highs)
    {
        Reduce<MinOp>(ref partialMins).CopyTo(lows);
        Reduce<MaxOp>(ref partialMaxs).CopyTo(highs);
    }

    /// <summary>
    /// Transposed reduction of 16 vectors (one per group) to one vector holding each group's extreme: four levels of
    /// two shuffles and a min/max, then one permute back to group order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Reduce<TOp>(ref float v)
        where TOp : struct, IPick
    {
        // Level 1: [a.lo256, b.lo256] with [a.hi256, b.hi256] → 8 partials per group, lanes [g_2i | g_2i+1].
        Vector512<float> c0 = Level1<TOp>(ref v, 0), c1 = Level1<TOp>(ref v, 32), c2 = Level1<TOp>(ref v, 64), c3 = Level1<TOp>(ref v, 96);
        Vector512<float> c4 = Level1<TOp>(ref v, 128), c5 = Level1<TOp>(ref v, 160), c6 = Level1<TOp>(ref v, 192), c7 = Level1<TOp>(ref v, 224);

        // Level 2: 128-bit blocks [A.l B.l C.l D.l] with [A.h B.h C.h D.h] → 4 partials, blocks [g0 | g1 | g2 | g3].
        Vector512<float> d0 = TOp.Pick(Avx512F.Shuffle4x128(c0, c1, 0x88), Avx512F.Shuffle4x128(c0, c1, 0xDD));
        Vector512<float> d1 = TOp.Pick(Avx512F.Shuffle4x128(c2, c3, 0x88), Avx512F.Shuffle4x128(c2, c3, 0xDD));
        Vector512<float> d2 = TOp.Pick(Avx512F.Shuffle4x128(c4, c5, 0x88), Avx512F.Shuffle4x128(c4, c5, 0xDD));
        Vector512<float> d3 = TOp.Pick(Avx512F.Shuffle4x128(c6, c7, 0x88), Avx512F.Shuffle4x128(c6, c7, 0xDD));

        // Level 3: interleave within blocks → 2 partials, block j = [g_j g_{j+4} g_j g_{j+4}].
        Vector512<float> e0 = TOp.Pick(Avx512F.UnpackLow(d0, d1), Avx512F.UnpackHigh(d0, d1));
        Vector512<float> e1 = TOp.Pick(Avx512F.UnpackLow(d2, d3), Avx512F.UnpackHigh(d2, d3));

        // Level 4: block j = [g_j g_{j+4} g_{j+8} g_{j+12}]; a 4×4 transpose restores group order.
        Vector512<float> r = TOp.Pick(Avx512F.Shuffle(e0, e1, 0x44), Avx512F.Shuffle(e0, e1, 0xEE));
        return Avx512F.PermuteVar16x32(r, Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Level1<TOp>(ref float v, int offset)
        where TOp : struct, IPick
    {
        Vector512<float> a = Vector512.LoadUnsafe(ref v, (nuint)offset);
        Vector512<float> b = Vector512.LoadUnsafe(ref v, (nuint)(offset + 16));
        return TOp.Pick(Avx512F.Shuffle4x128(a, b, 0x44), Avx512F.Shuffle4x128(a, b, 0xEE));
    }

    private interface IPick
    {
        static abstract Vector512<float> Pick(Vector512<float> a, Vector512<float> b);
    }

    private readonly struct MinOp : IPick
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Pick(Vector512<float> a, Vector512<float> b) => Vector512.MinNative(a, b);
    }

    private readonly struct MaxOp : IPick
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Pick(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HorizontalMin(Vector512<float> value)
    {
        Vector256<float> a = Vector256.MinNative(value.GetLower(), value.GetUpper());
        return Simd128.HorizontalMin(Vector128.MinNative(a.GetLower(), a.GetUpper()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HorizontalMax(Vector512<float> value)
    {
        Vector256<float> a = Vector256.MaxNative(value.GetLower(), value.GetUpper());
        return Simd128.HorizontalMax(Vector128.MaxNative(a.GetLower(), a.GetUpper()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> AffineCodes(Vector512<float> twiceT) =>
        (Vector512.ConvertToInt32Native(twiceT).AsUInt32() + Vector512<uint>.One) >>> 1;

    /// <summary>
    /// ⌊2t⌋ of both vectors in 16-bit lanes (one word permute), then (⌊2t⌋ + 1) ≫ 1 for all 32 codes at once (vpavgw
    /// with zero), narrowed to bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreCodePair(Vector512<float> firstTwiceT, Vector512<float> secondTwiceT, ref byte destination)
    {
        Vector512<ushort> words = Avx512BW.PermuteVar32x16x2(
            Vector512.ConvertToInt32Native(firstTwiceT).AsUInt16(),
            Vector512.Create((ushort)0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 54, 56, 58, 60, 62),
            Vector512.ConvertToInt32Native(secondTwiceT).AsUInt16());
        Avx512BW.ConvertToVector256Byte(Avx512BW.Average(words, Vector512<ushort>.Zero)).StoreUnsafe(ref destination);
    }

    /// <summary>
    /// ⌊2t⌋ of the low and high codes in the two halves of each 32-bit lane, (⌊2t⌋ + 1) ≫ 1 per half (vpavgw), then
    /// low + 16·high per lane (vpmaddwd), narrowed to bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNibblePair(Vector512<float> lowTwiceT, Vector512<float> highTwiceT, ref byte destination)
    {
        Vector512<uint> both = Vector512.ConvertToInt32Native(lowTwiceT).AsUInt32() | (Vector512.ConvertToInt32Native(highTwiceT).AsUInt32() << 16);
        Vector512<ushort> codes = Avx512BW.Average(both.AsUInt16(), Vector512<ushort>.Zero);
        Vector512<int> packed = Avx512BW.MultiplyAddAdjacent(codes.AsInt16(), Vector512.Create(0x0010_0001).AsInt16());
        Avx512F.ConvertToVector128Byte(packed).StoreUnsafe(ref destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ConvertToSingle(Vector512<uint> value) => Vector512.ConvertToSingle(value.AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> LoadBytes(ref byte source) => Avx512F.ConvertToVector512UInt32(Vector128.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes(Vector512<uint> value, ref byte destination) => Avx512F.ConvertToVector128Byte(value).StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HadamardStage(Vector512<float> value, int stride)
    {
        // Lane i pairs with lane i ^ stride: the lower lane becomes a + b, the upper one a − b (= partner + (−1)·self).
        Vector512<float> partner;
        Vector512<float> sign;
        switch (stride)
        {
            case 1:
                partner = Vector512.Shuffle(value, Vector512.Create(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));
                sign = Vector512.Create(1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f);
                break;
            case 2:
                partner = Vector512.Shuffle(value, Vector512.Create(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
                sign = Vector512.Create(1f, 1f, -1f, -1f, 1f, 1f, -1f, -1f, 1f, 1f, -1f, -1f, 1f, 1f, -1f, -1f);
                break;
            case 4:
                partner = Vector512.Shuffle(value, Vector512.Create(4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11));
                sign = Vector512.Create(1f, 1f, 1f, 1f, -1f, -1f, -1f, -1f, 1f, 1f, 1f, 1f, -1f, -1f, -1f, -1f);
                break;
            default:
                partner = Vector512.Shuffle(value, Vector512.Create(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
                sign = Vector512.Create(1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f);
                break;
        }

        return FusedOrSeparate(value, sign, partner);
    }

    /// <summary>value · sign + partner with sign = ±1: the product is exact, so fused and separate give the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FusedOrSeparate(Vector512<float> value, Vector512<float> sign, Vector512<float> partner) =>
        Fma.IsSupported ? Vector512.FusedMultiplyAdd(value, sign, partner) : (value * sign) + partner;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> TurboCodes(Vector512<float> value, ReadOnlySpan<float> search, int bits)
    {
        // Binary search, unrolled: search[c] is the c-th threshold (1-based), so a candidate code indexes it directly.
        // The first step compares with the middle threshold; each further step halves the stride.
        int step = 1 << (bits - 1);
        Vector512<uint> code = Vector512.GreaterThanOrEqual(value, Vector512.Create(search[step])).AsUInt32() & Vector512.Create((uint)step);
        Vector512<float> table = Vector512.Create(search);
        if (step >= 8)
        {
            code = SearchStep(value, table, code, 4);
        }

        if (step >= 4)
        {
            code = SearchStep(value, table, code, 2);
        }

        return SearchStep(value, table, code, 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> SearchStep(Vector512<float> value, Vector512<float> search, Vector512<uint> code, uint step)
    {
        Vector512<uint> candidate = code + Vector512.Create(step);
        Vector512<float> t = Avx512F.PermuteVar16x32(search, candidate.AsInt32());
        return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(value, t).AsUInt32(), candidate, code);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Lookup(Vector512<uint> codes, ReadOnlySpan<float> table)
    {
        // table is padded to 16 entries by the caller.
        return Avx512F.PermuteVar16x32(Vector512.Create(table), codes.AsInt32());
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumOfSquares(ReadOnlySpan<float> values)
    {
        Vector512<double> low = Vector512<double>.Zero;
        Vector512<double> high = Vector512<double>.Zero;
        ref float start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(values);
        for (int i = 0; i < values.Length; i += 16)
        {
            Vector512<float> v = Vector512.LoadUnsafe(ref start, (nuint)i);
            Vector512<double> a = Vector512.WidenLower(v);
            Vector512<double> b = Vector512.WidenUpper(v);
            low += a * a;
            high += b * b;
        }

        Vector512<double> t8 = low + high;
        Vector256<double> t4 = t8.GetLower() + t8.GetUpper();
        Vector128<double> t2 = t4.GetLower() + t4.GetUpper();
        return t2.GetElement(0) + t2.GetElement(1);
    }
}
