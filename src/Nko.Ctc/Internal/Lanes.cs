using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Nko.Ctc.Internal;

/// <summary>
/// N lanes of doubles (N = 1, 2 or 4). The CTC kernels are written once against this interface and instantiated
/// for each width; every operation is lane-wise (or an exact rearrangement), so every width computes the same bits.
/// </summary>
/// <remarks>
/// Only plain IEEE additions, subtractions and multiplications are exposed (never a fused multiply-add), and
/// <see cref="Max"/> is only applied to non-negative, non-NaN values, where every maximum instruction agrees.
/// </remarks>
internal interface ILanes<TSelf>
    where TSelf : struct, ILanes<TSelf>
{
    /// <summary>Number of lanes N.</summary>
    static abstract int Count { get; }

    static abstract TSelf Zero { get; }

    static abstract TSelf Load(ref double source, nint offset);

    /// <summary>Loads N floats and widens them to double (exact).</summary>
    static abstract TSelf LoadWidened(ref float source, nint offset);

    static abstract void Store(TSelf value, ref double destination, nint offset);

    static abstract TSelf Broadcast(double value);

    static abstract TSelf operator +(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf left, TSelf right);

    static abstract TSelf operator *(TSelf left, TSelf right);

    /// <summary>Lane-wise maximum of non-negative, non-NaN values.</summary>
    static abstract TSelf Max(TSelf left, TSelf right);

    /// <summary>Lane-wise maximum of two values where neither is NaN (used for clamping).</summary>
    static abstract TSelf MaxOrdered(TSelf left, TSelf right);

    static abstract double MaxAcross(TSelf value);

    /// <summary>Lane-wise <c>value &gt; bound ? ifGreater : otherwise</c> (an exact comparison, so every width agrees).</summary>
    static abstract TSelf SelectGreater(TSelf value, TSelf bound, TSelf ifGreater, TSelf otherwise);

    static abstract bool AnyLessThan(TSelf value, double threshold);

    /// <summary>
    /// For k = m + 1.5·2^52 with m an integer in [-1022, 1023] (the result of the rounding trick), returns 2^m.
    /// </summary>
    static abstract TSelf Pow2FromRounded(TSelf k);

    /// <summary>Transposes the N×N block held in the first N of the four rows (the others are left alone).</summary>
    static abstract void Transpose(ref TSelf r0, ref TSelf r1, ref TSelf r2, ref TSelf r3);

    /// <summary>
    /// Loads N consecutive values from each of the first N of four streams (at <paramref name="o0"/> .. <paramref name="o3"/>)
    /// transposed: row i holds value i of every stream (lane j: stream j).
    /// </summary>
    static abstract void LoadTransposed(ref double source, nint o0, nint o1, nint o2, nint o3, out TSelf r0, out TSelf r1, out TSelf r2, out TSelf r3);

    /// <summary>
    /// Stores the first N rows transposed: the N values at <paramref name="at"/> + j·<paramref name="stride"/> become
    /// lane j of every row, in row order.
    /// </summary>
    static abstract void StoreTransposed(ref double destination, nint at, nint stride, TSelf r0, TSelf r1, TSelf r2, TSelf r3);

    /// <summary>Lane i from <paramref name="source"/> at offset o_i (the first N of the four offsets).</summary>
    static abstract TSelf Gather(ref double source, nint o0, nint o1, nint o2, nint o3);

    /// <summary>Lane i holds lane i − 1 of <paramref name="current"/> (lane 0: the last lane of <paramref name="previous"/>).</summary>
    static abstract TSelf ShiftUp(TSelf previous, TSelf current);

    /// <summary>Lane i holds lane i + 1 of <paramref name="current"/> (the last lane: lane 0 of <paramref name="next"/>).</summary>
    static abstract TSelf ShiftDown(TSelf current, TSelf next);
}

