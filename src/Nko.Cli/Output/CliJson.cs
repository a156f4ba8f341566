using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Nko.Ctc;
using Nko.Ranker;

namespace Nko.Cli.Output;

/// <summary>
/// The command line's one JSON policy, used by every command that prints or writes JSON (AOT-safe
/// <see cref="Utf8JsonWriter"/> output, no reflection serializer).
/// </summary>
/// <remarks>
/// <para><b>Text.</b> Strings (values and property names) are escaped only where JSON requires it or where a reader
/// could be tripped: <c>"</c> and <c>\</c>, the C0 controls U+0000–U+001F (<c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\b</c>,
/// <c>\f</c> in short form, the rest as <c>\uXXXX</c>), U+2028/U+2029 (line separators that break JavaScript) and lone
/// surrogates (which UTF-8 cannot carry) as <c>\uXXXX</c>. Everything else — N'Ko (U+07C0–U+07FF, including U+07FB and
/// U+07FC, which the .NET encoders escape as unassigned), other scripts, <c>&lt; &gt; &amp; ' +</c> — appears as itself,
/// so the output stays valid JSON (RFC 8259) and N'Ko stays readable. Output is UTF-8 without a byte order mark.</para>
/// <para><b>Numbers.</b> Doubles in the shortest form that round-trips; non-finite doubles, which JSON cannot hold, as
/// <c>null</c> (<see cref="WriteNumber"/>).</para>
/// </remarks>
internal static class CliJson
{
    /// <summary>The policy as an encoder, for the property names <see cref="Utf8JsonWriter"/> escapes itself.</summary>
    public static JavaScriptEncoder Encoder => CliJsonEncoder.Instance;

    /// <summary>A writer that follows the policy: compact, or indented with <c>\n</c> line ends.</summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> destination, bool indented = false) =>
        new(destination, new JsonWriterOptions { Indented = indented, NewLine = "\n", Encoder = Encoder });

    /// <summary>Writes one indented JSON document, then a newline, to <paramref name="writer"/>.</summary>
    public static void WriteDocument(TextWriter writer, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (Utf8JsonWriter json = CreateWriter(buffer, indented: true))
        {
            write(json);
        }

        WriteUtf8(buffer.WrittenSpan, writer);
        writer.Write('\n');
    }

    /// <summary>Whether the policy escapes <paramref name="c"/> (a lone surrogate is escaped too; see <see cref="AppendLiteral"/>).</summary>
    public static bool MustEscape(char c) => c < 0x20 || c is '"' or '\\' or '\u2028' or '\u2029';

    /// <summary>Writes a string property.</summary>
    public static void WriteString(Utf8JsonWriter json, string name, string value)
    {
        var literal = new ArrayBufferWriter<byte>((value.Length * 3) + 2);
        AppendLiteral(literal, value);
        json.WritePropertyName(name);
        json.WriteRawValue(literal.WrittenSpan, skipInputValidation: true);
    }

    /// <summary>Writes a string property, or <c>null</c> when <paramref name="value"/> is <see langword="null"/>.</summary>
    public static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            WriteString(json, name, value);
        }
    }

    /// <summary>Writes a double property in shortest round-trip form, or <c>null</c> when it is not finite.</summary>
    public static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary><c>COPY</c> or <c>CORRECTED</c>.</summary>
    public static string Decision(CorrectionDecision decision) => decision == CorrectionDecision.Copy ? "COPY" : "CORRECTED";

    /// <summary><c>SUB</c>, <c>DEL</c> or <c>INS</c>.</summary>
    public static string Operation(EditKind kind) => kind switch
    {
        EditKind.Substitute => "SUB",
        EditKind.Delete => "DEL",
        _ => "INS",
    };

    /// <summary>
    /// Writes an applied edit's properties into the open object: <c>op, position, label</c> (<c>null</c> for a deletion),
    /// <c>description, probability, ctc_gain</c>, then <c>round</c> when given, then <c>source</c>.
    /// </summary>
    public static void WriteEditProperties(Utf8JsonWriter json, AppliedEdit edit, CtcVocabulary vocabulary, int? round)
    {
        WriteString(json, "op", Operation(edit.Edit.Kind));
        json.WriteNumber("position", edit.Edit.Position);
        if (edit.Edit.Kind == EditKind.Delete)
        {
            json.WriteNull("label");
        }
        else
        {
            WriteString(json, "label", vocabulary.GetSymbol(edit.Edit.Label).ToString());
        }

        WriteString(json, "description", edit.Description);
        WriteNumber(json, "probability", edit.Probability);
        WriteNumber(json, "ctc_gain", edit.CtcGain);
        if (round is int r)
        {
            json.WriteNumber("round", r);
        }

        WriteString(json, "source", edit.Source == EditSource.BeamRevision ? "revision" : "candidate");
    }

    /// <summary>Writes UTF-8 bytes to a text writer.</summary>
    public static void WriteUtf8(ReadOnlySpan<byte> utf8, TextWriter writer) => writer.Write(Encoding.UTF8.GetString(utf8));

    /// <summary>Appends <paramref name="value"/> as a quoted JSON string literal in UTF-8, escaped by the policy.</summary>
    public static void AppendLiteral(IBufferWriter<byte> destination, ReadOnlySpan<char> value)
    {
        destination.Write("\""u8);
        int start = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            bool escape;
            if (MustEscape(c))
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
            ReadOnlySpan<byte> shortForm = ShortForm(c);
            if (!shortForm.IsEmpty)
            {
                destination.Write(shortForm);
            }
            else
            {
                Span<byte> u = destination.GetSpan(6);
                u[0] = (byte)'\\';
                u[1] = (byte)'u';
                ((int)c).TryFormat(u[2..6], out _, "X4", CultureInfo.InvariantCulture);
                destination.Advance(6);
            }
        }

        AppendUtf8(destination, value[start..]);
        destination.Write("\""u8);
    }

    /// <summary>The two-character escape of <paramref name="c"/> (<c>\"</c>, <c>\\</c>, <c>\n</c>, …), or empty for <c>\uXXXX</c>.</summary>
    public static ReadOnlySpan<byte> ShortForm(int c) => c switch
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
