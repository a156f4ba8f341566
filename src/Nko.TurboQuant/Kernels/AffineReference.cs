using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Nko.TurboQuant.Kernels;

/// <summary>
/// The scalar reference of the affine codec: the definition every vector path must reproduce byte for byte.
/// Written for clarity, one value at a time, with the runtime's own <see cref="Half"/> conversions.
/// </summary>
internal static class AffineReference
{
    /// <summary>Encodes whole rows of <paramref name="rowLength"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Encode<TIn>(ReadOnlySpan<TIn> source, int rowLength, int bits, int groupSize, Span<byte> destination)
        where TIn : struct
    {
        int groupsPerRow = (rowLength + groupSize - 1) / groupSize;
        int blockBytes = AffineLayout.BlockBytes(bits, groupSize);
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

                EncodeGroup(values[..n], index, bits, groupSize, destination.Slice(((r * groupsPerRow) + g) * blockBytes, blockBytes));
            }
        }
    }

    /// <summary>Encodes one group of n ≤ G values into a block (codes past n are 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void EncodeGroup(ReadOnlySpan<float> values, long firstIndex, int bits, int groupSize, Span<byte> block)
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

        float levels = (1 << bits) - 1;
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

            Place(packed, bits, groupSize, i, (int)Math.Min(q, levels));
        }
    }

    /// <summary>Decodes whole rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Decode<TOut>(ReadOnlySpan<byte> source, int rowLength, int bits, int groupSize, Span<TOut> destination)
        where TOut : struct
    {
        int groupsPerRow = (rowLength + groupSize - 1) / groupSize;
        int blockBytes = AffineLayout.BlockBytes(bits, groupSize);
        int rows = destination.Length / rowLength;
        for (int r = 0; r < rows; r++)
        {
            for (int g = 0; g < groupsPerRow; g++)
            {
                int start = g * groupSize;
                int n = Math.Min(groupSize, rowLength - start);
                DecodeGroup(source.Slice(((r * groupsPerRow) + g) * blockBytes, blockBytes), bits, groupSize, destination.Slice((r * rowLength) + start, n));
            }
        }
    }

    /// <summary>Decodes the first destination.Length values of one block: x = code · scale + min (float32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DecodeGroup<TOut>(ReadOnlySpan<byte> block, int bits, int groupSize, Span<TOut> destination)
        where TOut : struct
    {
        float scale = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(block));
        float min = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(block[2..]));
        ReadOnlySpan<byte> packed = block[AffineLayout.HeaderBytes..];
        for (int i = 0; i < destination.Length; i++)
        {
            float x = (Fetch(packed, bits, groupSize, i) * scale) + min;
            destination[i] = FromSingle<TOut>(x);
        }
    }

    /// <summary>Puts code <paramref name="code"/> of element <paramref name="i"/> at its documented place.</summary>
    internal static void Place(Span<byte> packed, int bits, int groupSize, int i, int code)
    {
        switch (bits)
        {
            case 8:
                packed[i] = (byte)code;
                break;
            case 4:
            {
                int half = groupSize / 2;
                packed[i % half] |= (byte)(code << (4 * (i / half)));
                break;
            }

            case 2:
            {
                int quarter = groupSize / 4;
                packed[i % quarter] |= (byte)(code << (2 * (i / quarter)));
                break;
            }

            default:
            {
                int quarter = groupSize / 4;
                int eighth = groupSize / 8;
                packed[i % quarter] |= (byte)((code & 3) << (2 * (i / quarter)));
                packed[quarter + (i % eighth)] |= (byte)((code >> 2) << (i / eighth));
                break;
            }
        }
    }

    /// <summary>Reads the code of element <paramref name="i"/>.</summary>
    internal static int Fetch(ReadOnlySpan<byte> packed, int bits, int groupSize, int i)
    {
        switch (bits)
        {
            case 8:
                return packed[i];
            case 4:
            {
                int half = groupSize / 2;
                return (packed[i % half] >> (4 * (i / half))) & 15;
            }

            case 2:
            {
                int quarter = groupSize / 4;
                return (packed[i % quarter] >> (2 * (i / quarter))) & 3;
            }

            default:
            {
                int quarter = groupSize / 4;
                int eighth = groupSize / 8;
                int low = (packed[i % quarter] >> (2 * (i / quarter))) & 3;
                int high = (packed[quarter + (i % eighth)] >> (i / eighth)) & 1;
                return low | (high << 2);
            }
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
