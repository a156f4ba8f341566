using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nko.TurboQuant.Kernels;

/// <summary>
/// The vectorised affine codec, one body for every width. Groups are processed in chunks of
/// <see cref="ChunkGroups"/>: pass 1 converts (Half input) and finds each group's min/max, the parameters of the
/// whole chunk are computed four groups per step, pass 2 writes the codes. Produces exactly the bytes of
/// <see cref="AffineReference"/>.
/// </summary>
/// <remarks>Requires <c>TOps.Count ≤ G</c>, and <c>TOps.Count ≤ G/2</c> for 4-bit (the caller picks the width).</remarks>
internal static class AffineKernel<TOps, TF, TU>
    where TOps : ISimdOps<TF, TU>
    where TF : struct
    where TU : struct
{
    private const int ChunkGroups = 16;

    public static void Encode<TIn>(ReadOnlySpan<TIn> source, int rowLength, int bits, int groupSize, Span<byte> destination)
        where TIn : struct
    {
        int blockBytes = AffineLayout.BlockBytes(bits, groupSize);
        int fullGroups = rowLength / groupSize;
        int tail = rowLength - (fullGroups * groupSize);
        int rows = source.Length / rowLength;
        if (tail == 0)
        {
            // Groups tile the flattened tensor: one pass over everything.
            EncodeGroups(source, 0, rows * fullGroups, bits, groupSize, destination);
            return;
        }

        int rowBytes = (fullGroups + 1) * blockBytes;
        Span<float> values = stackalloc float[groupSize];
        for (int r = 0; r < rows; r++)
        {
            long first = (long)r * rowLength;
            ReadOnlySpan<TIn> row = source.Slice(r * rowLength, rowLength);
            Span<byte> rowDestination = destination.Slice(r * rowBytes, rowBytes);
            EncodeGroups(row, first, fullGroups, bits, groupSize, rowDestination);
            int start = fullGroups * groupSize;
            for (int i = 0; i < tail; i++)
            {
                values[i] = AffineReference.ToSingle(row[start + i]);
            }

            AffineReference.EncodeGroup(values[..tail], first + start, bits, groupSize, rowDestination.Slice(fullGroups * blockBytes, blockBytes));
        }
    }

    private static void EncodeGroups<TIn>(ReadOnlySpan<TIn> source, long firstIndex, int groups, int bits, int groupSize, Span<byte> destination)
        where TIn : struct
    {
        int count = TOps.Count;
        int blockBytes = AffineLayout.BlockBytes(bits, groupSize);
        float levels = (1 << bits) - 1;
        Span<float> converted = stackalloc float[typeof(TIn) == typeof(Half) ? ChunkGroups * groupSize : 0];
        Span<float> lows = stackalloc float[ChunkGroups];
        Span<float> highs = stackalloc float[ChunkGroups];
        Span<float> mins = stackalloc float[ChunkGroups];
        Span<float> inverseScales = stackalloc float[ChunkGroups];
        Span<ushort> minBits = stackalloc ushort[ChunkGroups];
        Span<ushort> scaleBits = stackalloc ushort[ChunkGroups];
        Span<byte> codes = stackalloc byte[bits is 2 or 3 ? groupSize : 0];
        TF limit = TOps.Broadcast(HalfBits.MaxValue);
        TF levelVector = TOps.Broadcast(levels);
        ref byte output = ref MemoryMarshal.GetReference(destination);

        for (int g0 = 0; g0 < groups; g0 += ChunkGroups)
        {
            int k = Math.Min(ChunkGroups, groups - g0);
            int chunkStart = g0 * groupSize;

            // Pass 1: min/max per group, finiteness and range.
            scoped ref float chunk = ref Unsafe.NullRef<float>();
            TU ok = TOps.Broadcast(uint.MaxValue);
            if (typeof(TIn) == typeof(Half))
            {
                ref ushort input = ref Unsafe.Add(ref Unsafe.As<TIn, ushort>(ref MemoryMarshal.GetReference(source)), chunkStart);
                chunk = ref MemoryMarshal.GetReference(converted);
                for (int g = 0; g < k; g++)
                {
                    int o = g * groupSize;
                    TF v = TOps.LoadHalf(ref Unsafe.Add(ref input, o));
                    TOps.Store(v, ref Unsafe.Add(ref chunk, o));
                    TF lo = v, hi = v;
                    ok = TOps.And(ok, TOps.AbsLessThanOrEqual(v, limit));
                    for (int j = count; j < groupSize; j += count)
                    {
                        v = TOps.LoadHalf(ref Unsafe.Add(ref input, o + j));
                        TOps.Store(v, ref Unsafe.Add(ref chunk, o + j));
                        lo = TOps.Min(lo, v);
                        hi = TOps.Max(hi, v);
                        ok = TOps.And(ok, TOps.AbsLessThanOrEqual(v, limit));
                    }

                    lows[g] = TOps.HorizontalMin(lo);
                    highs[g] = TOps.HorizontalMax(hi);
                }
            }
            else
            {
                chunk = ref Unsafe.Add(ref Unsafe.As<TIn, float>(ref MemoryMarshal.GetReference(source)), chunkStart);
                for (int g = 0; g < k; g++)
                {
                    int o = g * groupSize;
                    TF v = TOps.Load(ref Unsafe.Add(ref chunk, o));
                    TF lo = v, hi = v;
                    ok = TOps.And(ok, TOps.AbsLessThanOrEqual(v, limit));
                    for (int j = count; j < groupSize; j += count)
                    {
                        v = TOps.Load(ref Unsafe.Add(ref chunk, o + j));
                        lo = TOps.Min(lo, v);
                        hi = TOps.Max(hi, v);
                        ok = TOps.And(ok, TOps.AbsLessThanOrEqual(v, limit));
                    }

                    lows[g] = TOps.HorizontalMin(lo);
                    highs[g] = TOps.HorizontalMax(hi);
                }
            }

            if (!TOps.AllBitsSet(ok))
            {
                ThrowFirstInvalid(source.Slice(chunkStart, k * groupSize), firstIndex + chunkStart);
            }

            AffineParameters.Compute(lows, highs, levels, minBits, scaleBits, mins, inverseScales);

            // Pass 2: codes.
            for (int g = 0; g < k; g++)
            {
                ref byte block = ref Unsafe.Add(ref output, (nint)(g0 + g) * blockBytes);
                Unsafe.WriteUnaligned(ref block, BitConverter.IsLittleEndian
                    ? scaleBits[g] | ((uint)minBits[g] << 16)
                    : BinaryPrimitives.ReverseEndianness(scaleBits[g]) | ((uint)BinaryPrimitives.ReverseEndianness(minBits[g]) << 16));
                ref byte packed = ref Unsafe.Add(ref block, AffineLayout.HeaderBytes);
                ref float x = ref Unsafe.Add(ref chunk, g * groupSize);
                TF min = TOps.Broadcast(mins[g]);
                TF inv = TOps.Broadcast(inverseScales[g]);
                switch (bits)
                {
                    case 8:
                        for (int j = 0; j < groupSize; j += count)
                        {
                            TU q = TOps.AffineCodes(TOps.Multiply(TOps.Subtract(TOps.Load(ref Unsafe.Add(ref x, j)), min), inv), levelVector);
                            TOps.StoreBytes(q, ref Unsafe.Add(ref packed, j));
                        }

                        break;
                    case 4:
                        int half = groupSize / 2;
                        for (int j = 0; j < half; j += count)
                        {
                            TU low = TOps.AffineCodes(TOps.Multiply(TOps.Subtract(TOps.Load(ref Unsafe.Add(ref x, j)), min), inv), levelVector);
                            TU high = TOps.AffineCodes(TOps.Multiply(TOps.Subtract(TOps.Load(ref Unsafe.Add(ref x, j + half)), min), inv), levelVector);
                            TOps.StoreBytes(TOps.Or(low, TOps.ShiftLeft(high, 4)), ref Unsafe.Add(ref packed, j));
                        }

                        break;
                    default:
                        ref byte code = ref MemoryMarshal.GetReference(codes);
                        for (int j = 0; j < groupSize; j += count)
                        {
                            TU q = TOps.AffineCodes(TOps.Multiply(TOps.Subtract(TOps.Load(ref Unsafe.Add(ref x, j)), min), inv), levelVector);
                            TOps.StoreBytes(q, ref Unsafe.Add(ref code, j));
                        }

                        BitPacking.Pack(bits, codes, MemoryMarshal.CreateSpan(ref packed, BitPacking.PackedBytes(bits, groupSize)));
                        break;
                }
            }
        }
    }

    public static void Decode<TOut>(ReadOnlySpan<byte> source, int rowLength, int bits, int groupSize, Span<TOut> destination)
        where TOut : struct
    {
        int blockBytes = AffineLayout.BlockBytes(bits, groupSize);
        int fullGroups = rowLength / groupSize;
        int tail = rowLength - (fullGroups * groupSize);
        int rows = destination.Length / rowLength;
        if (tail == 0)
        {
            DecodeGroups(source, rows * fullGroups, bits, groupSize, destination);
            return;
        }

        int rowBytes = (fullGroups + 1) * blockBytes;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<byte> rowSource = source.Slice(r * rowBytes, rowBytes);
            Span<TOut> row = destination.Slice(r * rowLength, rowLength);
            DecodeGroups(rowSource, fullGroups, bits, groupSize, row);
            AffineReference.DecodeGroup(rowSource.Slice(fullGroups * blockBytes, blockBytes), bits, groupSize, row[(fullGroups * groupSize)..]);
        }
    }

    private static void DecodeGroups<TOut>(ReadOnlySpan<byte> source, int groups, int bits, int groupSize, Span<TOut> destination)
        where TOut : struct
    {
        int count = TOps.Count;
        int blockBytes = AffineLayout.BlockBytes(bits, groupSize);
        Span<byte> codes = stackalloc byte[bits is 2 or 3 ? groupSize : 0];
        ref byte input = ref MemoryMarshal.GetReference(source);
        ref TOut output = ref MemoryMarshal.GetReference(destination);
        TU nibble = TOps.Broadcast(15u);
        for (int g = 0; g < groups; g++)
        {
            ref byte block = ref Unsafe.Add(ref input, (nint)g * blockBytes);
            uint header = Unsafe.ReadUnaligned<uint>(ref block);
            if (!BitConverter.IsLittleEndian)
            {
                header = BinaryPrimitives.ReverseEndianness(header);
                header = (header >> 16) | (header << 16);
            }

            TF scale = TOps.Broadcast(HalfBits.ToSingle((ushort)header));
            TF min = TOps.Broadcast(HalfBits.ToSingle((ushort)(header >> 16)));
            ref byte packed = ref Unsafe.Add(ref block, AffineLayout.HeaderBytes);
            ref TOut y = ref Unsafe.Add(ref output, (nint)g * groupSize);
            switch (bits)
            {
                case 8:
                    for (int j = 0; j < groupSize; j += count)
                    {
                        Put(TOps.Add(TOps.Multiply(TOps.ConvertToSingle(TOps.LoadBytes(ref Unsafe.Add(ref packed, j))), scale), min), ref y, j);
                    }

                    break;
                case 4:
                    int half = groupSize / 2;
                    for (int j = 0; j < half; j += count)
                    {
                        TU both = TOps.LoadBytes(ref Unsafe.Add(ref packed, j));
                        Put(TOps.Add(TOps.Multiply(TOps.ConvertToSingle(TOps.And(both, nibble)), scale), min), ref y, j);
                        Put(TOps.Add(TOps.Multiply(TOps.ConvertToSingle(TOps.ShiftRight(both, 4)), scale), min), ref y, j + half);
                    }

                    break;
                default:
                    BitPacking.Unpack(bits, MemoryMarshal.CreateReadOnlySpan(ref packed, BitPacking.PackedBytes(bits, groupSize)), codes);
                    ref byte code = ref MemoryMarshal.GetReference(codes);
                    for (int j = 0; j < groupSize; j += count)
                    {
                        Put(TOps.Add(TOps.Multiply(TOps.ConvertToSingle(TOps.LoadBytes(ref Unsafe.Add(ref code, j))), scale), min), ref y, j);
                    }

                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<TOut>(TF value, ref TOut destination, int offset)
        where TOut : struct
    {
        if (typeof(TOut) == typeof(Half))
        {
            TOps.StoreHalf(value, ref Unsafe.Add(ref Unsafe.As<TOut, ushort>(ref destination), offset));
        }
        else
        {
            TOps.Store(value, ref Unsafe.Add(ref Unsafe.As<TOut, float>(ref destination), offset));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFirstInvalid<TIn>(ReadOnlySpan<TIn> values, long firstIndex)
        where TIn : struct
    {
        if (typeof(TIn) == typeof(Half))
        {
            InputGuard.ThrowFirstInvalid(MemoryMarshal.Cast<TIn, Half>(values), firstIndex, HalfBits.MaxValue);
        }
        else
        {
            InputGuard.ThrowFirstInvalid(MemoryMarshal.Cast<TIn, float>(values), firstIndex, HalfBits.MaxValue);
        }

        throw new InvalidOperationException("Unreachable: a vector check failed but no element is invalid.");
    }
}
