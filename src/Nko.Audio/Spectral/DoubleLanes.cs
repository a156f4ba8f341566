using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nko.Audio.Spectral;

/// <summary>
/// A vector of doubles, one independent signal per lane, as the batch FFT and the log-mel use it: the operations they
/// need and nothing else. Implemented by thin wrappers so one generic body compiles to each width (the JIT specialises
/// generics over structs, so there is no indirection).
/// </summary>
/// <typeparam name="TSelf">The implementing vector type.</typeparam>
internal interface IDoubleLanes<TSelf> :
    IAdditionOperators<TSelf, TSelf, TSelf>,
    ISubtractionOperators<TSelf, TSelf, TSelf>,
    IMultiplyOperators<TSelf, TSelf, TSelf>
    where TSelf : unmanaged, IDoubleLanes<TSelf>
{
    /// <summary>Every lane times <paramref name="right"/>.</summary>
    static abstract TSelf operator *(TSelf left, double right);

    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>All lanes zero.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TSelf Create(double value);

    /// <summary><c>a·b + c</c>, fused where the hardware fuses (<c>MultiplyAddEstimate</c>: deterministic on one machine).</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>Writes the lanes rounded to float32 into the first <see cref="Count"/> elements of <paramref name="destination"/>.</summary>
    static abstract void NarrowTo(TSelf value, Span<float> destination);
}

/// <summary><see cref="Vector{T}"/> of double: the platform's preferred width (4 lanes with AVX2, 2 with NEON or SSE).</summary>
internal readonly struct VectorLanes(Vector<double> value) : IDoubleLanes<VectorLanes>
{
    public readonly Vector<double> Value = value;

    public static int Count => Vector<double>.Count;

    public static VectorLanes Zero => new(Vector<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLanes Create(double value) => new(new Vector<double>(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLanes MultiplyAdd(VectorLanes a, VectorLanes b, VectorLanes c) =>
        new(Vector.MultiplyAddEstimate(a.Value, b.Value, c.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NarrowTo(VectorLanes value, Span<float> destination)
    {
        if (Vector<double>.Count == 4 && Vector256.IsHardwareAccelerated)
        {
            Vector256<double> v = value.Value.AsVector256();
            Vector256.Narrow(v, v).GetLower().CopyTo(destination);
            return;
        }

        for (int l = 0; l < Vector<double>.Count; l++)
        {
            destination[l] = (float)value.Value[l];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLanes operator +(VectorLanes left, VectorLanes right) => new(left.Value + right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLanes operator -(VectorLanes left, VectorLanes right) => new(left.Value - right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLanes operator *(VectorLanes left, VectorLanes right) => new(left.Value * right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLanes operator *(VectorLanes left, double right) => new(left.Value * right);
}

/// <summary><see cref="Vector512{T}"/> of double: 8 lanes, used only where <see cref="Vector512.IsHardwareAccelerated"/>.</summary>
internal readonly struct Vector512Lanes(Vector512<double> value) : IDoubleLanes<Vector512Lanes>
{
    public readonly Vector512<double> Value = value;

    public static int Count => Vector512<double>.Count;

    public static Vector512Lanes Zero => new(Vector512<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lanes Create(double value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lanes MultiplyAdd(Vector512Lanes a, Vector512Lanes b, Vector512Lanes c) =>
        new(Vector512.MultiplyAddEstimate(a.Value, b.Value, c.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NarrowTo(Vector512Lanes value, Span<float> destination) =>
        Vector512.Narrow(value.Value, value.Value).GetLower().CopyTo(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lanes operator +(Vector512Lanes left, Vector512Lanes right) => new(left.Value + right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lanes operator -(Vector512Lanes left, Vector512Lanes right) => new(left.Value - right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lanes operator *(Vector512Lanes left, Vector512Lanes right) => new(left.Value * right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lanes operator *(Vector512Lanes left, double right) => new(left.Value * right);
}
