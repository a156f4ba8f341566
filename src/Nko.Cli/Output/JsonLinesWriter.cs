using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Nko.Cli.Output;

/// <summary>
/// Builds JSON Lines output (one compact JSON object per line, <c>\n</c>-terminated, UTF-8) in memory with
/// <see cref="Utf8JsonWriter"/>: no reflection serializer, so it is trimming- and NativeAOT-safe.
/// </summary>
/// <remarks>
/// <para><b>Numbers.</b> Doubles are written in the shortest form that round-trips (what <c>"R"</c> means on .NET Core 3.0
/// and later), so parsing the text gives back the same bits. Non-finite values have no JSON form; callers write
/// <c>null</c> for them (see <see cref="NumberOrNull"/>).</para>
/// <para><b>Text.</b> <see cref="CliJson"/>'s policy: escaped only where JSON requires it, so N'Ko appears as itself.</para>
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
        _json = CliJson.CreateWriter(_buffer);
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
        CliJson.AppendLiteral(_scratch, value);
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
}
