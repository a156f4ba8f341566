using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Nko.Ctc;
using Nko.Ranker;

namespace Nko.Cli;

/// <summary>JSON helpers for the correction commands (<c>correct</c>, <c>eval --json</c>): AOT-safe <see cref="Utf8JsonWriter"/> output.</summary>
/// <remarks>
/// Strings use the minimal escaping of <see cref="JsonLinesWriter"/> (N'Ko, arrows and apostrophes appear as
/// themselves); doubles are written in shortest round-trip form; non-finite doubles, which JSON cannot hold, as <c>null</c>.
/// </remarks>
internal static class CliJson
{
    /// <summary>An encoder that leaves ASCII and N'Ko unescaped (for property names, which cannot be written raw).</summary>
    public static JavaScriptEncoder NkoEncoder { get; } = JavaScriptEncoder.Create(UnicodeRanges.BasicLatin, UnicodeRanges.NKo);

    /// <summary>Writes a string property with minimal escaping.</summary>
    public static void WriteString(Utf8JsonWriter json, string name, string value)
    {
        var literal = new ArrayBufferWriter<byte>((value.Length * 3) + 2);
        JsonLinesWriter.AppendLiteral(literal, value);
        json.WritePropertyName(name);
        json.WriteRawValue(literal.WrittenSpan, skipInputValidation: true);
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

    /// <summary>Writes UTF-8 bytes to a text writer.</summary>
    public static void WriteUtf8(ReadOnlySpan<byte> utf8, TextWriter writer) => writer.Write(Encoding.UTF8.GetString(utf8));
}
