using System.Buffers;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Nko.Cli.Output;

namespace Nko.Cli.Tests;

/// <summary>
/// The one JSON policy (<see cref="CliJson"/>): values and property names escaped alike, only where JSON needs it, so N'Ko
/// (U+07FC included) stays readable and every output parses back to the same text.
/// </summary>
public class CliJsonPolicyTests
{
    // Characters the policy treats differently, and ones the .NET encoders escape but the policy does not.
    private static readonly char[] Interesting =
    [
        'a', ' ', '"', '\\', '\n', '\r', '\t', '\b', '\f', '\0', '\u001F', '\u007F', '\u2028', '\u2029', '<', '>', '&', '\'', '+', '`',
        'ߊ', 'ߛ', '\u07F2', '\u07FB', '\u07FC', '\u07FD', '\u07FF', 'é', '→', '\uFFFD',
    ];

    private static string Json(Action<Utf8JsonWriter> write, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (Utf8JsonWriter json = CliJson.CreateWriter(buffer, indented))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Literal(string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        CliJson.AppendLiteral(buffer, value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Nko_and_html_characters_appear_as_themselves()
    {
        const string text = "ߊ߫ ߼ <a&b> it's +1";
        string json = Json(j => CliJson.WriteString(j, text, text));
        Assert.Equal("{\"" + text + "\":\"" + text + "\"}", json);
    }

    [Fact]
    public void Only_what_json_needs_is_escaped()
    {
        string json = Json(j => CliJson.WriteString(j, "k", "q\"b\\n\nc\u0001\u2028"));
        Assert.Equal("{\"k\":\"q\\\"b\\\\n\\nc\\u0001\\u2028\"}", json);
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Names_and_values_are_escaped_alike_and_round_trip() =>
        Prop.ForAll(
            Gen.Elements(Interesting).ArrayOf().Select(a => new string(a)).ToArbitrary(),
            Gen.Elements(true, false).ToArbitrary(),
            (text, indented) =>
            {
                string json = Json(j => CliJson.WriteString(j, text, text), indented);
                using JsonDocument doc = JsonDocument.Parse(json);
                JsonProperty p = doc.RootElement.EnumerateObject().Single();
                string literal = Literal(text);
                // The name and the value are the same literal: one policy, whichever writer escapes.
                return p.Name == text && p.Value.GetString() == text && json.Split(literal).Length == 3;
            });
}
