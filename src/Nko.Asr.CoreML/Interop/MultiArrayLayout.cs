using System.Globalization;
using System.Numerics.Tensors;

namespace Nko.Asr.CoreML.Interop;

/// <summary>
/// Shape and stride arithmetic for <c>MLMultiArray</c> buffers, and the copy of a (possibly strided, possibly
/// float16/float64) CoreML output into a row-major float32 destination. Platform-independent; strides are in elements,
/// as CoreML reports them.
/// </summary>
internal static class MultiArrayLayout
{
    /// <summary>Row-major (C order) strides for <paramref name="shape"/>.</summary>
    /// <exception cref="ArgumentException">A dimension is negative, or the strides do not fit in 64 bits.</exception>
    public static long[] ContiguousStrides(ReadOnlySpan<long> shape)
    {
        long[] strides = new long[shape.Length];
        Int128 stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] < 0)
            {
                throw new ArgumentException("Shape dimensions must be non-negative.", nameof(shape));
            }

            strides[i] = (long)stride;
            stride *= Math.Max(1, shape[i]);
            if (stride > long.MaxValue)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Shape [{Join(shape)}] has more elements than 64-bit strides address."), nameof(shape));
            }
        }

        return strides;
    }

    /// <summary>
    /// Interprets an output of any rank ≥ 2 whose leading dimensions are all 1 as <c>[T, C]</c>.
    /// </summary>
    /// <exception cref="FormatException">The shape is not <c>[1, …, 1, T, C]</c>.</exception>
    public static (int Frames, int Classes) FramesAndClasses(ReadOnlySpan<long> shape)
    {
        if (shape.Length < 2)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Output shape [{Join(shape)}] has rank {shape.Length}; [1, T, C] or [T, C] expected."));
        }

        for (int i = 0; i < shape.Length - 2; i++)
        {
            if (shape[i] != 1)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Output shape [{Join(shape)}] has a leading dimension of {shape[i]}; only batch 1 is supported."));
            }
        }

        if (shape[^2] is < 1 or > int.MaxValue || shape[^1] is < 1 or > int.MaxValue)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Output shape [{Join(shape)}] has an empty or oversized time or class axis."));
        }

        return ((int)shape[^2], (int)shape[^1]);
    }

    /// <summary>
    /// Copies the <c>[1, …, 1, T, C]</c> array at <paramref name="data"/> (element <paramref name="type"/>, element strides
    /// <paramref name="strides"/>) into row-major float32 <paramref name="destination"/> of length T × C.
    /// </summary>
    public static unsafe void CopyToSingle(void* data, MultiArrayDataType type, ReadOnlySpan<long> shape, ReadOnlySpan<long> strides, Span<float> destination)
    {
        if (shape.Length != strides.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Shape [{Join(shape)}] and strides [{Join(strides)}] differ in rank."));
        }

        (int frames, int classes) = FramesAndClasses(shape);
        if (destination.Length != (long)frames * classes)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Destination holds {destination.Length} values; [{frames}, {classes}] needs {(long)frames * classes}."), nameof(destination));
        }

        long rowStride = strides[^2];
        long classStride = strides[^1];
        bool contiguousRows = classStride == 1;
        for (int t = 0; t < frames; t++)
        {
            Span<float> row = destination.Slice(t * classes, classes);
            long offset = t * rowStride;
            switch (type)
            {
                case MultiArrayDataType.Float32:
                    if (contiguousRows)
                    {
                        new ReadOnlySpan<float>((float*)data + offset, classes).CopyTo(row);
                    }
                    else
                    {
                        for (int c = 0; c < classes; c++)
                        {
                            row[c] = ((float*)data)[offset + (c * classStride)];
                        }
                    }

                    break;
                case MultiArrayDataType.Float16:
                    if (contiguousRows)
                    {
                        TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>((Half*)data + offset, classes), row);
                    }
                    else
                    {
                        for (int c = 0; c < classes; c++)
                        {
                            row[c] = (float)((Half*)data)[offset + (c * classStride)];
                        }
                    }

                    break;
                case MultiArrayDataType.Float64:
                    for (int c = 0; c < classes; c++)
                    {
                        row[c] = (float)((double*)data)[offset + (c * classStride)];
                    }

                    break;
                case MultiArrayDataType.Int32:
                    for (int c = 0; c < classes; c++)
                    {
                        row[c] = ((int*)data)[offset + (c * classStride)];
                    }

                    break;
                default:
                    throw new NotSupportedException($"Unsupported MLMultiArray data type 0x{(long)type:X}.");
            }
        }
    }

    public static string Join(ReadOnlySpan<long> values)
    {
        var parts = new string[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            parts[i] = values[i] < 0 ? "?" : values[i].ToString(CultureInfo.InvariantCulture);
        }

        return string.Join(", ", parts);
    }
}
