using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Nko.TurboQuant.Widths;

namespace Nko.TurboQuant.Kernels;

/// <summary>
/// The vectorised affine codec, one body for every width. Groups are processed in chunks of
/// <see cref="ChunkGroups"/>: pass 1 converts (Half input) and finds each group's min/max (a transposed reduction over
/// the chunk), the parameters of the whole chunk are computed in vector lanes, pass 2 writes the codes; the two passes
/// are software-pipelined across chunks. Produces exactly the bytes of <see cref="AffineReference"/>.
/// </summary>
/// <remarks>Requires <c>TOps.Count ≤ G</c>, and <c>TOps.Count ≤ G/2</c> for the nibble layout (the caller picks the vector width).</remarks>
internal static class AffineKernel<TOps, TF, TU>
    where TOps : ISimdOps<TF, TU>
    where TF : struct
    where TU : struct
{
    private const int ChunkGroups = 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Encode<TWidth, TIn>(ReadOnlySpan<TIn> source, int rowLength, int groupSize, Span<byte> destination)
        where TWidth : struct, IQuantWidth
        where TIn : struct
    {
        int blockBytes = AffineLayout.BlockBytes(TWidth.Bits, groupSize);
        int fullGroups = rowLength / groupSize;
        int tail = rowLength - (fullGroups * groupSize);
        int rows = source.Length / rowLength;
        if (tail == 0)
        {
            // Groups tile the flattened tensor: one pass over everything.
            EncodeGroups<TWidth, TIn>(source, 0, rows * fullGroups, groupSize, destination);
            return;
        }

        int rowBytes = (fullGroups + 1) * blockBytes;
        Span<float> values = stackalloc float[groupSize];
        for (int r = 0; r < rows; r++)
        {
            long first = (long)r * rowLength;
            ReadOnlySpan<TIn> row = source.Slice(r * rowLength, rowLength);
            Span<byte> rowDestination = destination.Slice(r * rowBytes, rowBytes);
            EncodeGroups<TWidth, TIn>(row, first, fullGroups, groupSize, rowDestination);
            int start = fullGroups * groupSize;
            for (int i = 0; i < tail; i++)
            {
                values[i] = AffineReference.ToSingle(row[start + i]);
            }

            AffineReference.EncodeGroup<TWidth>(values[..tail], first + start, groupSize, rowDestination.Slice(fullGroups * blockBytes, blockBytes));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EncodeGroups<TWidth, TIn>(ReadOnlySpan<TIn> source, long firstIndex, int groups, int groupSize, Span<byte> destination)
        where TWidth : struct, IQuantWidth
        where TIn : struct
    {
        // Software pipeline: the parameters of chunk c + 1 (a long dependency chain) are computed before the codes
        // of chunk c are written, so the out-of-order core overlaps the two.
        int blockBytes = AffineLayout.BlockBytes(TWidth.Bits, groupSize);
        int chunkValues = ChunkGroups * groupSize;
        // The scratch buffers start on a 64-byte boundary: a full-width vector never straddles two cache lines.
        Span<float> converted = Align64(stackalloc float[typeof(TIn) == typeof(Half) ? (2 * chunkValues) + 16 : 16], typeof(TIn) == typeof(Half) ? 2 * chunkValues : 0);
        Span<float> mins = stackalloc float[2 * ChunkGroups];
        Span<float> inverseScales = stackalloc float[2 * ChunkGroups];
        Span<uint> headers = stackalloc uint[2 * ChunkGroups];
        Span<float> partials = Align64(stackalloc float[(2 * ChunkGroups * 16) + 16], 2 * ChunkGroups * 16);
        ref byte output = ref MemoryMarshal.GetReference(destination);
        int chunks = (groups + ChunkGroups - 1) / ChunkGroups;
        for (int c = -1; c < chunks; c++)
        {
            int next = c + 1;
            if (next < chunks)
            {
                int slot = (next & 1) * ChunkGroups;
                int g0 = next * ChunkGroups;
                Analyse(
                    source,
                    firstIndex,
                    g0,
                    Math.Min(ChunkGroups, groups - g0),
                    TWidth.Levels - 1,
                    groupSize,
                    converted.Slice(typeof(TIn) == typeof(Half) ? (next & 1) * chunkValues : 0, typeof(TIn) == typeof(Half) ? chunkValues : 0),
                    partials,
                    headers.Slice(slot, ChunkGroups),
                    mins.Slice(slot, ChunkGroups),
                    inverseScales.Slice(slot, ChunkGroups));
            }

            if (c >= 0)
            {
                int slot = (c & 1) * ChunkGroups;
                int g0 = c * ChunkGroups;
                ref float chunk = ref typeof(TIn) == typeof(Half)
                    ? ref Unsafe.Add(ref MemoryMarshal.GetReference(converted), (c & 1) * chunkValues)
                    : ref Unsafe.Add(ref Unsafe.As<TIn, float>(ref MemoryMarshal.GetReference(source)), g0 * groupSize);
                Emit<TWidth>(
                    ref chunk,
                    Math.Min(ChunkGroups, groups - g0),
                    groupSize,
                    headers.Slice(slot, ChunkGroups),
                    mins.Slice(slot, ChunkGroups),
                    inverseScales.Slice(slot, ChunkGroups),
                    ref Unsafe.Add(ref output, (nint)g0 * blockBytes));
            }
        }
    }

    /// <summary>The first 64-byte-aligned <paramref name="length"/> floats of <paramref name="buffer"/> (allocated 16 floats longer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<float> Align64(Span<float> buffer, int length)
    {
        nint address = Unsafe.ByteOffset(ref Unsafe.NullRef<float>(), ref MemoryMarshal.GetReference(buffer));
        int skip = (int)((64 - (address & 63)) & 63) / sizeof(float);
        return buffer.Slice(skip, length);
    }

    /// <summary>Pass 1 over one chunk: converts Half input into <paramref name="converted"/>, finds each group's min/max, checks the range, computes the parameters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Analyse<TIn>(
        ReadOnlySpan<TIn> source,
        long firstIndex,
        int g0,
        int k,
        float levels,
        int groupSize,
        Span<float> converted,
        Span<float> partials,
        Span<uint> headers,
        Span<float> mins,
        Span<float> inverseScales)
        where TIn : struct
    {
        int count = TOps.Count;
        int chunkStart = g0 * groupSize;
        ref float partialMin = ref MemoryMarshal.GetReference(partials);
        ref float partialMax = ref Unsafe.Add(ref partialMin, ChunkGroups * 16);
        Span<float> lows = stackalloc float[ChunkGroups];
        Span<float> highs = stackalloc float[ChunkGroups];
        bool ok = true;
        if (typeof(TIn) == typeof(Half))
        {
            ref ushort input = ref Unsafe.Add(ref Unsafe.As<TIn, ushort>(ref MemoryMarshal.GetReference(source)), chunkStart);
            ref float chunk = ref MemoryMarshal.GetReference(converted);
            for (int g = 0; g < k; g++)
            {
                int o = g * groupSize;
                TF v = TOps.LoadHalf(ref Unsafe.Add(ref input, o));
                TOps.Store(v, ref Unsafe.Add(ref chunk, o));
                TF lo = v, hi = v;
                if (groupSize >= 2 * count)
                {
                    // Two vectors per step (G is a power of two, so pairs tile the group).
                    TF w = TOps.LoadHalf(ref Unsafe.Add(ref input, o + count));
                    TOps.Store(w, ref Unsafe.Add(ref chunk, o + count));
                    lo = TOps.Min(v, w);
                    hi = TOps.Max(v, w);
                    for (int j = 2 * count; j < groupSize; j += 2 * count)
                    {
                        v = TOps.LoadHalf(ref Unsafe.Add(ref input, o + j));
                        w = TOps.LoadHalf(ref Unsafe.Add(ref input, o + j + count));
                        TOps.Store(v, ref Unsafe.Add(ref chunk, o + j));
                        TOps.Store(w, ref Unsafe.Add(ref chunk, o + j + count));
                        lo = TOps.Min(lo, TOps.Min(v, w));
                        hi = TOps.Max(hi, TOps.Max(v, w));
                    }
                }

                TOps.Store(lo, ref Unsafe.Add(ref partialMin, g * count));
                TOps.Store(hi, ref Unsafe.Add(ref partialMax, g * count));
            }

            TOps.ReduceGroups(ref partialMin, ref partialMax, lows, highs);

            // fp16 Inf and NaN convert to magnitudes above 65504 (never NaN), so the extremes reveal them.
            ok = ExtremesInRange(lows, highs, k);
        }
        else
        {
            TF limit = TOps.Broadcast(HalfBits.MaxValue);
            TU valid = TOps.Broadcast(uint.MaxValue);
            ref float chunk = ref Unsafe.Add(ref Unsafe.As<TIn, float>(ref MemoryMarshal.GetReference(source)), chunkStart);
            for (int g = 0; g < k; g++)
            {
                int o = g * groupSize;
                TF v = TOps.Load(ref Unsafe.Add(ref chunk, o));
                TF lo = v, hi = v;
                valid = TOps.And(valid, TOps.AbsLessThanOrEqual(v, limit));
                for (int j = count; j < groupSize; j += count)
                {
                    v = TOps.Load(ref Unsafe.Add(ref chunk, o + j));
                    lo = TOps.Min(lo, v);
                    hi = TOps.Max(hi, v);
                    valid = TOps.And(valid, TOps.AbsLessThanOrEqual(v, limit));
                }

                TOps.Store(lo, ref Unsafe.Add(ref partialMin, g * count));
                TOps.Store(hi, ref Unsafe.Add(ref partialMax, g * count));
            }

            TOps.ReduceGroups(ref partialMin, ref partialMax, lows, highs);
            ok = TOps.AllBitsSet(valid);
        }

        if (!ok)
        {
            ThrowFirstInvalid(source.Slice(chunkStart, k * groupSize), firstIndex + chunkStart);
        }

        if (TOps.Count == 16)
        {
            AffineParameters.Compute512(lows, highs, levels, headers, mins, inverseScales);
        }
        else if (TOps.Count == 8)
        {
            AffineParameters.Compute256(lows, highs, levels, headers, mins, inverseScales);
        }
        else
        {
            AffineParameters.Compute128(lows, highs, levels, headers, mins, inverseScales);
        }
    }

    /// <summary>True when the first <paramref name="k"/> groups' extremes lie within ±65504 (lanes past k are ignored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ExtremesInRange(ReadOnlySpan<float> lows, ReadOnlySpan<float> highs, int k)
    {
        Vector128<int> bad = Vector128<int>.Zero;
        for (int i = 0; i < ChunkGroups; i += 4)
        {
            Vector128<float> low = Vector128.Create(lows.Slice(i, 4));
            Vector128<float> high = Vector128.Create(highs.Slice(i, 4));
            Vector128<int> inChunk = Vector128.LessThan(Vector128.Create(i, i + 1, i + 2, i + 3), Vector128.Create(k));
            bad |= inChunk & (Vector128.GreaterThan(high, Vector128.Create(HalfBits.MaxValue)) | Vector128.LessThan(low, Vector128.Create(-HalfBits.MaxValue))).AsInt32();
        }

        return bad == Vector128<int>.Zero;
    }

    /// <summary>Pass 2 over one chunk: block headers and codes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Emit<TWidth>(
        ref float chunk,
        int k,
        int groupSize,
        ReadOnlySpan<uint> headers,
        ReadOnlySpan<float> mins,
        ReadOnlySpan<float> inverseScales,
        ref byte blocks)
        where TWidth : struct, IQuantWidth
    {
        int count = TOps.Count;
        int blockBytes = AffineLayout.BlockBytes(TWidth.Bits, groupSize);
        switch (TWidth.Layout)
        {
            case CodeLayout.Bytes:
                int step = groupSize >= 2 * count ? 2 * count : count;
                for (int g = 0; g < k; g++)
                {
                    ref byte packed = ref WriteHeader(ref Unsafe.Add(ref blocks, g * blockBytes), headers[g]);
                    ref float x = ref Unsafe.Add(ref chunk, g * groupSize);
                    TF min = TOps.Broadcast(mins[g]);
                    TF inv = TOps.Broadcast(inverseScales[g] * 2f); // 2/s exactly: codes come from 2t
                    for (int j = 0; j < groupSize; j += step)
                    {
                        TF first = TOps.Multiply(TOps.Subtract(TOps.Load(ref Unsafe.Add(ref x, j)), min), inv);
                        if (step != count)
                        {
                            TF second = TOps.Multiply(TOps.Subtract(TOps.Load(ref Unsafe.Add(ref x, j + count)), min), inv);
                            TOps.StoreCodePair(first, second, ref Unsafe.Add(ref packed, j));
                        }
                        else
                        {
                            TOps.StoreBytes(TOps.AffineCodes(first), ref Unsafe.Add(ref packed, j));
                        }
                    }
                }

                break;
            case CodeLayout.Nibbles:
                int half = groupSize / 2;
                for (int g = 0; g < k; g++)
                {
                    ref byte packed = ref WriteHeader(ref Unsafe.Add(ref blocks, g * blockBytes), headers[g]);
                    ref float x = ref Unsafe.Add(ref chunk, g * groupSize);
                    TF min = TOps.Broadcast(mins[g]);
                    TF inv = TOps.Broadcast(inverseScales[g] * 2f);
                    for (int j = 0; j < half; j += count)
                    {
                        TOps.StoreNibblePair(
                            TOps.Multiply(TOps.Subtract(TOps.Load(ref Unsafe.Add(ref x, j)), min), inv),
                            TOps.Multiply(TOps.Subtract(TOps.Load(ref Unsafe.Add(ref x, j + half)), min), inv),
                            ref Unsafe.Add(ref packed, j));
                    }
                }

                break;
            default:
                EncodePackedGroups<TWidth>(ref chunk, k, groupSize, mins, inverseScales, headers, ref blocks);
                break;
        }
    }

    /// <summary>The packed layout (2- and 3-bit codes): computed with vectors into a byte per code, then packed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void EncodePackedGroups<TWidth>(
        ref float chunk,
        int groups,
        int groupSize,
        ReadOnlySpan<float> mins,
        ReadOnlySpan<float> inverseScales,
        ReadOnlySpan<uint> headers,
        ref byte blocks)
        where TWidth : struct, IQuantWidth
    {
        int count = TOps.Count;
        int blockBytes = AffineLayout.BlockBytes(TWidth.Bits, groupSize);
        int packedBytes = BitPacking.PackedBytes(TWidth.Bits, groupSize);
        Span<byte> codes = stackalloc byte[groupSize];
        ref byte code = ref MemoryMarshal.GetReference(codes);
        for (int g = 0; g < groups; g++)
        {
            ref byte packed = ref WriteHeader(ref Unsafe.Add(ref blocks, g * blockBytes), headers[g]);
            ref float x = ref Unsafe.Add(ref chunk, g * groupSize);
            TF min = TOps.Broadcast(mins[g]);
            TF inv = TOps.Broadcast(inverseScales[g] * 2f);
            for (int j = 0; j < groupSize; j += count)
            {
                TU q = TOps.AffineCodes(TOps.Multiply(TOps.Subtract(TOps.Load(ref Unsafe.Add(ref x, j)), min), inv));
                TOps.StoreBytes(q, ref Unsafe.Add(ref code, j));
            }

            TWidth.Pack(codes, MemoryMarshal.CreateSpan(ref packed, packedBytes));
        }
    }

    /// <summary>Writes the header (fp16 scale in the low half, fp16 minimum in the high half, little-endian) and returns the first code byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref byte WriteHeader(ref byte block, uint header)
    {
        Unsafe.WriteUnaligned(ref block, BitConverter.IsLittleEndian ? header : BinaryPrimitives.ReverseEndianness(header));
        return ref Unsafe.Add(ref block, AffineLayout.HeaderBytes);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Decode<TWidth, TOut>(ReadOnlySpan<byte> source, int rowLength, int groupSize, Span<TOut> destination)
        where TWidth : struct, IQuantWidth
        where TOut : struct
    {
        int blockBytes = AffineLayout.BlockBytes(TWidth.Bits, groupSize);
        int fullGroups = rowLength / groupSize;
        int tail = rowLength - (fullGroups * groupSize);
        int rows = destination.Length / rowLength;
        if (tail == 0)
        {
            DecodeGroups<TWidth, TOut>(source, rows * fullGroups, groupSize, destination);
            return;
        }

        int rowBytes = (fullGroups + 1) * blockBytes;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<byte> rowSource = source.Slice(r * rowBytes, rowBytes);
            Span<TOut> row = destination.Slice(r * rowLength, rowLength);
            DecodeGroups<TWidth, TOut>(rowSource, fullGroups, groupSize, row);
            AffineReference.DecodeGroup<TWidth, TOut>(rowSource.Slice(fullGroups * blockBytes, blockBytes), groupSize, row[(fullGroups * groupSize)..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DecodeGroups<TWidth, TOut>(ReadOnlySpan<byte> source, int groups, int groupSize, Span<TOut> destination)
        where TWidth : struct, IQuantWidth
        where TOut : struct
    {
        int count = TOps.Count;
        int blockBytes = AffineLayout.BlockBytes(TWidth.Bits, groupSize);
        ref byte input = ref MemoryMarshal.GetReference(source);
        ref TOut output = ref MemoryMarshal.GetReference(destination);
        if (TWidth.Layout == CodeLayout.Packed)
        {
            DecodePackedGroups<TWidth, TOut>(ref input, groups, groupSize, ref output);
            return;
        }

        Span<float> scales = stackalloc float[ChunkGroups];
        Span<float> mins = stackalloc float[ChunkGroups];
        ref float scale0 = ref MemoryMarshal.GetReference(scales);
        ref float min0 = ref MemoryMarshal.GetReference(mins);
        int half = groupSize / 2;

        // fp16 output converts two vectors at once where they are adjacent in the output (see StoreHalfPair).
        bool bytes = TWidth.Layout == CodeLayout.Bytes;
        bool pairs = typeof(TOut) == typeof(Half) && (bytes ? groupSize >= 2 * count : half == count);
        for (int g0 = 0; g0 < groups; g0 += ChunkGroups)
        {
            int k = Math.Min(ChunkGroups, groups - g0);
            ref byte blocks = ref Unsafe.Add(ref input, (nint)g0 * blockBytes);
            ref TOut chunk = ref Unsafe.Add(ref output, (nint)g0 * groupSize);
            ReadHeaders(ref blocks, k, blockBytes, scales, mins);
            ref byte codes = ref Unsafe.Add(ref blocks, AffineLayout.HeaderBytes);
            if (bytes && pairs)
            {
                for (int g = 0; g < k; g++)
                {
                    ref byte packed = ref Unsafe.Add(ref codes, g * blockBytes);
                    ref TOut y = ref Unsafe.Add(ref chunk, g * groupSize);
                    TF scale = TOps.Broadcast(Unsafe.Add(ref scale0, g));
                    TF min = TOps.Broadcast(Unsafe.Add(ref min0, g));
                    for (int j = 0; j < groupSize; j += 2 * count)
                    {
                        TF a = TOps.MultiplyAddExact(TOps.ConvertToSingle(TOps.LoadBytes(ref Unsafe.Add(ref packed, j))), scale, min);
                        TF b = TOps.MultiplyAddExact(TOps.ConvertToSingle(TOps.LoadBytes(ref Unsafe.Add(ref packed, j + count))), scale, min);
                        PutPair(a, b, ref y, j);
                    }
                }
            }
            else if (bytes)
            {
                for (int g = 0; g < k; g++)
                {
                    ref byte packed = ref Unsafe.Add(ref codes, g * blockBytes);
                    ref TOut y = ref Unsafe.Add(ref chunk, g * groupSize);
                    TF scale = TOps.Broadcast(Unsafe.Add(ref scale0, g));
                    TF min = TOps.Broadcast(Unsafe.Add(ref min0, g));
                    for (int j = 0; j < groupSize; j += count)
                    {
                        Put(TOps.MultiplyAddExact(TOps.ConvertToSingle(TOps.LoadBytes(ref Unsafe.Add(ref packed, j))), scale, min), ref y, j);
                    }
                }
            }
            else if (pairs)
            {
                // One vector of bytes holds values j (low nibbles) and j + G/2 (high nibbles): with G/2 = Count, the whole group.
                TU nibble = TOps.Broadcast(15u);
                for (int g = 0; g < k; g++)
                {
                    ref byte packed = ref Unsafe.Add(ref codes, g * blockBytes);
                    ref TOut y = ref Unsafe.Add(ref chunk, g * groupSize);
                    TF scale = TOps.Broadcast(Unsafe.Add(ref scale0, g));
                    TF min = TOps.Broadcast(Unsafe.Add(ref min0, g));
                    for (int j = 0; j < half; j += count)
                    {
                        TU both = TOps.LoadBytes(ref Unsafe.Add(ref packed, j));
                        TF a = TOps.MultiplyAddExact(TOps.ConvertToSingle(TOps.And(both, nibble)), scale, min);
                        TF b = TOps.MultiplyAddExact(TOps.ConvertToSingle(TOps.ShiftRight(both, 4)), scale, min);
                        PutPair(a, b, ref y, 2 * j);
                    }
                }
            }
            else
            {
                TU nibble = TOps.Broadcast(15u);
                for (int g = 0; g < k; g++)
                {
                    ref byte packed = ref Unsafe.Add(ref codes, g * blockBytes);
                    ref TOut y = ref Unsafe.Add(ref chunk, g * groupSize);
                    TF scale = TOps.Broadcast(Unsafe.Add(ref scale0, g));
                    TF min = TOps.Broadcast(Unsafe.Add(ref min0, g));
                    for (int j = 0; j < half; j += count)
                    {
                        TU both = TOps.LoadBytes(ref Unsafe.Add(ref packed, j));
                        Put(TOps.MultiplyAddExact(TOps.ConvertToSingle(TOps.And(both, nibble)), scale, min), ref y, j);
                        Put(TOps.MultiplyAddExact(TOps.ConvertToSingle(TOps.ShiftRight(both, 4)), scale, min), ref y, j + half);
                    }
                }
            }
        }
    }

    /// <summary>Converts the fp16 scale and minimum of up to 16 consecutive blocks, four at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReadHeaders(ref byte blocks, int groups, int blockBytes, Span<float> scales, Span<float> mins)
    {
        Span<uint> headers = stackalloc uint[ChunkGroups];
        for (int g = 0; g < groups; g++)
        {
            uint header = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref blocks, g * blockBytes));
            if (!BitConverter.IsLittleEndian)
            {
                header = BinaryPrimitives.ReverseEndianness(header);
                header = (header >> 16) | (header << 16);
            }

            headers[g] = header;
        }

        for (int g = 0; g < ChunkGroups; g += 4)
        {
            Vector128<uint> h = Vector128.Create(headers.Slice(g, 4));
            HalfBits.ToSingle(h & Vector128.Create(0xFFFFu)).CopyTo(scales.Slice(g, 4));
            HalfBits.ToSingle(h >>> 16).CopyTo(mins.Slice(g, 4));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void DecodePackedGroups<TWidth, TOut>(ref byte input, int groups, int groupSize, ref TOut output)
        where TWidth : struct, IQuantWidth
        where TOut : struct
    {
        int count = TOps.Count;
        int blockBytes = AffineLayout.BlockBytes(TWidth.Bits, groupSize);
        int packedBytes = BitPacking.PackedBytes(TWidth.Bits, groupSize);
        Span<byte> codes = stackalloc byte[groupSize];
        ref byte code = ref MemoryMarshal.GetReference(codes);
        for (int g = 0; g < groups; g++)
        {
            ref byte packed = ref ReadHeader(ref Unsafe.Add(ref input, (nint)g * blockBytes), out TF scale, out TF min);
            TWidth.Unpack(MemoryMarshal.CreateReadOnlySpan(ref packed, packedBytes), codes);
            ref TOut y = ref Unsafe.Add(ref output, (nint)g * groupSize);
            for (int j = 0; j < groupSize; j += count)
            {
                Put(TOps.MultiplyAddExact(TOps.ConvertToSingle(TOps.LoadBytes(ref Unsafe.Add(ref code, j))), scale, min), ref y, j);
            }
        }
    }

    /// <summary>Reads the fp16 scale and minimum, broadcast, and returns the first code byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref byte ReadHeader(ref byte block, out TF scale, out TF min)
    {
        uint header = Unsafe.ReadUnaligned<uint>(ref block);
        if (!BitConverter.IsLittleEndian)
        {
            header = BinaryPrimitives.ReverseEndianness(header);
            header = (header >> 16) | (header << 16);
        }

        scale = TOps.Broadcast(HalfBits.ToSingle((ushort)header));
        min = TOps.Broadcast(HalfBits.ToSingle((ushort)(header >> 16)));
        return ref Unsafe.Add(ref block, AffineLayout.HeaderBytes);
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

    /// <summary>Stores 2·Count consecutive decoded values (fp16 output only; |x̂| ≤ 65504 + 255·65504 &lt; 2^48).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutPair<TOut>(TF first, TF second, ref TOut destination, int offset)
        where TOut : struct =>
        TOps.StoreHalfPairBounded(first, second, ref Unsafe.Add(ref Unsafe.As<TOut, ushort>(ref destination), offset));

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
