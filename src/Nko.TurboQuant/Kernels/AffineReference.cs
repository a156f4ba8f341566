using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Nko.TurboQuant.Widths;

namespace Nko.TurboQuant.Kernels;

/// <summary>
/// The scalar reference of the affine codec: the definition every vector path must reproduce byte for byte.
/// Written for clarity, one value at a time, with the runtime's own <see cref="Half"/> conversions.
/// </summary>
internal static class AffineReference
{
    /// <summary>Encodes whole rows of <paramref name="rowLength"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Encode<TWidth, TIn>(ReadOnlySpan<TIn> source, int rowLength, int groupSize, Span<byte> destination)
        where TWidth : struct, IQuantWidth
        where TIn : struct
    {
        int groupsPerRow = (rowLength + groupSize - 1) / groupSize;
        int blockBytes = AffineLayout.BlockBytes(TWidth.Bits, groupSize);
        Span<float> values = stackalloc float[groupSize];
        int rows = source.Length / rowLength;
        for (int r = 0; r < rows; r++)
        {
            for (int g = 0; g < groupsPerRow; g++)
            {
                int start = g * groupSize;
                int n = Math.Min(groupSize, rowLength - start);
                long index = (long)r * rowLength + start;
                for (int i = 0; i < n; i++)
                {
                    values[i] = ToSingle(source[(int)(index + i)]);
                }

                EncodeGroup<TWidth>(values[..n], index, groupSize, destination.Slice(((r * groupsPerRow) + g) * blockBytes, blockBytes));
            }
        }
    }

    /// <summary>Encodes one group of n ≤ G values into a block (codes past n are 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void EncodeGroup<TWidth>(ReadOnlySpan<float> values, long firstIndex, int groupSize, Span<byte> block)
        where TWidth : struct, IQuantWidth
    {
        float lo = float.PositiveInfinity;
        float hi = float.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            float x = values[i];
            InputGuard.Check(x, firstIndex + i, HalfBits.MaxValue);
            lo = Math.Min(lo, x);
            hi = Math.Max(hi, x);
        }

        float levels = TWidth.Levels - 1;
        AffineParameters.Compute(lo, hi, levels, out ushort minBits, out ushort scaleBits, out float min, out float inverseScale);
        BinaryPrimitives.WriteUInt16LittleEndian(block, scaleBits);
        BinaryPrimitives.WriteUInt16LittleEndian(block[2..], minBits);

        Span<byte> packed = block[AffineLayout.HeaderBytes..];
        packed.Clear();
        for (int i = 0; i < values.Length; i++)
        {
            float t = (values[i] - min) * inverseScale;
            float q = MathF.Truncate(t);
            if (t - q >= 0.5f)
            {
                q += 1f;
            }

            TWidth.Place(packed, groupSize, i, (int)Math.Min(q, levels));
        }
    }

    /// <summary>Decodes whole rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Decode<TWidth, TOut>(ReadOnlySpan<byte> source, int rowLength, int groupSize, Span<TOut> destination)
        where TWidth : struct, IQuantWidth
        where TOut : struct
    {
        int groupsPerRow = (rowLength + groupSize - 1) / groupSize;
        int blockBytes = AffineLayout.BlockBytes(TWidth.Bits, groupSize);
        int rows = destination.Length / rowLength;
        for (int r = 0; r < rows; r++)
        {
            for (int g = 0; g < groupsPerRow; g++)
            {
                int start = g * groupSize;
                int n = Math.Min(groupSize, rowLength - start);
                DecodeGroup<TWidth, TOut>(source.Slice(((r * groupsPerRow) + g) * blockBytes, blockBytes), groupSize, destination.Slice((r * rowLength) + start, n));
            }
        }
    }

    /// <summary>Decodes the first destination.Length values of one block: x = code · scale + min (float32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DecodeGroup<TWidth, TOut>(ReadOnlySpan<byte> block, int groupSize, Span<TOut> destination)
        where TWidth : struct, IQuantWidth
        where TOut : struct
    {
        float scale = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(block));
        float min = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(block[2..]));
        ReadOnlySpan<byte> packed = block[AffineLayout.HeaderBytes..];
        for (int i = 0; i < destination.Length; i++)
        {
            float x = (TWidth.Fetch(packed, groupSize, i) * scale) + min;
            destination[i] = FromSingle<TOut>(x);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ToSingle<TIn>(TIn value)
        where TIn : struct =>
        typeof(TIn) == typeof(Half) ? (float)Unsafe.As<TIn, Half>(ref value) : Unsafe.As<TIn, float>(ref value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TOut FromSingle<TOut>(float value)
        where TOut : struct
    {
        if (typeof(TOut) == typeof(Half))
        {
            Half h = HalfBits.ToHalfSaturating(value);
            return Unsafe.As<Half, TOut>(ref h);
        }

        return Unsafe.As<float, TOut>(ref value);
    }
}
