using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using Nko.TurboQuant.Kernels;

namespace Nko.TurboQuant.Container;

/// <summary>
/// The versioned container (all integers little-endian):
/// <code>
/// offset      size  field
/// 0           8     magic "NKOQUANT"
/// 8           2     format version (1)
/// 10          1     codec (1 affine, 2 turbo)
/// 11          1     bits per code
/// 12          4     group size (affine) or rotation block (turbo)
/// 16          8     seed (turbo; 0 for affine)
/// 24          1     rank r (1..8)
/// 25          3     reserved, zero
/// 28          4·r   shape, int32 each, outermost first
/// 28+4r       8     payload length in bytes (must equal rows × encoded row length)
/// 36+4r       4     CRC-32C of bytes [0, 36+4r)
/// 40+4r       4     CRC-32C of the payload
/// 44+4r       …     payload: the encoded rows
/// </code>
/// Reading checks every field, both checksums and the payload's semantic invariants before returning anything.
/// </summary>
internal static class QuantContainer
{
    public const ushort Version = 1;

    private const int FixedBytes = 28;

    private const int ReadChunk = 1 << 20;

    public static ReadOnlySpan<byte> Magic => "NKOQUANT"u8;

    public static int HeaderLength(int rank) => FixedBytes + (4 * rank) + 16;