/// <summary>One lane: the scalar twin of the vector kernels.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct Lanes1 : ILanes<Lanes1>
{
    private readonly double _v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Lanes1(double v) => _v = v;

    public static int Count => 1;

    public static Lanes1 Zero => default;

    public double Value => _v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 Load(ref double source, nint offset) => new(Unsafe.Add(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 LoadWidened(ref float source, nint offset) => new(Unsafe.Add(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes1 value, ref double destination, nint offset) => Unsafe.Add(ref destination, offset) = value._v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 Broadcast(double value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 operator +(Lanes1 left, Lanes1 right) => new(left._v + right._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 operator -(Lanes1 left, Lanes1 right) => new(left._v - right._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 operator *(Lanes1 left, Lanes1 right) => new(left._v * right._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 Max(Lanes1 left, Lanes1 right) => new(double.MaxNative(left._v, right._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 SelectGreater(Lanes1 value, Lanes1 bound, Lanes1 ifGreater, Lanes1 otherwise) => value._v > bound._v ? ifGreater : otherwise;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 MaxOrdered(Lanes1 left, Lanes1 right) => new(left._v >= right._v ? left._v : right._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MaxAcross(Lanes1 value) => value._v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyLessThan(Lanes1 value, double threshold) => value._v < threshold;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 Pow2FromRounded(Lanes1 k) =>
        new(BitConverter.Int64BitsToDouble((BitConverter.DoubleToInt64Bits(k._v) + Pow2.Bias) << 52));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(ref Lanes1 r0, ref Lanes1 r1, ref Lanes1 r2, ref Lanes1 r3)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadTransposed(ref double source, nint o0, nint o1, nint o2, nint o3, out Lanes1 r0, out Lanes1 r1, out Lanes1 r2, out Lanes1 r3)
    {
        r0 = new(Unsafe.Add(ref source, o0));
        r1 = default;
        r2 = default;
        r3 = default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTransposed(ref double destination, nint at, nint stride, Lanes1 r0, Lanes1 r1, Lanes1 r2, Lanes1 r3) =>
        Unsafe.Add(ref destination, at) = r0._v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 Gather(ref double source, nint o0, nint o1, nint o2, nint o3) => new(Unsafe.Add(ref source, o0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 ShiftUp(Lanes1 previous, Lanes1 current) => previous;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 ShiftDown(Lanes1 current, Lanes1 next) => next;
}

/// <summary>Two lanes in a <see cref="Vector128{T}"/> (SSE2, Arm64 AdvSimd).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct Lanes2 : ILanes<Lanes2>
{
    private readonly Vector128<double> _v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Lanes2(Vector128<double> v) => _v = v;

    public static int Count => 2;

    public static Lanes2 Zero => default;

    public Vector128<double> Value => _v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 Load(ref double source, nint offset) => new(Vector128.LoadUnsafe(ref Unsafe.Add(ref source, offset)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 LoadWidened(ref float source, nint offset)
    {
        // Exactly two floats (8 bytes): never read past the caller's buffer.
        double bits = Unsafe.ReadUnaligned<double>(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref source, offset)));
        return new(Vector128.WidenLower(Vector128.CreateScalarUnsafe(bits).AsSingle()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes2 value, ref double destination, nint offset) => value._v.StoreUnsafe(ref Unsafe.Add(ref destination, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 Broadcast(double value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 operator +(Lanes2 left, Lanes2 right) => new(left._v + right._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 operator -(Lanes2 left, Lanes2 right) => new(left._v - right._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 operator *(Lanes2 left, Lanes2 right) => new(left._v * right._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 Max(Lanes2 left, Lanes2 right) => new(Vector128.MaxNative(left._v, right._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 SelectGreater(Lanes2 value, Lanes2 bound, Lanes2 ifGreater, Lanes2 otherwise) =>
        new(Vector128.ConditionalSelect(Vector128.GreaterThan(value._v, bound._v), ifGreater._v, otherwise._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 MaxOrdered(Lanes2 left, Lanes2 right) => new(Vector128.MaxNative(left._v, right._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MaxAcross(Lanes2 value) => double.MaxNative(value._v.ToScalar(), value._v.GetElement(1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyLessThan(Lanes2 value, double threshold) => Vector128.LessThanAny(value._v, Vector128.Create(threshold));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 Pow2FromRounded(Lanes2 k) =>
        new(((k._v.AsInt64() + Vector128.Create(Pow2.Bias)) << 52).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(ref Lanes2 r0, ref Lanes2 r1, ref Lanes2 r2, ref Lanes2 r3)
    {
        Vector128<double> a = r0._v, b = r1._v;
        if (AdvSimd.Arm64.IsSupported)
        {
            r0 = new(AdvSimd.Arm64.ZipLow(a, b));
            r1 = new(AdvSimd.Arm64.ZipHigh(a, b));
        }
        else if (Sse2.IsSupported)
        {
            r0 = new(Sse2.UnpackLow(a, b));
            r1 = new(Sse2.UnpackHigh(a, b));
        }
        else
        {
            r0 = new(Vector128.Create(a.ToScalar(), b.ToScalar()));
            r1 = new(Vector128.Create(a.GetElement(1), b.GetElement(1)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadTransposed(ref double source, nint o0, nint o1, nint o2, nint o3, out Lanes2 r0, out Lanes2 r1, out Lanes2 r2, out Lanes2 r3)
    {
        r0 = Load(ref source, o0);
        r1 = Load(ref source, o1);
        r2 = default;
        r3 = default;
        Transpose(ref r0, ref r1, ref r2, ref r3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTransposed(ref double destination, nint at, nint stride, Lanes2 r0, Lanes2 r1, Lanes2 r2, Lanes2 r3)
    {
        Transpose(ref r0, ref r1, ref r2, ref r3);
        Store(r0, ref destination, at);
        Store(r1, ref destination, at + stride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 Gather(ref double source, nint o0, nint o1, nint o2, nint o3) =>
        new(Vector128.Create(Unsafe.Add(ref source, o0), Unsafe.Add(ref source, o1)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 ShiftUp(Lanes2 previous, Lanes2 current) => new(Pair(previous._v, current._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes2 ShiftDown(Lanes2 current, Lanes2 next) => new(Pair(current._v, next._v));

    // [a1, b0]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Pair(Vector128<double> a, Vector128<double> b)
    {
        if (AdvSimd.IsSupported)
        {
            return AdvSimd.ExtractVector128(a, b, 1);
        }

        if (Sse2.IsSupported)
        {
            return Sse2.Shuffle(a, b, 0b01);
        }

        return Vector128.Create(a.GetElement(1), b.ToScalar());
    }
}

/// <summary>Four lanes in a <see cref="Vector256{T}"/> (x86 AVX2; only selected when AVX2 is supported).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct Lanes4 : ILanes<Lanes4>
{
    private readonly Vector256<double> _v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Lanes4(Vector256<double> v) => _v = v;

    public static int Count => 4;

    public static Lanes4 Zero => default;

    public Vector256<double> Value => _v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 Load(ref double source, nint offset) => new(Vector256.LoadUnsafe(ref Unsafe.Add(ref source, offset)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 LoadWidened(ref float source, nint offset)
    {
        Vector128<float> v = Vector128.LoadUnsafe(ref Unsafe.Add(ref source, offset));
        return new(Avx.IsSupported ? Avx.ConvertToVector256Double(v) : Vector256.Create(Vector128.WidenLower(v), Vector128.WidenUpper(v)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes4 value, ref double destination, nint offset) => value._v.StoreUnsafe(ref Unsafe.Add(ref destination, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 Broadcast(double value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 operator +(Lanes4 left, Lanes4 right) => new(left._v + right._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 operator -(Lanes4 left, Lanes4 right) => new(left._v - right._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 operator *(Lanes4 left, Lanes4 right) => new(left._v * right._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 Max(Lanes4 left, Lanes4 right) => new(Vector256.MaxNative(left._v, right._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 SelectGreater(Lanes4 value, Lanes4 bound, Lanes4 ifGreater, Lanes4 otherwise) =>
        new(Vector256.ConditionalSelect(Vector256.GreaterThan(value._v, bound._v), ifGreater._v, otherwise._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 MaxOrdered(Lanes4 left, Lanes4 right) => new(Vector256.MaxNative(left._v, right._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MaxAcross(Lanes4 value)
    {
        Vector128<double> m = Vector128.MaxNative(value._v.GetLower(), value._v.GetUpper());
        return double.MaxNative(m.ToScalar(), m.GetElement(1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyLessThan(Lanes4 value, double threshold) => Vector256.LessThanAny(value._v, Vector256.Create(threshold));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 Pow2FromRounded(Lanes4 k) =>
        new(((k._v.AsInt64() + Vector256.Create(Pow2.Bias)) << 52).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(ref Lanes4 r0, ref Lanes4 r1, ref Lanes4 r2, ref Lanes4 r3)
    {
        Vector256<double> t0 = Avx.UnpackLow(r0._v, r1._v);
        Vector256<double> t1 = Avx.UnpackHigh(r0._v, r1._v);
        Vector256<double> t2 = Avx.UnpackLow(r2._v, r3._v);
        Vector256<double> t3 = Avx.UnpackHigh(r2._v, r3._v);
        r0 = new(Avx.Permute2x128(t0, t2, 0x20));
        r1 = new(Avx.Permute2x128(t1, t3, 0x20));
        r2 = new(Avx.Permute2x128(t0, t2, 0x31));
        r3 = new(Avx.Permute2x128(t1, t3, 0x31));
    }

    // Two 128-bit halves per register ([s0 t, s0 t+1 | s2 t, s2 t+1] and the same for s1, s3) and one in-lane unpack per
    // row: no cross-lane shuffle.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadTransposed(ref double source, nint o0, nint o1, nint o2, nint o3, out Lanes4 r0, out Lanes4 r1, out Lanes4 r2, out Lanes4 r3)
    {
        Vector256<double> even = Vector256.Create(Vector128.LoadUnsafe(ref Unsafe.Add(ref source, o0)), Vector128.LoadUnsafe(ref Unsafe.Add(ref source, o2)));
        Vector256<double> odd = Vector256.Create(Vector128.LoadUnsafe(ref Unsafe.Add(ref source, o1)), Vector128.LoadUnsafe(ref Unsafe.Add(ref source, o3)));
        r0 = new(Avx.UnpackLow(even, odd));
        r1 = new(Avx.UnpackHigh(even, odd));
        even = Vector256.Create(Vector128.LoadUnsafe(ref Unsafe.Add(ref source, o0 + 2)), Vector128.LoadUnsafe(ref Unsafe.Add(ref source, o2 + 2)));
        odd = Vector256.Create(Vector128.LoadUnsafe(ref Unsafe.Add(ref source, o1 + 2)), Vector128.LoadUnsafe(ref Unsafe.Add(ref source, o3 + 2)));
        r2 = new(Avx.UnpackLow(even, odd));
        r3 = new(Avx.UnpackHigh(even, odd));
    }

    // One in-lane unpack per pair of rows, then 128-bit stores of the halves.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTransposed(ref double destination, nint at, nint stride, Lanes4 r0, Lanes4 r1, Lanes4 r2, Lanes4 r3)
    {
        Vector256<double> u0 = Avx.UnpackLow(r0._v, r1._v); // [r0 0, r1 0 | r0 2, r1 2]
        Vector256<double> u1 = Avx.UnpackHigh(r0._v, r1._v); // [r0 1, r1 1 | r0 3, r1 3]
        Vector256<double> u2 = Avx.UnpackLow(r2._v, r3._v);
        Vector256<double> u3 = Avx.UnpackHigh(r2._v, r3._v);
        ref double s0 = ref Unsafe.Add(ref destination, at);
        ref double s1 = ref Unsafe.Add(ref s0, stride);
        ref double s2 = ref Unsafe.Add(ref s1, stride);
        ref double s3 = ref Unsafe.Add(ref s2, stride);
        u0.GetLower().StoreUnsafe(ref s0);
        u2.GetLower().StoreUnsafe(ref Unsafe.Add(ref s0, 2));
        u1.GetLower().StoreUnsafe(ref s1);
        u3.GetLower().StoreUnsafe(ref Unsafe.Add(ref s1, 2));
        u0.GetUpper().StoreUnsafe(ref s2);
        u2.GetUpper().StoreUnsafe(ref Unsafe.Add(ref s2, 2));
        u1.GetUpper().StoreUnsafe(ref s3);
        u3.GetUpper().StoreUnsafe(ref Unsafe.Add(ref s3, 2));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 Gather(ref double source, nint o0, nint o1, nint o2, nint o3) =>
        new(Vector256.Create(Unsafe.Add(ref source, o0), Unsafe.Add(ref source, o1), Unsafe.Add(ref source, o2), Unsafe.Add(ref source, o3)));

    /// <summary>
    /// Four values within four consecutive doubles: one load and one permutation (lane i ← element c_i, given as the
    /// single-precision pair 2c_i, 2c_i + 1; AVX2 has no variable 64-bit permute).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 LoadPermuted(ref double source, nint offset, Vector256<int> control) =>
        new(Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref Unsafe.Add(ref source, offset)).AsSingle(), control).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 ShiftUp(Lanes4 previous, Lanes4 current)
    {
        // [p2, p3, c0, c1] then [p3, c0, c1, c2].
        Vector256<double> middle = Avx.Permute2x128(previous._v, current._v, 0x21);
        return new(Avx.Shuffle(middle, current._v, 0b0101));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes4 ShiftDown(Lanes4 current, Lanes4 next)
    {
        // [c2, c3, n0, n1] then [c1, c2, c3, n0].
        Vector256<double> middle = Avx.Permute2x128(current._v, next._v, 0x21);
        return new(Avx.Shuffle(current._v, middle, 0b0101));
    }
}

/// <summary>
/// Eight lanes in a <see cref="Vector512{T}"/> (x86 AVX-512), used for the element-wise kernels (recursion steps,
/// exponentials); block transposes stay 4×4.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct Lanes8 : ILanes<Lanes8>
{
    private readonly Vector512<double> _v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Lanes8(Vector512<double> v) => _v = v;

    public static int Count => 8;

    public static Lanes8 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 Load(ref double source, nint offset) => new(Vector512.LoadUnsafe(ref Unsafe.Add(ref source, offset)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 LoadWidened(ref float source, nint offset) =>
        new(Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref Unsafe.Add(ref source, offset))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes8 value, ref double destination, nint offset) => value._v.StoreUnsafe(ref Unsafe.Add(ref destination, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 Broadcast(double value) => new(Vector512.Create(value));

    /// <summary>The four lanes of <paramref name="lower"/>, then those of <paramref name="upper"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 Combine(Lanes4 lower, Lanes4 upper) => new(Vector512.Create(lower.Value, upper.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 operator +(Lanes8 left, Lanes8 right) => new(left._v + right._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 operator -(Lanes8 left, Lanes8 right) => new(left._v - right._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 operator *(Lanes8 left, Lanes8 right) => new(left._v * right._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 Max(Lanes8 left, Lanes8 right) => new(Vector512.MaxNative(left._v, right._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 SelectGreater(Lanes8 value, Lanes8 bound, Lanes8 ifGreater, Lanes8 otherwise) =>
        new(Vector512.ConditionalSelect(Vector512.GreaterThan(value._v, bound._v), ifGreater._v, otherwise._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 MaxOrdered(Lanes8 left, Lanes8 right) => new(Vector512.MaxNative(left._v, right._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MaxAcross(Lanes8 value)
    {
        Vector256<double> half = Vector256.MaxNative(value._v.GetLower(), value._v.GetUpper());
        Vector128<double> m = Vector128.MaxNative(half.GetLower(), half.GetUpper());
        return double.MaxNative(m.ToScalar(), m.GetElement(1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyLessThan(Lanes8 value, double threshold) => Vector512.LessThanAny(value._v, Vector512.Create(threshold));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 Pow2FromRounded(Lanes8 k) =>
        new(((k._v.AsInt64() + Vector512.Create(Pow2.Bias)) << 52).AsDouble());

    public static void Transpose(ref Lanes8 r0, ref Lanes8 r1, ref Lanes8 r2, ref Lanes8 r3) =>
        throw new NotSupportedException("Block transposes are 4×4 at most.");

    public static void LoadTransposed(ref double source, nint o0, nint o1, nint o2, nint o3, out Lanes8 r0, out Lanes8 r1, out Lanes8 r2, out Lanes8 r3) =>
        throw new NotSupportedException("Block transposes are 4×4 at most.");

    public static void StoreTransposed(ref double destination, nint at, nint stride, Lanes8 r0, Lanes8 r1, Lanes8 r2, Lanes8 r3) =>
        throw new NotSupportedException("Block transposes are 4×4 at most.");

    public static Lanes8 Gather(ref double source, nint o0, nint o1, nint o2, nint o3) =>
        throw new NotSupportedException("Lane gathers are four lanes at most.");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 ShiftUp(Lanes8 previous, Lanes8 current) =>
        new(Avx512F.AlignRight64(current._v.AsUInt64(), previous._v.AsUInt64(), 7).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 ShiftDown(Lanes8 current, Lanes8 next) =>
        new(Avx512F.AlignRight64(next._v.AsUInt64(), current._v.AsUInt64(), 1).AsDouble());
}

/// <summary>Constants of the power-of-two construction shared by every width.</summary>
internal static class Pow2
{
    /// <summary>1.5·2^52: adding it to a double of magnitude below 2^51 rounds to an integer (to nearest, ties to even).</summary>
    public const double RoundingMagic = 6755399441055744.0;

    /// <summary>Added to the bits of m + <see cref="RoundingMagic"/> gives m + 1023, the biased exponent of 2^m.</summary>
    public const long Bias = 1023L - 0x4338000000000000L;
}

/// <summary>A compile-time boolean: kernels take it as a type argument, so each variant is compiled without the branch.</summary>
internal interface IFlag
{
    static abstract bool On { get; }
}

/// <summary>The flag is set.</summary>
internal readonly struct Yes : IFlag
{
    public static bool On => true;
}

/// <summary>The flag is clear.</summary>
internal readonly struct No : IFlag
{
    public static bool On => false;
}
