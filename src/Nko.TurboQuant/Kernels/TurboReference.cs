using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using Nko.TurboQuant.Widths;

namespace Nko.TurboQuant.Kernels;

/// <summary>
/// The scalar reference of the turbo codec (the definition the vector paths reproduce byte for byte). Per block of
/// B coordinates (the row zero-padded to a multiple of B): norm = ‖x‖ (double sum of squares in the canonical order of
/// <see cref="SumOfSquares"/>, square root, rounded to float32; below 2^-100 it is stored as 0); y = (D·x)·(1/norm) with
/// D the seeded sign flips; y ← H·y, the unnormalised Walsh–Hadamard transform (strides 1, 2, 4, …, B/2 in that order);
/// code = number of Lloyd–Max thresholds ≤ y. Decoding: z = centroid[code]; z ← H·z; x = D·(z · (norm · 2^-log2 B)).
/// </summary>
internal static class TurboReference
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Encode<TWidth, TIn>(ReadOnlySpan<TIn> source, int rowLength, int blockSize, ReadOnlySpan<uint> signs, Span<byte> destination)
        where TWidth : struct, IQuantWidth
        where TIn : struct
    {
        int blocksPerRow = (rowLength + blockSize - 1) / blockSize;
        int blockBytes = TurboLayout.BlockBytes(TWidth.Bits, blockSize);
        Span<float> y = stackalloc float[blockSize];
        ReadOnlySpan<float> thresholds = TWidth.Codebook!.Thresholds;
        int rows = source.Length / rowLength;
        for (int r = 0; r < rows; r++)
        {
            for (int b = 0; b < blocksPerRow; b++)
            {
                int start = b * blockSize;
                int n = Math.Min(blockSize, rowLength - start);
                long index = ((long)r * rowLength) + start;
                y.Clear();
                for (int i = 0; i < n; i++)
                {
                    y[i] = AffineReference.ToSingle(source[(int)(index + i)]);
                    InputGuard.Check(y[i], index + i, float.MaxValue);
                }

                Span<byte> block = destination.Slice(((r * blocksPerRow) + b) * blockBytes, blockBytes);
                float norm = Norm(SumOfSquares(y), index);
                BinaryPrimitives.WriteSingleLittleEndian(block, norm);
                float inverse = norm == 0f ? 0f : 1f / norm;
                ReadOnlySpan<uint> blockSigns = signs;
                for (int i = 0; i < blockSize; i++)
                {
                    y[i] = FlipSign(y[i], blockSigns[i]) * inverse;
                }

                Hadamard(y);
                Span<byte> packed = block[TurboLayout.HeaderBytes..];
                packed.Clear();
                for (int i = 0; i < blockSize; i++)
                {
                    int code = 0;
                    foreach (float t in thresholds)
                    {
                        if (t <= y[i])
                        {
                            code++;
                        }
                    }

                    TWidth.Place(packed, blockSize, i, code);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Decode<TWidth, TOut>(ReadOnlySpan<byte> source, int rowLength, int blockSize, ReadOnlySpan<uint> signs, Span<TOut> destination)
        where TWidth : struct, IQuantWidth
        where TOut : struct
    {
        int blocksPerRow = (rowLength + blockSize - 1) / blockSize;
        int blockBytes = TurboLayout.BlockBytes(TWidth.Bits, blockSize);
        Span<float> z = stackalloc float[blockSize];
        ReadOnlySpan<float> centroids = TWidth.Codebook!.Centroids;
        int rows = destination.Length / rowLength;
        for (int r = 0; r < rows; r++)
        {
            for (int b = 0; b < blocksPerRow; b++)
            {
                int start = b * blockSize;
                int n = Math.Min(blockSize, rowLength - start);
                ReadOnlySpan<byte> block = source.Slice(((r * blocksPerRow) + b) * blockBytes, blockBytes);
                float scale = BinaryPrimitives.ReadSingleLittleEndian(block) * (1f / blockSize);
                ReadOnlySpan<byte> packed = block[TurboLayout.HeaderBytes..];
                for (int i = 0; i < blockSize; i++)
                {
                    z[i] = centroids[TWidth.Fetch(packed, blockSize, i)];
                }

                Hadamard(z);
                for (int i = 0; i < n; i++)
                {
                    destination[(r * rowLength) + start + i] = AffineReference.FromSingle<TOut>(FlipSign(z[i] * scale, signs[i]));
                }
            }
        }
    }

    /// <summary>
    /// Σ x² in double: 16 partial sums (element i goes to sum i mod 16, in order), folded as
    /// T8[k] = S[k] + S[k+8], T4[k] = T8[k] + T8[k+4], T2[k] = T4[k] + T4[k+2], total = T2[0] + T2[1].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumOfSquares(ReadOnlySpan<float> values)
    {
        Span<double> s = stackalloc double[16];
        s.Clear();
        for (int i = 0; i < values.Length; i++)
        {
            double x = values[i];
            s[i & 15] += x * x;
        }

        for (int width = 8; width >= 1; width >>= 1)
        {
            for (int k = 0; k < width; k++)
            {
                s[k] += s[k + width];
            }
        }

        return s[0];
    }

    /// <summary>The stored norm for a sum of squares: float32 of its square root, 0 below 2^-100, an error above float32's range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Norm(double sumOfSquares, long firstIndex)
    {
        float norm = (float)Math.Sqrt(sumOfSquares);
        if (float.IsInfinity(norm))
        {
            throw new ArgumentOutOfRangeException(
                "source",
                $"The turbo block starting at index {firstIndex.ToString(CultureInfo.InvariantCulture)} has a norm beyond float32's range; the turbo codec accepts blocks with ‖x‖ < 3.4e38.");
        }

        return norm < TurboLayout.MinNorm ? 0f : norm;
    }

    /// <summary>The unnormalised Walsh–Hadamard transform in place (length a power of two), strides 1, 2, 4, … in that order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Hadamard(Span<float> values)
    {
        for (int stride = 1; stride < values.Length; stride <<= 1)
        {
            for (int i = 0; i < values.Length; i += 2 * stride)
            {
                for (int j = i; j < i + stride; j++)
                {
                    float a = values[j];
                    float b = values[j + stride];
                    values[j] = a + b;
                    values[j + stride] = a - b;
                }
            }
        }
    }

    internal static float FlipSign(float value, uint mask) => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(value) ^ mask);
}
