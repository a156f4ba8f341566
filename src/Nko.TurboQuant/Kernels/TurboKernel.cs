using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Nko.TurboQuant.Widths;

namespace Nko.TurboQuant.Kernels;

/// <summary>The vectorised turbo codec, one body for every width; produces exactly the bytes of <see cref="TurboReference"/>.</summary>
/// <remarks>Requires <c>TOps.Count ≤ B/2</c> (the caller picks the width) and B a power of two ≥ 16.</remarks>
internal static partial class TurboKernel<TOps, TF, TU>
    where TOps : ISimdOps<TF, TU>
    where TF : struct
    where TU : struct
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Encode<TWidth, TIn>(ReadOnlySpan<TIn> source, int rowLength, int blockSize, ReadOnlySpan<uint> signs, Span<byte> destination)
        where TWidth : struct, IQuantWidth
        where TIn : struct
    {
        int count = TOps.Count;
        int bits = TWidth.Bits;
        int blocksPerRow = (rowLength + blockSize - 1) / blockSize;
        int blockBytes = TurboLayout.BlockBytes(bits, blockSize);
        int rows = source.Length / rowLength;
        Span<float> buffer = stackalloc float[blockSize];
        Span<byte> codes = stackalloc byte[TWidth.Layout == CodeLayout.Nibbles ? 0 : blockSize];
        ref float y = ref MemoryMarshal.GetReference(buffer);
        ref uint sign = ref MemoryMarshal.GetReference(signs);
        TF limit = TOps.Broadcast(float.MaxValue);
        int half = blockSize / 2;
        ReadOnlySpan<float> search = TWidth.Codebook!.SearchTable;

        for (int r = 0; r < rows; r++)
        {
            for (int b = 0; b < blocksPerRow; b++)
            {
                int start = b * blockSize;
                int n = Math.Min(blockSize, rowLength - start);
                int sourceStart = (r * rowLength) + start;
                long firstIndex = sourceStart;

                // Load (converting Half), check, keep in the block buffer.
                if (n == blockSize)
                {
                    TU ok = TOps.Broadcast(uint.MaxValue);
                    if (typeof(TIn) == typeof(Half))
                    {
                        ref ushort input = ref Unsafe.Add(ref Unsafe.As<TIn, ushort>(ref MemoryMarshal.GetReference(source)), sourceStart);
                        for (int j = 0; j < blockSize; j += count)
                        {
                            TF v = TOps.LoadHalf(ref Unsafe.Add(ref input, j));
                            ok = TOps.And(ok, TOps.AbsLessThanOrEqual(v, limit));
                            TOps.Store(v, ref Unsafe.Add(ref y, j));
                        }
                    }
                    else
                    {
                        ref float input = ref Unsafe.Add(ref Unsafe.As<TIn, float>(ref MemoryMarshal.GetReference(source)), sourceStart);
                        for (int j = 0; j < blockSize; j += count)
                        {
                            TF v = TOps.Load(ref Unsafe.Add(ref input, j));
                            ok = TOps.And(ok, TOps.AbsLessThanOrEqual(v, limit));
                            TOps.Store(v, ref Unsafe.Add(ref y, j));
                        }
                    }

                    if (!TOps.AllBitsSet(ok))
                    {
                        buffer.Clear();
                        Load(source.Slice(sourceStart, n), firstIndex, buffer);
                    }
                }
                else
                {
                    buffer.Clear();
                    Load(source.Slice(sourceStart, n), firstIndex, buffer);
                }

                Span<byte> block = destination.Slice(((r * blocksPerRow) + b) * blockBytes, blockBytes);
                float norm = TurboReference.Norm(TOps.SumOfSquares(buffer), firstIndex);
                BinaryPrimitives.WriteSingleLittleEndian(block, norm);
                TF inverse = TOps.Broadcast(norm == 0f ? 0f : 1f / norm);
                ref uint blockSign = ref sign;
                if (blockSize == 16 * count)
                {
                    RotateRegisters(ref y, ref sign, inverse);
                }
                else
                {
                    for (int j = 0; j < blockSize; j += count)
                    {
                        TF v = TOps.Xor(TOps.Load(ref Unsafe.Add(ref y, j)), TOps.LoadUInt32(ref Unsafe.Add(ref blockSign, j)));
                        TOps.Store(TOps.Multiply(v, inverse), ref Unsafe.Add(ref y, j));
                    }

                    Hadamard(ref y, blockSize);
                }

                ref byte packed = ref MemoryMarshal.GetReference(block[TurboLayout.HeaderBytes..]);
                // TWidth.Bits and TWidth.Layout are constants in each instantiation, so TurboCodes' dispatch and these branches fold away.
                if (TWidth.Layout == CodeLayout.Nibbles)
                {
                    for (int j = 0; j < half; j += count)
                    {
                        TU low = TOps.TurboCodes(TOps.Load(ref Unsafe.Add(ref y, j)), search, TWidth.Bits);
                        TU high = TOps.TurboCodes(TOps.Load(ref Unsafe.Add(ref y, j + half)), search, TWidth.Bits);
                        TOps.StoreBytes(TOps.Or(low, TOps.ShiftLeft(high, 4)), ref Unsafe.Add(ref packed, j));
                    }
                }
                else
                {
                    ref byte code = ref MemoryMarshal.GetReference(codes);
                    for (int j = 0; j < blockSize; j += count)
                    {
                        TOps.StoreBytes(TOps.TurboCodes(TOps.Load(ref Unsafe.Add(ref y, j)), search, TWidth.Bits), ref Unsafe.Add(ref code, j));
                    }

                    TWidth.Pack(codes, MemoryMarshal.CreateSpan(ref packed, BitPacking.PackedBytes(bits, blockSize)));
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Decode<TWidth, TOut>(ReadOnlySpan<byte> source, int rowLength, int blockSize, ReadOnlySpan<uint> signs, Span<TOut> destination)
        where TWidth : struct, IQuantWidth
        where TOut : struct
    {
        int count = TOps.Count;
        int bits = TWidth.Bits;
        int blocksPerRow = (rowLength + blockSize - 1) / blockSize;
        int blockBytes = TurboLayout.BlockBytes(bits, blockSize);
        int rows = destination.Length / rowLength;
        Span<float> buffer = stackalloc float[blockSize];
        Span<byte> codes = stackalloc byte[TWidth.Layout == CodeLayout.Nibbles ? 0 : blockSize];
        ReadOnlySpan<float> centroids = TWidth.Codebook!.Centroids;
        ref float z = ref MemoryMarshal.GetReference(buffer);
        ref uint sign = ref MemoryMarshal.GetReference(signs);
        ref TOut output = ref MemoryMarshal.GetReference(destination);
        TU nibble = TOps.Broadcast(15u);
        int half = blockSize / 2;
        float inverseBlock = 1f / blockSize;

        for (int r = 0; r < rows; r++)
        {
            for (int b = 0; b < blocksPerRow; b++)
            {
                int start = b * blockSize;
                int n = Math.Min(blockSize, rowLength - start);
                ReadOnlySpan<byte> block = source.Slice(((r * blocksPerRow) + b) * blockBytes, blockBytes);
                TF scale = TOps.Broadcast(BinaryPrimitives.ReadSingleLittleEndian(block) * inverseBlock);
                ref byte packed = ref MemoryMarshal.GetReference(block[TurboLayout.HeaderBytes..]);
                if (blockSize == 16 * count && n == blockSize)
                {
                    DecodeRegisters<TWidth, TOut>(ref packed, centroids, codes, scale, ref sign, ref Unsafe.Add(ref output, (r * rowLength) + start));
                    continue;
                }

                if (TWidth.Layout == CodeLayout.Nibbles)
                {
                    for (int j = 0; j < half; j += count)
                    {
                        TU both = TOps.LoadBytes(ref Unsafe.Add(ref packed, j));
                        TOps.Store(TOps.Lookup(TOps.And(both, nibble), centroids), ref Unsafe.Add(ref z, j));
                        TOps.Store(TOps.Lookup(TOps.ShiftRight(both, 4), centroids), ref Unsafe.Add(ref z, j + half));
                    }
                }
                else
                {
                    TWidth.Unpack(MemoryMarshal.CreateReadOnlySpan(ref packed, BitPacking.PackedBytes(bits, blockSize)), codes);
                    ref byte code = ref MemoryMarshal.GetReference(codes);
                    for (int j = 0; j < blockSize; j += count)
                    {
                        TOps.Store(TOps.Lookup(TOps.LoadBytes(ref Unsafe.Add(ref code, j)), centroids), ref Unsafe.Add(ref z, j));
                    }
                }

                Hadamard(ref z, blockSize);

                ref uint blockSign = ref sign;
                if (n == blockSize)
                {
                    ref TOut y = ref Unsafe.Add(ref output, (r * rowLength) + start);
                    for (int j = 0; j < blockSize; j += count)
                    {
                        TF v = TOps.Xor(TOps.Multiply(TOps.Load(ref Unsafe.Add(ref z, j)), scale), TOps.LoadUInt32(ref Unsafe.Add(ref blockSign, j)));
                        if (typeof(TOut) == typeof(Half))
                        {
                            TOps.StoreHalf(v, ref Unsafe.Add(ref Unsafe.As<TOut, ushort>(ref y), j));
                        }
                        else
                        {
                            TOps.Store(v, ref Unsafe.Add(ref Unsafe.As<TOut, float>(ref y), j));
                        }
                    }
                }
                else
                {
                    float s = BinaryPrimitives.ReadSingleLittleEndian(block) * inverseBlock;
                    for (int i = 0; i < n; i++)
                    {
                        destination[(r * rowLength) + start + i] = AffineReference.FromSingle<TOut>(TurboReference.FlipSign(buffer[i] * s, signs[i]));
                    }
                }
            }
        }
    }

    /// <summary>The unnormalised Walsh–Hadamard transform: in-register strides first, then strides across vectors; same order as the reference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Hadamard(ref float values, int length)
    {
        int count = TOps.Count;
        for (int j = 0; j < length; j += count)
        {
            TF v = TOps.Load(ref Unsafe.Add(ref values, j));
            v = TOps.HadamardStage(v, 1);
            v = TOps.HadamardStage(v, 2);
            if (count >= 8)
            {
                v = TOps.HadamardStage(v, 4);
            }

            if (count >= 16)
            {
                v = TOps.HadamardStage(v, 8);
            }

            TOps.Store(v, ref Unsafe.Add(ref values, j));
        }

        for (int stride = count; stride < length; stride <<= 1)
        {
            for (int i = 0; i < length; i += 2 * stride)
            {
                for (int j = i; j < i + stride; j += count)
                {
                    TF a = TOps.Load(ref Unsafe.Add(ref values, j));
                    TF b = TOps.Load(ref Unsafe.Add(ref values, j + stride));
                    TOps.Store(TOps.Add(a, b), ref Unsafe.Add(ref values, j));
                    TOps.Store(TOps.Subtract(a, b), ref Unsafe.Add(ref values, j + stride));
                }
            }
        }
    }

    /// <summary>Slow path: converts and checks one element at a time (throws at the first invalid one).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Load<TIn>(ReadOnlySpan<TIn> values, long firstIndex, Span<float> buffer)
        where TIn : struct
    {
        for (int i = 0; i < values.Length; i++)
        {
            buffer[i] = AffineReference.ToSingle(values[i]);
            InputGuard.Check(buffer[i], firstIndex + i, float.MaxValue);
        }
    }
}