    public static void Write(Stream stream, QuantOptions options, ReadOnlySpan<int> shape, ReadOnlySpan<byte> payload)
    {
        byte[] header = new byte[HeaderLength(shape.Length)];
        Span<byte> h = header;
        Magic.CopyTo(h);
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], Version);
        h[10] = (byte)options.Codec;
        h[11] = (byte)options.Bits;
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], (uint)options.GroupSize);
        BinaryPrimitives.WriteUInt64LittleEndian(h[16..], options.Seed);
        h[24] = (byte)shape.Length;
        int o = FixedBytes;
        foreach (int d in shape)
        {
            BinaryPrimitives.WriteInt32LittleEndian(h[o..], d);
            o += 4;
        }

        BinaryPrimitives.WriteInt64LittleEndian(h[o..], payload.Length);
        o += 8;
        BinaryPrimitives.WriteUInt32LittleEndian(h[o..], Crc32C.Compute(h[..o]));
        BinaryPrimitives.WriteUInt32LittleEndian(h[(o + 4)..], Crc32C.Compute(payload));
        stream.Write(header);
        stream.Write(payload);
    }

    public static QuantizedTensor Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> fixedPart = stackalloc byte[FixedBytes];
        ReadHeaderBytes(stream, fixedPart, 0);
        if (!fixedPart[..8].SequenceEqual(Magic))
        {
            throw new QuantFormatException("Not an Nko quantised tensor: the first 8 bytes are not \"NKOQUANT\".");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[8..]);
        if (version != Version)
        {
            throw new QuantFormatException(Invariant($"Unsupported container version {version}: this library reads version {Version}."));
        }

        int rank = fixedPart[24];
        if (rank is < 1 or > TensorShape.MaxRank)
        {
            throw new QuantFormatException(Invariant($"Invalid header at offset 24: rank {rank}; supported ranks are 1 to {TensorShape.MaxRank}."));
        }

        if (fixedPart[25] != 0 || fixedPart[26] != 0 || fixedPart[27] != 0)
        {
            throw new QuantFormatException("Invalid header at offset 25: the reserved bytes are not zero.");
        }

        byte[] header = new byte[HeaderLength(rank)];
        fixedPart.CopyTo(header);
        ReadHeaderBytes(stream, header.AsSpan(FixedBytes), FixedBytes);
        int crcOffset = FixedBytes + (4 * rank) + 8;
        uint headerCrc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(crcOffset));
        if (Crc32C.Compute(header.AsSpan(0, crcOffset)) != headerCrc)
        {
            throw new QuantFormatException(Invariant($"Corrupt header: the CRC-32C at offset {crcOffset} does not match the header bytes."));
        }

        (QuantOptions options, ImmutableArray<int> shape, int elements) = ParseHeader(header, rank);

        // Sizes are checked here, in long, before a Quantizer exists: its constructor reports an oversize row as an
        // argument error, but for a file that is a format problem.
        long rowBytes = Quantizer.EncodedRowBytes(options, shape[^1]);
        long rows = elements / shape[^1];
        long expected = rowBytes * rows;
        long declared = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(crcOffset - 8));
        if (rowBytes > Array.MaxLength || expected > Array.MaxLength)
        {
            throw new QuantFormatException(Invariant($"Invalid header at offset {FixedBytes}: {options} over [{string.Join(", ", shape)}] needs {rowBytes} bytes per row and a payload of {expected} bytes, which exceeds the largest array ({Array.MaxLength} bytes)."));
        }

        var quantizer = new Quantizer(options, shape[^1]);
        if (declared != expected)
        {
            throw new QuantFormatException(Invariant($"Inconsistent header at offset {crcOffset - 8}: payload length {declared}, but {options} over [{string.Join(", ", shape)}] needs {expected} bytes."));
        }

        byte[] payload = ReadPayload(stream, (int)expected, header.Length);
        uint payloadCrc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(crcOffset + 4));
        if (Crc32C.Compute(payload) != payloadCrc)
        {
            throw new QuantFormatException(Invariant($"Corrupt payload: the CRC-32C at offset {crcOffset + 4} does not match the {expected} payload bytes."));
        }

        ValidatePayload(options, shape[^1], quantizer.EncodedRowLength, payload, header.Length);
        return new QuantizedTensor(options, shape, elements, payload, quantizer);
    }

    private static (QuantOptions Options, ImmutableArray<int> Shape, int Elements) ParseHeader(ReadOnlySpan<byte> header, int rank)
    {
        QuantOptions options;
        uint group = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        try
        {
            var codec = (QuantCodec)header[10];
            if (codec is not (QuantCodec.Affine or QuantCodec.Turbo))
            {
                throw new QuantFormatException(Invariant($"Invalid header at offset 10: unknown codec {header[10]}."));
            }

            if (group > int.MaxValue)
            {
                throw new QuantFormatException(Invariant($"Invalid header at offset 12: group size {group}."));
            }

            options = new QuantOptions(codec, header[11], (int)group, BinaryPrimitives.ReadUInt64LittleEndian(header[16..]));
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new QuantFormatException($"Invalid header at offset 10: {FirstLine(e.Message)}", e);
        }

        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32LittleEndian(header[(FixedBytes + (4 * i))..]);
        }

        string? problem = TensorShape.Check(dims, out int elements);
        if (problem is not null)
        {
            throw new QuantFormatException($"Invalid header at offset {FixedBytes}: {problem}");
        }

        return (options, ImmutableArray.Create(dims), elements);
    }

    /// <summary>
    /// The invariants the encoder guarantees. Affine: every scale is +0 or a positive finite fp16, every minimum a finite
    /// fp16, and the codes past the end of a partial group are 0. Turbo: every norm is 0 or a finite float32 ≥ 2^-100.
    /// </summary>
    internal static void ValidatePayload(QuantOptions options, int rowLength, int rowBytes, ReadOnlySpan<byte> payload, long payloadOffset)
    {
        int g = options.GroupSize;
        int blocksPerRow = (rowLength + g - 1) / g;
        int blockBytes = rowBytes / blocksPerRow;
        int tail = rowLength % g;
        for (int r = 0; r < payload.Length / rowBytes; r++)
        {
            for (int b = 0; b < blocksPerRow; b++)
            {
                int offset = (r * rowBytes) + (b * blockBytes);
                ReadOnlySpan<byte> block = payload.Slice(offset, blockBytes);
                long at = payloadOffset + offset;
                if (options.Codec == QuantCodec.Affine)
                {
                    ushort scale = BinaryPrimitives.ReadUInt16LittleEndian(block);
                    ushort min = BinaryPrimitives.ReadUInt16LittleEndian(block[2..]);
                    if ((scale & 0x8000) != 0 || (scale & 0x7C00) == 0x7C00)
                    {
                        throw new QuantFormatException(Invariant($"Invalid block at offset {at} (row {r}, group {b}): scale bits 0x{scale:X4} are negative or not finite."));
                    }

                    if ((min & 0x7C00) == 0x7C00)
                    {
                        throw new QuantFormatException(Invariant($"Invalid block at offset {at + 2} (row {r}, group {b}): minimum bits 0x{min:X4} are not finite."));
                    }

                    if (tail != 0 && b == blocksPerRow - 1)
                    {
                        ReadOnlySpan<byte> packed = block[AffineLayout.HeaderBytes..];
                        for (int i = tail; i < g; i++)
                        {
                            if (options.Width.Fetch(packed, g, i) != 0)
                            {
                                throw new QuantFormatException(Invariant($"Invalid block at offset {at} (row {r}, group {b}): code {i} lies past the end of the row ({tail} values) but is not 0."));
                            }
                        }
                    }
                }
                else
                {
                    float norm = BinaryPrimitives.ReadSingleLittleEndian(block);
                    if (!(norm == 0f && !float.IsNegative(norm)) && !(norm >= TurboLayout.MinNorm && float.IsFinite(norm)))
                    {
                        throw new QuantFormatException(Invariant($"Invalid block at offset {at} (row {r}, block {b}): norm {norm.ToString("R", CultureInfo.InvariantCulture)} is not +0 or a finite value ≥ 2^-100."));
                    }
                }
            }
        }
    }

    private static void ReadHeaderBytes(Stream stream, Span<byte> buffer, int offset)
    {
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
        {
            throw new QuantFormatException(Invariant($"Truncated container: the header needs {offset + buffer.Length} bytes, the stream ended after {offset + read}."));
        }
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes without trusting the length for allocation: the buffer grows with the data actually read.</summary>
    private static byte[] ReadPayload(Stream stream, int length, int headerLength)
    {
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (remaining < length)
            {
                throw new QuantFormatException(Invariant($"Truncated container: the payload needs {length} bytes after the {headerLength}-byte header, the stream has {remaining}."));
            }

            byte[] all = new byte[length];
            stream.ReadExactly(all);
            return all;
        }

        byte[] buffer = new byte[Math.Min(length, ReadChunk)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(length, (long)buffer.Length * 2));
            }

            int n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0)
            {
                throw new QuantFormatException(Invariant($"Truncated container: the payload needs {length} bytes after the {headerLength}-byte header, the stream ended after {filled}."));
            }

            filled += n;
        }

        return buffer;
    }

    private static string FirstLine(string message)
    {
        int cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        int newline = message.IndexOf('\n', StringComparison.Ordinal);
        int end = cut >= 0 ? cut : newline >= 0 ? newline : message.Length;
        return message[..end].TrimEnd('\r', ' ');
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
