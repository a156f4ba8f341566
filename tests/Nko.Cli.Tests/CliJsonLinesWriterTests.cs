using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Cli.Commands;
using Nko.Cli.Output;

namespace Nko.Cli.Tests;

public class CliJsonLinesWriterTests
{
    private static string Line(Action<JsonLinesWriter> body)
    {
        using var w = new JsonLinesWriter();
        w.StartObject();
        body(w);
        w.EndObject();
        var sw = new StringWriter();
        w.WriteTo(sw);
        return sw.ToString();
    }

    [Property(MaxTest = 500)]
    public Property Doubles_round_trip_exactly(long bits)
    {
        double value = BitConverter.Int64BitsToDouble(bits);
        if (!double.IsFinite(value))
        {
            return true.ToProperty();
        }

        string line = Line(w => w.Number("x", value));
        using var doc = JsonDocument.Parse(line);
        double back = doc.RootElement.GetProperty("x").GetDouble();
        return (BitConverter.DoubleToInt64Bits(back) == bits || (value == 0 && back == 0)).Label($"{value:R} -> {line}");
    }

    [Fact]
    public void Doubles_use_the_shortest_round_trip_form()
    {
        Assert.Equal("{\"x\":-0.1}\n", Line(w => w.Number("x", -0.1)));
        Assert.Equal("{\"x\":-136.59421433948398}\n", Line(w => w.Number("x", -136.59421433948398)));
        Assert.Equal("{\"x\":1E-300}\n", Line(w => w.Number("x", 1e-300)));
        Assert.Equal("{\"x\":3}\n", Line(w => w.Number("x", 3.0)));
    }

    [Fact]
    public void Non_finite_values_are_null_or_refused()
    {
        Assert.Equal("{\"a\":null,\"b\":null,\"c\":null,\"d\":-2.5}\n", Line(w =>
        {
            Assert.False(w.NumberOrNull("a", double.NegativeInfinity));
            Assert.False(w.NumberOrNull("b", double.PositiveInfinity));
            Assert.False(w.NumberOrNull("c", double.NaN));
            Assert.True(w.NumberOrNull("d", -2.5));
        }));
        using var writer = new JsonLinesWriter();
        writer.StartObject();
        Assert.Throws<ArgumentException>(() => writer.Number("x", double.NegativeInfinity));
    }

