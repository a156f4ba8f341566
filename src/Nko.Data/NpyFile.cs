using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Nko.IO;

namespace Nko.Data;

/// <summary>Reads and writes NumPy <c>.npy</c> files (format 1.0, 2.0 and 3.0) of little-endian float16/float32 in C order.</summary>
/// <remarks>
/// <para><b>Reading is strict.</b> Every one of these raises <see cref="NpyFormatException"/> with a message that says what is
/// wrong: a file shorter than its preamble, header or data; a wrong magic string; a format version other than 1.0, 2.0 or
/// 3.0; a header that is not the Python dict literal NumPy writes (keys <c>descr</c>, <c>fortran_order</c> and <c>shape</c>,
/// each exactly once, nothing else); a dtype other than <c>'&lt;f2'</c> or <c>'&lt;f4'</c> (big-endian, integer, structured…);
/// <c>fortran_order: True</c>; a shape with a negative, non-integer or overflowing dimension, more than
/// <see cref="MaxDimensions"/> dimensions, or more than <see cref="MaxPayloadBytes"/> bytes of data.</para>
/// <para><b>Hostile input.</b> The header length is bounded (65 535 bytes for 1.0 by construction, 1 MiB for 2.0/3.0) and the
/// data size is checked against the file length before anything is allocated; on streams that cannot seek, data is read in
/// chunks, so a lying header cannot make the reader allocate more than the stream actually holds (plus one chunk).</para>
/// <para>Header text is spaces-, tab- and quote-tolerant (<c>'…'</c> or <c>"…"</c>) and accepts trailing commas in the dict and
/// the shape tuple, as NumPy does. Bytes after the data are ignored.</para>
/// </remarks>
public static class NpyFile
{
    /// <summary>
    /// The largest data payload read, in bytes: 2,147,483,591 (<see cref="Array.MaxLength"/>, the longest byte array .NET
    /// allocates, 56 bytes under 2 GiB). Larger arrays are rejected rather than allocated.
    /// </summary>
    public const long MaxPayloadBytes = 0x7FFFFFC7;

    /// <summary>The largest number of dimensions read (NumPy 2 allows 64).</summary>
    public const int MaxDimensions = 64;

    // Format 2.0/3.0 store a 32-bit header length; a real header is a few hundred bytes.
    private const int MaxHeaderBytes = 1 << 20;

    // Chunk size used to read data from streams that cannot report their length.
    private const int ChunkBytes = 1 << 24;

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="NpyFormatException">The file is truncated, corrupt or of an unsupported kind (the message starts with the path).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
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

    /// <summary>Reads an array from <paramref name="stream"/>, leaving it positioned after the data.</summary>
    /// <exception cref="NpyFormatException">The stream is truncated, corrupt or of an unsupported kind.</exception>
    public static NpyArray Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[12];
        ReadExactly(stream, prefix[..8], "the preamble");
        if (!prefix[..6].SequenceEqual(Magic))
        {
            throw new NpyFormatException("Not a .npy file: the magic string \\x93NUMPY is missing.");
        }

        byte major = prefix[6], minor = prefix[7];
        if (major is not (1 or 2 or 3) || minor != 0)
        {
            throw new NpyFormatException(string.Create(
                CultureInfo.InvariantCulture,
                $"Unsupported .npy format version {major}.{minor}; versions 1.0, 2.0 and 3.0 are read."));
        }

