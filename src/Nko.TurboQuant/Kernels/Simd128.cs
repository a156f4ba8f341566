using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nko.TurboQuant.Kernels;

/// <summary>128-bit operations through the cross-platform <see cref="Vector128"/> API (SSE4.1 on x86, AdvSimd on Arm).</summary>
internal readonly struct Simd128 : ISimdOps<Vector128<float>, Vector128<uint>>
{
    public static int Count => 4;

    public static bool IsSupported => Vector128.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source) => Vector128.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> LoadUInt32(ref uint source) => Vector128.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadHalf(ref ushort source)
    {
        Vector128<short> raw = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref source))).AsInt16();
        return HalfBits.FromSignExtended(Vector128.WidenLower(raw));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalf(Vector128<float> value, ref ushort destination)
    {
        // Saturate on the magnitude's bit pattern (ordered like the magnitude for non-negative floats).
        Vector128<uint> bits = value.AsUInt32();
        Vector128<uint> sign = bits & Vector128.Create(0x8000_0000u);
        Vector128<uint> abs = Vector128.Min(bits ^ sign, Vector128.Create(0x477F_E000u));
        Vector128<uint> odd = (abs >> 13) & Vector128<uint>.One;
        Vector128<uint> normal = (abs + Vector128.Create(0xC800_0FFFu) + odd) >> 13;
        Vector128<uint> subnormal = (abs.AsSingle() + Vector128.Create(0.5f)).AsUInt32() - Vector128.Create(0x3F00_0000u);
        Vector128<uint> isNormal = Vector128.GreaterThanOrEqual(abs, Vector128.Create(113u << 23));
        Vector128<uint> half = Vector128.ConditionalSelect(isNormal, normal, subnormal) | (sign >> 16);
        ulong packed = Vector128.Narrow(half, half).AsUInt64().ToScalar();
        Unsafe.WriteUnaligned(ref Unsafe.As<ushort, byte>(ref destination), packed);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalfPair(Vector128<float> first, Vector128<float> second, ref ushort destination)
    {
        StoreHalf(first, ref destination);
        StoreHalf(second, ref Unsafe.Add(ref destination, Count));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalfPairBounded(Vector128<float> first, Vector128<float> second, ref ushort destination) =>
        StoreHalfPair(first, second, ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAddExact(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        (Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) ? Vector128.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> Broadcast(uint value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> left, Vector128<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> left, Vector128<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> left, Vector128<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Min(Vector128<float> left, Vector128<float> right) => Vector128.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> left, Vector128<float> right) => Vector128.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> AbsLessThanOrEqual(Vector128<float> value, Vector128<float> limit) =>
        Vector128.LessThanOrEqual(Vector128.Abs(value), limit).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> And(Vector128<uint> left, Vector128<uint> right) => left & right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> Or(Vector128<uint> left, Vector128<uint> right) => left | right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> ShiftLeft(Vector128<uint> value, int count) => value << count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> ShiftRight(Vector128<uint> value, int count) => value >>> count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Xor(Vector128<float> value, Vector128<uint> mask) => (value.AsUInt32() ^ mask).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllBitsSet(Vector128<uint> mask) => mask == Vector128<uint>.AllBitsSet;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReduceGroups(ref float partialMins, ref float partialMaxs, Span<float> lows, Span<float> highs)
    {
        for (int g = 0; g < 16; g++)
        {
            lows[g] = HorizontalMin(Vector128.LoadUnsafe(ref partialMins, (nuint)(4 * g)));
            highs[g] = HorizontalMax(Vector128.LoadUnsafe(ref partialMaxs, (nuint)(4 * g)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HorizontalMin(Vector128<float> value)
    {
        Vector128<float> a = Vector128.MinNative(value, Vector128.Shuffle(value, Vector128.Create(2, 3, 0, 1)));
        return Vector128.MinNative(a, Vector128.Shuffle(a, Vector128.Create(1, 0, 3, 2))).ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HorizontalMax(Vector128<float> value)
    {
        Vector128<float> a = Vector128.MaxNative(value, Vector128.Shuffle(value, Vector128.Create(2, 3, 0, 1)));
        return Vector128.MaxNative(a, Vector128.Shuffle(a, Vector128.Create(1, 0, 3, 2))).ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> AffineCodes(Vector128<float> twiceT) =>
        (Vector128.ConvertToInt32Native(twiceT).AsUInt32() + Vector128<uint>.One) >>> 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreCodePair(Vector128<float> firstTwiceT, Vector128<float> secondTwiceT, ref byte destination)
    {
        StoreBytes(AffineCodes(firstTwiceT), ref destination);
        StoreBytes(AffineCodes(secondTwiceT), ref Unsafe.Add(ref destination, Count));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNibblePair(Vector128<float> lowTwiceT, Vector128<float> highTwiceT, ref byte destination) =>
        StoreBytes(AffineCodes(lowTwiceT) | (AffineCodes(highTwiceT) << 4), ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ConvertToSingle(Vector128<uint> value) => Vector128.ConvertToSingle(value.AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> LoadBytes(ref byte source)
    {
        Vector128<byte> raw = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref source)).AsByte();
        return Vector128.WidenLower(Vector128.WidenLower(raw));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes(Vector128<uint> value, ref byte destination)
    {
        Vector128<ushort> words = Vector128.Narrow(value, value);
        uint packed = Vector128.Narrow(words, words).AsUInt32().ToScalar();
        Unsafe.WriteUnaligned(ref destination, packed);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HadamardStage(Vector128<float> value, int stride)
    {
        if (stride == 1)
        {
            return FusedOrSeparate(value, Vector128.Create(1f, -1f, 1f, -1f), Vector128.Shuffle(value, Vector128.Create(1, 0, 3, 2)));
        }

        return FusedOrSeparate(value, Vector128.Create(1f, 1f, -1f, -1f), Vector128.Shuffle(value, Vector128.Create(2, 3, 0, 1)));
    }

    /// <summary>value · sign + partner with sign = ±1: the product is exact, so fused and separate give the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> FusedOrSeparate(Vector128<float> value, Vector128<float> sign, Vector128<float> partner) =>
        Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? Vector128.FusedMultiplyAdd(value, sign, partner) : (value * sign) + partner;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> TurboCodes(Vector128<float> value, ReadOnlySpan<float> search, int bits)
    {
        // Count the thresholds at or below the value: each comparison gives −1 (all bits set) or 0.
        Vector128<uint> code = Vector128<uint>.Zero;
        foreach (float t in search[1..(1 << bits)])
        {
            code -= Vector128.GreaterThanOrEqual(value, Vector128.Create(t)).AsUInt32();
        }

        return code;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Lookup(Vector128<uint> codes, ReadOnlySpan<float> table) =>
        Vector128.Create(table[(int)codes.GetElement(0)], table[(int)codes.GetElement(1)], table[(int)codes.GetElement(2)], table[(int)codes.GetElement(3)]);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumOfSquares(ReadOnlySpan<float> values)
    {
        Span<Vector128<double>> acc = stackalloc Vector128<double>[8];
        acc.Clear();
        ref float start = ref MemoryMarshal.GetReference(values);
        for (int i = 0; i < values.Length; i += 16)
        {
            for (int j = 0; j < 4; j++)
            {
                Vector128<float> v = Vector128.LoadUnsafe(ref start, (nuint)(i + 4 * j));
                Vector128<double> lo = Vector128.WidenLower(v);
                Vector128<double> hi = Vector128.WidenUpper(v);
                acc[2 * j] += lo * lo;
                acc[2 * j + 1] += hi * hi;
            }
        }

        // acc[m] holds canonical partial sums S[2m], S[2m+1].
        Vector128<double> t8a = acc[0] + acc[4], t8b = acc[1] + acc[5], t8c = acc[2] + acc[6], t8d = acc[3] + acc[7];
        Vector128<double> t4a = t8a + t8c, t4b = t8b + t8d;
        Vector128<double> t2 = t4a + t4b;
        return t2.GetElement(0) + t2.GetElement(1);
    }
}
