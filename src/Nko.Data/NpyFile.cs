using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Nko.Data;

/// <summary>Reads and writes NumPy <c>.npy</c> files (format 1.0–3.0) of little-endian float16/float32 in C order.</summary>
/// <remarks>
/// Reading is strict: a wrong magic string, an unsupported dtype or Fortran order, a malformed header, a shape whose
/// size overflows or that does not match the bytes that follow all raise <see cref="NpyFormatException"/>.
/// </remarks>
public static class NpyFile
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    // Arrays larger than this are rejected rather than allocated (2 GiB of payload).
    private const long MaxPayloadBytes = int.MaxValue;

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            return Read(stream);
        }
        catch (NpyFormatException e)
        {
            throw new NpyFormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads an array from <paramref name="stream"/>.</summary>
    public static NpyArray Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[12];
        ReadExactly(stream, prefix[..10], "the preamble");
        if (!prefix[..6].SequenceEqual(Magic))
        {
            throw new NpyFormatException("Not a .npy file: the magic string \\x93NUMPY is missing.");
        }

        byte major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..10]);
        }
        else if (major is 2 or 3)
        {
            ReadExactly(stream, prefix[10..12], "the header length");
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..12]);
            if (len > 1 << 20)
            {
                throw new NpyFormatException($"Header length {len} is implausibly large.");
            }

            headerLength = (int)len;
        }
        else
        {
            throw new NpyFormatException($"Unsupported .npy format version {major}.{prefix[7]}.");
        }

        byte[] headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, "the header");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        (NpyDataType dtype, ImmutableArray<int> shape) = ParseHeader(header);

        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
            if (count > MaxPayloadBytes)
            {
                throw new NpyFormatException($"Shape ({string.Join(", ", shape)}) is too large to read.");
            }
        }

        long bytes = count * (dtype == NpyDataType.Float16 ? 2 : 4);
        if (bytes > MaxPayloadBytes)
        {
            throw new NpyFormatException($"Shape ({string.Join(", ", shape)}) is too large to read.");
        }

        if (stream.CanSeek && stream.Length - stream.Position < bytes)
        {
            throw new NpyFormatException(string.Create(
                CultureInfo.InvariantCulture,
                $"Truncated: shape ({string.Join(", ", shape)}) needs {bytes} data bytes, the file has {stream.Length - stream.Position}."));
        }

        byte[] data = new byte[bytes];
        ReadExactly(stream, data, "the data");
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Reading .npy on a big-endian machine is not supported.");
        }

        return new NpyArray(dtype, shape, data);
    }

    /// <summary>Writes float32 data as a little-endian, C-order <c>.npy</c> (format 1.0).</summary>
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<int> shape)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Write(stream, MemoryMarshal.AsBytes(data), data.Length, "<f4", shape);
    }

    /// <summary>Writes Half data as a little-endian, C-order <c>.npy</c> (format 1.0).</summary>
    public static void Write(string path, ReadOnlySpan<Half> data, ReadOnlySpan<int> shape)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Write(stream, MemoryMarshal.AsBytes(data), data.Length, "<f2", shape);
    }

    /// <summary>Writes float32 data to a stream.</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> data, ReadOnlySpan<int> shape) =>
        Write(stream, MemoryMarshal.AsBytes(data), data.Length, "<f4", shape);

    /// <summary>Writes Half data to a stream.</summary>
    public static void Write(Stream stream, ReadOnlySpan<Half> data, ReadOnlySpan<int> shape) =>
        Write(stream, MemoryMarshal.AsBytes(data), data.Length, "<f2", shape);

    private static void Write(Stream stream, ReadOnlySpan<byte> bytes, int count, string descr, ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long expected = 1;
        var dims = new StringBuilder();
        foreach (int d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            expected *= d;
            dims.Append(d.ToString(CultureInfo.InvariantCulture)).Append(", ");
        }

        if (expected != count)
        {
            throw new ArgumentException($"Shape ({dims}) holds {expected} elements; the data has {count}.", nameof(shape));
        }

        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape.ToArray())})";
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int total = 10 + header.Length + 1;
        int padding = (64 - (total % 64)) % 64;
        header = header + new string(' ', padding) + "\n";
        Span<byte> preamble = stackalloc byte[10];
        Magic.CopyTo(preamble);
        preamble[6] = 1;
        preamble[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(preamble[8..], (ushort)header.Length);
        stream.Write(preamble);
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(bytes);
    }

    internal static (NpyDataType DataType, ImmutableArray<int> Shape) ParseHeader(string header)
    {
        string descr = ReadValue(header, "descr");
        string fortran = ReadValue(header, "fortran_order");
        string shapeText = ReadValue(header, "shape");
        NpyDataType dtype = descr switch
        {
            "'<f2'" or "\"<f2\"" => NpyDataType.Float16,
            "'<f4'" or "\"<f4\"" => NpyDataType.Float32,
            _ => throw new NpyFormatException($"Unsupported dtype {descr}: only little-endian float16 ('<f2') and float32 ('<f4') are read."),
        };
        if (fortran != "False")
        {
            throw new NpyFormatException($"fortran_order is {fortran}: only C-order arrays are read.");
        }

        if (shapeText.Length < 2 || shapeText[0] != '(' || shapeText[^1] != ')')
        {
            throw new NpyFormatException($"Malformed shape {shapeText}.");
        }

        var dims = ImmutableArray.CreateBuilder<int>();
        foreach (string part in shapeText[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int d))
            {
                throw new NpyFormatException($"Malformed shape {shapeText}: '{part}' is not a dimension.");
            }

            dims.Add(d);
        }

        return (dtype, dims.ToImmutable());
    }

    private static string ReadValue(string header, string key)
    {
        int k = header.IndexOf("'" + key + "'", StringComparison.Ordinal);
        if (k < 0)
        {
            k = header.IndexOf("\"" + key + "\"", StringComparison.Ordinal);
        }

        if (k < 0)
        {
            throw new NpyFormatException($"Malformed header: no '{key}' field in {header.Trim()}.");
        }

        int colon = header.IndexOf(':', k + key.Length + 2);
        if (colon < 0)
        {
            throw new NpyFormatException($"Malformed header near '{key}'.");
        }

        int start = colon + 1;
        while (start < header.Length && header[start] == ' ')
        {
            start++;
        }

        int end;
        if (start < header.Length && header[start] == '(')
        {
            end = header.IndexOf(')', start);
            if (end < 0)
            {
                throw new NpyFormatException($"Malformed header: unterminated shape in {header.Trim()}.");
            }

            end++;
        }
        else
        {
            end = header.IndexOfAny([',', '}'], start);
            if (end < 0)
            {
                throw new NpyFormatException($"Malformed header near '{key}'.");
            }
        }

        return header[start..end].Trim();
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = stream.Read(buffer[read..]);
            if (n == 0)
            {
                throw new NpyFormatException($"Truncated .npy file: it ends inside {what} ({read} of {buffer.Length} bytes).");
            }

            read += n;
        }
    }
}
