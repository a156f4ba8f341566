using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Nko.Cli;

/// <summary>
/// Builds JSON Lines output (one compact JSON object per line, <c>\n</c>-terminated, UTF-8) in memory with
/// <see cref="Utf8JsonWriter"/>: no reflection serializer, so it is trimming- and NativeAOT-safe.
/// </summary>
/// <remarks>
/// <para><b>Numbers.</b> Doubles are written in the shortest form that round-trips (what <c>"R"</c> means on .NET Core 3.0
/// and later), so parsing the text gives back the same bits. Non-finite values have no JSON form; callers write
/// <c>null</c> for them (see <see cref="NumberOrNull"/>).</para>
/// <para><b>Text.</b> Strings are written unescaped except where JSON requires it: <c>"</c>, <c>\</c> and the C0 controls
/// U+0000–U+001F, plus U+2028/U+2029 (line separators that break JavaScript) and lone surrogates (which UTF-8 cannot carry)
/// as <c>\uXXXX</c>. N'Ko text (U+07C0–U+07FF, including the code points the .NET encoders treat as unassigned) therefore
/// appears as itself.</para>
/// <para>Nothing reaches the destination until <see cref="WriteTo(TextWriter)"/>, so a command that fails half-way leaves no
/// partial output.</para>
/// </remarks>
internal sealed class JsonLinesWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private readonly Utf8JsonWriter _json;

    public JsonLinesWriter()
    {
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Indented = false });
    }

    /// <summary>Number of complete lines written.</summary>
    public int Lines { get; private set; }

    /// <summary>The UTF-8 bytes of the complete lines written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    /// <summary>Starts a line's object.</summary>
    public void StartObject() => _json.WriteStartObject();

    /// <summary>Ends the line's object and the line.</summary>
    public void EndObject()
    {
        _json.WriteEndObject();
        _json.Flush();
        _json.Reset();
        _buffer.Write("\n"u8);
        Lines++;
    }

    /// <summary>Starts an array property (<see cref="StartElement"/>/<see cref="EndElement"/> write its objects).</summary>
    public void StartArray(string name) => _json.WriteStartArray(name);

    /// <summary>Ends the array started by <see cref="StartArray"/>.</summary>
    public void EndArray() => _json.WriteEndArray();

    /// <summary>Starts an object inside an array.</summary>
    public void StartElement() => _json.WriteStartObject();

    /// <summary>Ends an object started by <see cref="StartElement"/> (not the line).</summary>
    public void EndElement() => _json.WriteEndObject();

    /// <summary>Writes an integer property.</summary>
    public void Number(string name, long value) => _json.WriteNumber(name, value);

    /// <summary>Writes a finite double property in shortest round-trip form.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is NaN or infinite.</exception>
    public void Number(string name, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"JSON has no representation of {value}; write null instead.", nameof(value));
        }

        _json.WriteNumber(name, value);
    }

    /// <summary>Writes a double property, or <c>null</c> when it is NaN or infinite.</summary>
    /// <returns>Whether the value was finite.</returns>
    public bool NumberOrNull(string name, double value)
    {
        if (double.IsFinite(value))
        {
            _json.WriteNumber(name, value);
            return true;
        }

        _json.WriteNull(name);
        return false;
    }

    /// <summary>Writes a <c>null</c> property.</summary>
    public void Null(string name) => _json.WriteNull(name);

    /// <summary>Writes a boolean property.</summary>
    public void Boolean(string name, bool value) => _json.WriteBoolean(name, value);

    /// <summary>Writes a string property with minimal escaping (see the remarks of the class).</summary>
    public void String(string name, string value)
    {
        _json.WritePropertyName(name);
        _scratch.ResetWrittenCount();
        AppendLiteral(_scratch, value);
        _json.WriteRawValue(_scratch.WrittenSpan, skipInputValidation: true);
    }

    /// <summary>Writes everything buffered to <paramref name="writer"/> as text.</summary>
    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ReadOnlySpan<byte> bytes = _buffer.WrittenSpan;
        const int Chunk = 1 << 15;
        char[] chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(Chunk));
        try
        {
            Decoder decoder = Encoding.UTF8.GetDecoder();
            while (!bytes.IsEmpty)
            {
                ReadOnlySpan<byte> part = bytes[..Math.Min(Chunk, bytes.Length)];
                bytes = bytes[part.Length..];
                int n = decoder.GetChars(part, chars, flush: bytes.IsEmpty);
                writer.Write(chars, 0, n);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Writes everything buffered to <paramref name="stream"/> as UTF-8.</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(_buffer.WrittenSpan);
    }

    /// <inheritdoc/>
    public void Dispose() => _json.Dispose();

    /// <summary>Appends <paramref name="value"/> as a quoted JSON string literal in UTF-8.</summary>
    internal static void AppendLiteral(IBufferWriter<byte> destination, ReadOnlySpan<char> value)
    {
        destination.Write("\""u8);
        int start = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            bool escape;
            if (c < 0x20 || c is '"' or '\\' or '\u2028' or '\u2029')
            {
                escape = true;
            }
            else if (char.IsHighSurrogate(c))
            {
                if (i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    i++;
                    continue;
                }

                escape = true;
            }
            else
            {
                escape = char.IsLowSurrogate(c);
            }

            if (!escape)
            {
                continue;
            }

            AppendUtf8(destination, value[start..i]);
            start = i + 1;
            ReadOnlySpan<byte> shortForm = c switch
            {
                '"' => "\\\""u8,
                '\\' => "\\\\"u8,
                '\n' => "\\n"u8,
                '\r' => "\\r"u8,
                '\t' => "\\t"u8,
                '\b' => "\\b"u8,
                '\f' => "\\f"u8,
                _ => default,
            };
            if (!shortForm.IsEmpty)
            {
                destination.Write(shortForm);
            }
            else
            {
                Span<byte> u = destination.GetSpan(6);
                u[0] = (byte)'\\';
                u[1] = (byte)'u';
                ((int)c).TryFormat(u[2..6], out _, "X4", System.Globalization.CultureInfo.InvariantCulture);
                destination.Advance(6);
            }
        }

        AppendUtf8(destination, value[start..]);
        destination.Write("\""u8);
    }

    private static void AppendUtf8(IBufferWriter<byte> destination, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        Span<byte> span = destination.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        int n = Encoding.UTF8.GetBytes(text, span);
        destination.Advance(n);
    }
}