        int headerLength;
        if (major == 1)
        {
            ReadExactly(stream, prefix[8..10], "the header length");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..10]);
        }
        else
        {
            ReadExactly(stream, prefix[8..12], "the header length");
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..12]);
            if (len > MaxHeaderBytes)
            {
                throw new NpyFormatException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Header length {len} bytes is implausibly large (limit {MaxHeaderBytes})."));
            }

            headerLength = (int)len;
        }

        if (stream.CanSeek && stream.Length - stream.Position < headerLength)
        {
            throw new NpyFormatException(string.Create(
                CultureInfo.InvariantCulture,
                $"Truncated .npy file: it ends inside the header ({stream.Length - stream.Position} of {headerLength} bytes)."));
        }

        byte[] headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, "the header");
        string header;
        try
        {
            header = (major == 3 ? new UTF8Encoding(false, throwOnInvalidBytes: true) : Encoding.Latin1).GetString(headerBytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new NpyFormatException("Malformed header: format 3.0 requires UTF-8 header text.", e);
        }

        (NpyDataType dtype, ImmutableArray<int> shape) = ParseHeader(header);
        long bytes = PayloadBytes(dtype, shape);
        if (stream.CanSeek && stream.Length - stream.Position < bytes)
        {
            throw new NpyFormatException(string.Create(
                CultureInfo.InvariantCulture,
                $"Truncated .npy file: shape {FormatShape(shape.AsSpan())} needs {bytes} data bytes, the file has {stream.Length - stream.Position}."));
        }

        byte[] data;
        if (stream.CanSeek || bytes <= ChunkBytes)
        {
            data = new byte[bytes];
            ReadExactly(stream, data, "the data");
        }
        else
        {
            data = ReadChunked(stream, (int)bytes);
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Reading .npy on a big-endian machine is not supported.");
        }

        return new NpyArray(dtype, shape, data);
    }

    /// <summary>Writes float32 data as a little-endian, C-order <c>.npy</c> (format 1.0).</summary>
    /// <remarks>All-or-nothing: the file is written beside <paramref name="path"/> and renamed over it when complete, so a
    /// failure (full disk, size limit) leaves any previous file unchanged and no partial one.</remarks>
    /// <exception cref="ArgumentException">The shape has a negative dimension, too many dimensions, or does not hold exactly the data.</exception>
    /// <exception cref="IOException">The file cannot be written; the message names it and says the previous one is unchanged.</exception>
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<int> shape) =>
        WriteFile(path, "<f4", data.Length, MemoryMarshal.AsBytes(data), shape);

    /// <summary>Writes Half data as a little-endian, C-order <c>.npy</c> (format 1.0).</summary>
    /// <remarks>All-or-nothing, as the float32 overload.</remarks>
    /// <exception cref="ArgumentException">The shape has a negative dimension, too many dimensions, or does not hold exactly the data.</exception>
    /// <exception cref="IOException">The file cannot be written; the message names it and says the previous one is unchanged.</exception>
    public static void Write(string path, ReadOnlySpan<Half> data, ReadOnlySpan<int> shape) =>
        WriteFile(path, "<f2", data.Length, MemoryMarshal.AsBytes(data), shape);

    // All-or-nothing: the header and data go to a temporary file renamed over the path once complete.
    private static void WriteFile(string path, string descr, int count, ReadOnlySpan<byte> data, ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(path);
        string header = BuildHeader(descr, count, shape);
        using var file = AtomicFileWriter.Create(path);
        WriteCore(file.Stream, header, data);
        file.Commit();
    }

    /// <summary>Writes float32 data to a stream (format 1.0).</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension, too many dimensions, or does not hold exactly the data.</exception>
    public static void Write(Stream stream, ReadOnlySpan<float> data, ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteCore(stream, BuildHeader("<f4", data.Length, shape), MemoryMarshal.AsBytes(data));
    }

    /// <summary>Writes Half data to a stream (format 1.0).</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension, too many dimensions, or does not hold exactly the data.</exception>
    public static void Write(Stream stream, ReadOnlySpan<Half> data, ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteCore(stream, BuildHeader("<f2", data.Length, shape), MemoryMarshal.AsBytes(data));
    }

    private static string BuildHeader(string descr, int count, ReadOnlySpan<int> shape)
    {
        if (shape.Length > MaxDimensions)
        {
            throw new ArgumentException($"Shape has {shape.Length} dimensions; at most {MaxDimensions} are supported.", nameof(shape));
        }

        long expected = 1;
        foreach (int d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            expected = Math.Min(expected * d, long.MaxValue / int.MaxValue);
        }

        string shapeText = FormatShape(shape);
        if (expected != count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Shape {shapeText} does not hold the {count} elements of the data."),
                nameof(shape));
        }

        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int total = 10 + header.Length + 1;
        int padding = (64 - (total % 64)) % 64;
        return header + new string(' ', padding) + "\n";
    }

    private static void WriteCore(Stream stream, string header, ReadOnlySpan<byte> bytes)
    {
        Span<byte> preamble = stackalloc byte[10];
        Magic.CopyTo(preamble);
        preamble[6] = 1;
        preamble[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(preamble[8..], checked((ushort)header.Length));
        stream.Write(preamble);
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(bytes);
    }

    private static long PayloadBytes(NpyDataType dtype, ImmutableArray<int> shape)
    {
        long count = 1;
        foreach (int d in shape)
        {
            // count ≤ MaxPayloadBytes < 2^31 and d < 2^31, so the product cannot overflow a long. The limit is the
            // largest array, not int.MaxValue: sizes in between passed this check and then failed to allocate.
            count *= d;
            if (count > MaxPayloadBytes)
            {
                break;
            }
        }

        long bytes = count * (dtype == NpyDataType.Float16 ? 2 : 4);
        if (count > MaxPayloadBytes || bytes > MaxPayloadBytes)
        {
            throw new NpyFormatException(string.Create(
                CultureInfo.InvariantCulture,
                $"Shape {FormatShape(shape.AsSpan())} is too large to read (more than {MaxPayloadBytes} bytes of data)."));
        }

        return bytes;
    }

    private static byte[] ReadChunked(Stream stream, int bytes)
    {
        // The header may lie about the size: grow the buffer only as data actually arrives.
        byte[] buffer = new byte[ChunkBytes];
        int read = 0;
        while (read < bytes)
        {
            if (read == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(bytes, (long)buffer.Length * 2));
            }

            int n = stream.Read(buffer, read, Math.Min(buffer.Length, bytes) - read);
            if (n == 0)
            {
                throw new NpyFormatException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Truncated .npy file: it ends inside the data ({read} of {bytes} bytes)."));
            }

            read += n;
        }

        return buffer.Length == bytes ? buffer : buffer.AsSpan(0, bytes).ToArray();
    }

    internal static string FormatShape(ReadOnlySpan<int> shape) => shape.Length switch
    {
        1 => string.Create(CultureInfo.InvariantCulture, $"({shape[0]},)"),
        _ => "(" + string.Join(", ", shape.ToArray()) + ")",
    };

    internal static (NpyDataType DataType, ImmutableArray<int> Shape) ParseHeader(string header)
    {
        var parser = new HeaderParser(header);
        return parser.Parse();
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = stream.Read(buffer[read..]);
            if (n == 0)
            {
                throw new NpyFormatException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Truncated .npy file: it ends inside {what} ({read} of {buffer.Length} bytes)."));
            }

            read += n;
        }
    }

    /// <summary>A parser for the Python dict literal of a <c>.npy</c> header.</summary>
    private ref struct HeaderParser(string text)
    {
        private readonly string _text = text;
        private int _pos;

        public (NpyDataType, ImmutableArray<int>) Parse()
        {
            string? descr = null;
            bool? fortran = null;
            ImmutableArray<int>? shape = null;
            SkipSpace();
            Expect('{', "'{' (the header must be a Python dict literal)");
            while (true)
            {
                SkipSpace();
                if (Peek() == '}')
                {
                    _pos++;
                    break;
                }

                string key = ReadString("a quoted key");
                SkipSpace();
                Expect(':', $"':' after '{key}'");
                SkipSpace();
                switch (key)
                {
                    case "descr":
                        EnsureFirst(descr is null, key);
                        descr = Peek() is '\'' or '"'
                            ? ReadString("the dtype")
                            : throw Error("'descr' must be a dtype string such as '<f4' (structured dtypes are not supported)");
                        break;
                    case "fortran_order":
                        EnsureFirst(fortran is null, key);
                        string word = ReadWord();
                        fortran = word switch
                        {
                            "False" => false,
                            "True" => true,
                            _ => throw Error($"'fortran_order' must be True or False, found '{word}'"),
                        };
                        break;
                    case "shape":
                        EnsureFirst(shape is null, key);
                        shape = ReadShape();
                        break;
                    default:
                        throw Error($"unexpected key '{key}' (a .npy header holds exactly 'descr', 'fortran_order' and 'shape')");
                }

                SkipSpace();
                char c = Peek();
                if (c == ',')
                {
                    _pos++;
                }
                else if (c != '}')
                {
                    throw Error("expected ',' or '}' after a value");
                }
            }

            SkipSpace();
            if (_pos != _text.Length)
            {
                throw Error("unexpected text after the closing '}'");
            }

            if (descr is null || fortran is null || shape is null)
            {
                string missing = descr is null ? "descr" : fortran is null ? "fortran_order" : "shape";
                throw new NpyFormatException($"Malformed header: no '{missing}' field in {Excerpt(_text)}.");
            }

            NpyDataType dtype = descr switch
            {
                "<f2" => NpyDataType.Float16,
                "<f4" => NpyDataType.Float32,
                ['>', ..] => throw new NpyFormatException($"Unsupported dtype '{Excerpt(descr)}': big-endian data is not read; only little-endian float16 ('<f2') and float32 ('<f4')."),
                _ => throw new NpyFormatException($"Unsupported dtype '{Excerpt(descr)}': only little-endian float16 ('<f2') and float32 ('<f4') are read."),
            };
            if (fortran.Value)
            {
                throw new NpyFormatException("fortran_order is True: only C-order (row-major) arrays are read; save with np.ascontiguousarray.");
            }

            return (dtype, shape.Value);
        }

        private ImmutableArray<int> ReadShape()
        {
            int start = _pos;
            Expect('(', "'(' (the shape must be a tuple such as (50, 375, 66))");
            var dims = ImmutableArray.CreateBuilder<int>();
            while (true)
            {
                SkipSpace();
                char c = Peek();
                if (c == ')')
                {
                    _pos++;
                    return dims.ToImmutable();
                }

                if (c == '-')
                {
                    throw Error($"negative dimension in shape {ShapeText(start)}");
                }

                if (!char.IsAsciiDigit(c))
                {
                    throw Error($"malformed shape {ShapeText(start)}: dimensions must be non-negative integers");
                }

                long value = 0;
                while (char.IsAsciiDigit(Peek()))
                {
                    value = (value * 10) + (_text[_pos++] - '0');
                    if (value > int.MaxValue)
                    {
                        throw Error($"dimension in shape {ShapeText(start)} exceeds {int.MaxValue}");
                    }
                }

                if (dims.Count == MaxDimensions)
                {
                    throw Error($"shape has more than {MaxDimensions} dimensions");
                }

                dims.Add((int)value);
                SkipSpace();
                c = Peek();
                if (c == ',')
                {
                    _pos++;
                }
                else if (c != ')')
                {
                    throw Error($"malformed shape {ShapeText(start)}: expected ',' or ')' after a dimension");
                }
            }
        }

        private string ShapeText(int start)
        {
            int end = _text.IndexOf(')', start);
            return Excerpt(end < 0 ? _text[start..] : _text[start..(end + 1)]);
        }

        private string ReadString(string what)
        {
            char quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Error($"expected {what}");
            }

            int end = _text.IndexOf(quote, _pos + 1);
            if (end < 0)
            {
                throw Error("unterminated string");
            }

            string value = _text[(_pos + 1)..end];
            _pos = end + 1;
            return value;
        }

        private string ReadWord()
        {
            int start = _pos;
            while (char.IsAsciiLetterOrDigit(Peek()) || Peek() == '_')
            {
                _pos++;
            }

            return _text[start.._pos];
        }

        private void EnsureFirst(bool first, string key)
        {
            if (!first)
            {
                throw Error($"duplicate key '{key}'");
            }
        }

        private void Expect(char c, string what)
        {
            if (Peek() != c)
            {
                throw Error($"expected {what}");
            }

            _pos++;
        }

        private readonly char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

        private void SkipSpace()
        {
            while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\n' or '\r')
            {
                _pos++;
            }
        }

        private readonly NpyFormatException Error(string message) => new(string.Create(
            CultureInfo.InvariantCulture,
            $"Malformed header at character {_pos}: {message}. Header: {Excerpt(_text)}"));

        private static string Excerpt(string s)
        {
            s = s.Trim();
            var sb = new StringBuilder(Math.Min(s.Length, 120));
            foreach (char c in s.Length > 120 ? s[..120] : s)
            {
                sb.Append(char.IsControl(c) ? '?' : c);
            }

            return s.Length > 120 ? sb.Append('…').ToString() : sb.ToString();
        }
    }
}