    [Fact]
    public void Every_NKo_code_point_is_written_unescaped()
    {
        string all = new(Enumerable.Range(0x07C0, 64).Select(c => (char)c).ToArray());
        string line = Line(w => w.String("text", all + " "));
        Assert.Equal("{\"text\":\"" + all + " \"}\n", line);
        using var doc = JsonDocument.Parse(line);
        Assert.Equal(all + " ", doc.RootElement.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("\n\r\t\b\f", "\\n\\r\\t\\b\\f")]
    [InlineData("\u0000\u001f", "\\u0000\\u001F")]
    [InlineData("\u2028\u2029", "\\u2028\\u2029")]
    [InlineData("<>&'+", "<>&'+")]
    [InlineData("é😀ߊ", "é😀ߊ")]
    [InlineData("", "")]
    public void Strings_escape_only_what_JSON_needs(string value, string expected)
    {
        string line = Line(w => w.String("s", value));
        Assert.Equal("{\"s\":\"" + expected + "\"}\n", line);
        using var doc = JsonDocument.Parse(line);
        Assert.Equal(JsonValueKind.String, doc.RootElement.GetProperty("s").ValueKind);
        Assert.Equal(value, doc.RootElement.GetProperty("s").GetString());
    }

    [Fact]
    public void Lone_surrogates_are_escaped_so_the_output_stays_valid_UTF8()
    {
        // Built at run time: attribute strings cannot carry lone surrogates through metadata.
        Assert.Equal("{\"s\":\"x\\uD800y\"}\n", Line(w => w.String("s", "x" + (char)0xD800 + "y")));
        Assert.Equal("{\"s\":\"\\uDC00\"}\n", Line(w => w.String("s", ((char)0xDC00).ToString())));
        Assert.Equal("{\"s\":\"\\uD83D\"}\n", Line(w => w.String("s", ((char)0xD83D).ToString())));
        Assert.Equal("{\"s\":\"\\uDE00\\uD83D\"}\n", Line(w => w.String("s", new string([(char)0xDE00, (char)0xD83D]))));
        string line = Line(w => w.String("s", "a" + (char)0xD800));
        Assert.True(Encoding.UTF8.GetByteCount(line) == new UTF8Encoding(false, true).GetBytes(line).Length);
    }

    [Property(MaxTest = 300)]
    public Property Any_valid_text_round_trips(string? text)
    {
        text ??= string.Empty;
        if (!IsWellFormed(text))
        {
            return true.ToProperty();
        }

        string line = Line(w => w.String("s", text));
        using var doc = JsonDocument.Parse(line);
        return (doc.RootElement.GetProperty("s").GetString() == text && line.Count(c => c == '\n') == 1).ToProperty();
    }

    private static bool IsWellFormed(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void Many_lines_and_large_text_survive_the_chunked_transcoding()
    {
        using var w = new JsonLinesWriter();
        string big = string.Concat(Enumerable.Repeat("ߒߞߏ ", 20000));
        for (int i = 0; i < 5; i++)
        {
            w.StartObject();
            w.Number("i", i);
            w.String("t", big);
            w.Boolean("b", true);
            w.EndObject();
        }

        Assert.Equal(5, w.Lines);
        var sw = new StringWriter();
        w.WriteTo(sw);
        var ms = new MemoryStream();
        w.WriteTo(ms);
        Assert.Equal(Encoding.UTF8.GetString(ms.ToArray()), sw.ToString());
        string[] lines = sw.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.All(lines, l => Assert.Equal(big, JsonDocument.Parse(l).RootElement.GetProperty("t").GetString()));
    }

    [Fact]
    public void Command_errors_are_flattened_to_one_line()
    {
        Assert.Equal("a b  c", CommandRunner.OneLine("a\nb\r\nc\n"));
        var err = new StringWriter();
        int code = CommandRunner.Run(err, () => throw new CommandLineException("bad\nthing"));
        Assert.Equal(ExitCodes.UserError, code);
        Assert.Equal("nko: error: bad thing" + Environment.NewLine, err.ToString());
    }

    [Theory]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(ArgumentOutOfRangeException))]
    [InlineData(typeof(FormatException))]
    [InlineData(typeof(NullReferenceException))]
    public void Other_exceptions_are_bugs_with_a_stack_trace_and_exit_code_70(Type type)
    {
        var err = new StringWriter();
        int code = CommandRunner.Run(err, () => throw (Exception)Activator.CreateInstance(type, "library bug")!);
        Assert.Equal(ExitCodes.InternalError, code);
        Assert.Equal(70, code);
        string text = err.ToString();
        Assert.StartsWith("nko: internal error", text, StringComparison.Ordinal);
        Assert.Contains(type.FullName!, text, StringComparison.Ordinal);
        Assert.Contains("library bug", text, StringComparison.Ordinal);
        Assert.Contains(" at ", text, StringComparison.Ordinal); // the stack trace
    }

    [Theory]
    [InlineData(typeof(Nko.Data.DatasetFormatException))]
    [InlineData(typeof(Nko.Ranker.CorrectionLimitException))]
    [InlineData(typeof(IOException))]
    public void Documented_user_errors_are_one_line_with_exit_code_1(Type type)
    {
        var err = new StringWriter();
        int code = CommandRunner.Run(err, () => throw (Exception)Activator.CreateInstance(type, "bad input")!);
        Assert.Equal(1, code);
        Assert.Equal("nko: error: bad input" + Environment.NewLine, err.ToString());
    }

    [Fact]
    public void Help_lists_greedy_and_score()
    {
        CliResult r = Cli.Run("--help");
        Assert.Equal(0, r.Code);
        Assert.Contains("greedy", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("score", r.Stdout, StringComparison.Ordinal);
        CliResult g = Cli.Run("greedy", "--help");
        Assert.Contains("--blank", g.Stdout, StringComparison.Ordinal);
        Assert.Contains("--out", g.Stdout, StringComparison.Ordinal);
    }
}
