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
    public static Vector512<float> LoadHalf(ref ushort source)
    {
        Vector512<uint> h = Avx512F.ConvertToVector512UInt32(Vector256.LoadUnsafe(ref source));
        Vector512<uint> em = h & Vector512.Create(0x7FFFu);
        Vector512<float> normal = ((em << 13) + Vector512.Create(112u << 23)).AsSingle();
        Vector512<float> subnormal = Vector512.ConvertToSingle(em.AsInt32()) * Vector512.Create(HalfBits.TwoPowMinus24);
        Vector512<float> magnitude = Vector512.ConditionalSelect(Vector512.LessThan(em, Vector512.Create(0x400u)).AsSingle(), subnormal, normal);
        return (magnitude.AsUInt32() | ((h & Vector512.Create(0x8000u)) << 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalf(Vector512<float> value, ref ushort destination)
    {
        Vector512<float> clamped = Vector512.MinNative(Vector512.MaxNative(value, Vector512.Create(-HalfBits.MaxValue)), Vector512.Create(HalfBits.MaxValue));
        Vector512<uint> bits = clamped.AsUInt32();
        Vector512<uint> sign = bits & Vector512.Create(0x8000_0000u);
        Vector512<uint> abs = bits ^ sign;
        Vector512<uint> odd = (abs >> 13) & Vector512<uint>.One;
        Vector512<uint> normal = (abs + Vector512.Create(0xC800_0FFFu) + odd) >> 13;
        Vector512<uint> subnormal = (abs.AsSingle() + Vector512.Create(0.5f)).AsUInt32() - Vector512.Create(0x3F00_0000u);
        Vector512<uint> isNormal = Vector512.GreaterThanOrEqual(abs, Vector512.Create(113u << 23));
        Vector512<uint> half = Vector512.ConditionalSelect(isNormal, normal, subnormal) | (sign >> 16);
        Avx512F.ConvertToVector256UInt16(half).StoreUnsafe(ref destination);
    }

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
    public static Vector512<uint> AffineCodes(Vector512<float> t, Vector512<float> levels)
    {
        Vector512<float> q = Vector512.Truncate(t);
        Vector512<float> up = Vector512.GreaterThanOrEqual(t - q, Vector512.Create(0.5f)) & Vector512<float>.One;
        return Vector512.ConvertToInt32Native(Vector512.MinNative(q + up, levels)).AsUInt32();
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

        return partner + value * sign;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> CountThresholdsAtOrBelow(Vector512<float> value, ReadOnlySpan<float> thresholds)
    {
        Vector512<uint> count = Vector512<uint>.Zero;
        foreach (float t in thresholds)
        {
            count -= Vector512.GreaterThanOrEqual(value, Vector512.Create(t)).AsUInt32();
        }

        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Lookup(Vector512<uint> codes, ReadOnlySpan<float> table)
    {
        // table is padded to 16 entries by the caller.
        return Avx512F.PermuteVar16x32(Vector512.Create(table), codes.AsInt32());
    }

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
