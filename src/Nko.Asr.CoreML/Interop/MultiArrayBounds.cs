using System.Globalization;

namespace Nko.Asr.CoreML.Interop;

/// <summary>
/// Whether every element a shape and its strides address lies inside the bytes CoreML reports for an
/// <c>MLMultiArray</c> (the <c>size</c> argument of <c>getBytesWithHandler:</c>). Pure and overflow-safe: sizes are
/// computed in 128-bit integers, so hostile or corrupt shapes give a clear answer instead of wrapping.
/// </summary>
internal static class MultiArrayBounds
{
    /// <summary>
    /// The largest element offset <c>Σ (shape[d] − 1) × strides[d]</c> (saturated at 2^63), or <see langword="null"/> when
    /// the array is empty (a zero dimension) or a stride or dimension is negative.
    /// </summary>
    public static Int128? LargestOffset(ReadOnlySpan<long> shape, ReadOnlySpan<long> strides)
    {
        if (shape.Length != strides.Length)
        {
            return null;
        }

        Int128 offset = 0;
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] < 0 || strides[d] < 0)
            {
                return null;
            }

            if (shape[d] == 0)
            {
                return null;
            }

            offset += (Int128)(shape[d] - 1) * strides[d]; // each term < 2^126 and offset ≤ 2^63 here: no wrap
            if (offset > long.MaxValue)
            {
                return (Int128)long.MaxValue + 1; // beyond any buffer: saturate rather than grow towards Int128's range
            }
        }

        return offset;
    }

    /// <summary>Bytes needed to read every element: (largest offset + 1) × element size; <see langword="null"/> as for <see cref="LargestOffset"/>.</summary>
    public static Int128? RequiredBytes(ReadOnlySpan<long> shape, ReadOnlySpan<long> strides, int elementSize)
    {
        Int128? largest = LargestOffset(shape, strides);
        return largest is Int128 l ? (l + 1) * elementSize : null;
    }

    /// <summary>
    /// Throws unless an array of <paramref name="shape"/> and <paramref name="strides"/> with elements of
    /// <paramref name="elementSize"/> bytes fits in <paramref name="byteCount"/> bytes.
    /// </summary>
    /// <exception cref="FormatException">Ranks differ, a dimension or stride is negative or zero-sized, or the largest offset lies past the buffer.</exception>
    public static void Check(ReadOnlySpan<long> shape, ReadOnlySpan<long> strides, int elementSize, long byteCount)
    {
        Int128? required = RequiredBytes(shape, strides, elementSize);
        if (required is not Int128 bytes)
        {
            throw new FormatException(string.Create(
                CultureInfo.InvariantCulture,
                $"Shape [{MultiArrayLayout.Join(shape)}] with strides [{MultiArrayLayout.Join(strides)}] is empty, negative or of mismatched rank."));
        }

        if (byteCount < 0 || bytes > byteCount)
        {
            throw new FormatException(string.Create(
                CultureInfo.InvariantCulture,
                $"Shape [{MultiArrayLayout.Join(shape)}] with strides [{MultiArrayLayout.Join(strides)}] reaches byte {bytes} but the buffer holds {byteCount}."));
        }
    }
}
