using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Nko.Cli.Tests;

/// <summary>
/// <c>nko lm train | score | convert</c>: lmplz's char6.arpa reproduced byte for byte, KenLM's sentence scores reproduced,
/// one-line errors, and outputs checked before the work.
/// </summary>
public sealed class LmCommandTests : IDisposable
{
    // Two short N'Ko sentences: enough for a valid order-3 model in the error tests (no shared data needed).
    private const string TinyText = "ߓߐߐ ߓߋߟߌ ߞߊ\nߣߌ ߝߊߖߌߙߌ ߛߍߙߊ\n";
    private readonly CliTempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [LmFixtureFact]
    public void Train_on_the_train_references_reproduces_lmplz_char6_byte_for_byte()
    {
        string text = _dir.File("train.txt");
        File.WriteAllLines(text, LmFixtureFactAttribute.References("train"));
        string arpa = Path.Combine(_dir.Path, "out", "char6.arpa");
        string binary = _dir.File("char6.nkolm");

        CliResult r = Cli.Run("lm", "train", "--text", text, "--order", "6", "--out", arpa, "--binary", binary);

        Assert.True(r.Code == 0, r.Stderr);
        Assert.Equal(string.Empty, r.Stdout);
        Assert.Equal(MD5.HashData(File.ReadAllBytes(LmFixtureFactAttribute.Char6Arpa)), MD5.HashData(File.ReadAllBytes(arpa)));
        string[] summary = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("610 sentences, 25194 tokens; order 6", summary[0], StringComparison.Ordinal);
        Assert.Equal("1\t31\t0.5\t1\t1.5\t(fallback)", summary[2]);
        Assert.Equal(["2\t394", "3\t2093", "4\t5653", "5\t10512", "6\t15018"], summary[3..].Select(l => string.Join('\t', l.Split('\t')[..2])));
        Assert.DoesNotContain("fallback", string.Concat(summary[3..]), StringComparison.Ordinal);

        // The binary form scores exactly as the ARPA text.
        string dev = DevText();
        Assert.Equal(Cli.Run("lm", "score", "--lm", arpa, "--text", dev).Stdout, Cli.Run("lm", "score", "--lm", binary, "--text", dev).Stdout);
    }

    [LmFixtureFact]
    public void Score_json_matches_kenlm_full_sentence_scores_for_every_fixture_line()
    {
        (string Text, double Log10, int Tokens, int Oov)[] expected = [.. File.ReadLines(LmFixtureFactAttribute.KenLmScores).Select(l =>
        {
            JsonElement e = JsonDocument.Parse(l).RootElement;
            return (e.GetProperty("text").GetString()!, e.GetProperty("log10_bos_eos").GetDouble(),
                e.GetProperty("tokens").GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length,
                e.GetProperty("full_scores").EnumerateArray().Count(s => s[2].GetBoolean()));
        })];
        string text = _dir.File("fixture.txt");
        File.WriteAllLines(text, expected.Select(e => e.Text));

        CliResult r = Cli.Run("lm", "score", "--lm", LmFixtureFactAttribute.Char6Arpa, "--text", text, "--json");

        Assert.True(r.Code == 0, r.Stderr);
        List<JsonElement> lines = Cli.Lines(r.Stdout);
        Assert.Equal(expected.Length, lines.Count);
        Assert.Contains(expected, e => e.Oov > 0);
        for (int i = 0; i < lines.Count; i++)
        {
            Assert.Equal(["text", "log10"], Cli.Keys(lines[i]));
            Assert.Equal(expected[i].Text, lines[i].GetProperty("text").GetString());
            double log10 = lines[i].GetProperty("log10").GetDouble();
            Assert.True(Math.Abs(log10 - expected[i].Log10) <= 1e-4, $"line {i + 1}: {log10} vs KenLM {expected[i].Log10}");
        }

        // KenLM query's summary: every </s> is a token; OOVs counted as KenLM lists them.
        Assert.Contains($"OOVs:\t{expected.Sum(e => e.Oov)}\n", r.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Tokens:\t{expected.Sum(e => e.Tokens + 1)}\n", r.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Sentences:\t{expected.Length}\n", r.Stderr, StringComparison.Ordinal);
        double total = expected.Sum(e => e.Log10);
        double perplexity = Math.Pow(10, -total / expected.Sum(e => e.Tokens + 1));
        Assert.Equal(perplexity, Summary(r.Stderr, "Perplexity including OOVs"), 1e-6);
    }

    [LmFixtureFact]
    public void Plain_output_is_log10_tab_text_with_the_json_values()
    {
        string dev = DevText();
        CliResult plain = Cli.Run("lm", "score", "--lm", LmFixtureFactAttribute.Char6Arpa, "--text", dev);
        CliResult json = Cli.Run("lm", "score", "--lm", LmFixtureFactAttribute.Char6Arpa, "--text", dev, "--json");
        Assert.Equal(0, plain.Code);
        Assert.Equal(json.Stderr, plain.Stderr);
        string[] rows = plain.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        List<JsonElement> objects = Cli.Lines(json.Stdout);
        Assert.Equal(File.ReadAllLines(dev).Length, rows.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            string[] parts = rows[i].Split('\t');
            Assert.Equal(objects[i].GetProperty("log10").GetDouble(), double.Parse(parts[0], CultureInfo.InvariantCulture));
            Assert.Equal(objects[i].GetProperty("text").GetString(), parts[1]);
        }

        // Held-out perplexity of the dev references under lmplz's model (src/Nko.Lm/README.md).
        Assert.Equal(5.5280, Summary(plain.Stderr, "Perplexity including OOVs"), 4);
    }

    [Fact]
    public void Convert_writes_a_binary_model_that_scores_as_the_arpa_and_is_detected_by_its_magic_not_its_name()
    {
        string text = Tiny();
        string arpa = _dir.File("tiny.arpa");
        Assert.Equal(0, Cli.Run("lm", "train", "--text", text, "--order", "3", "--out", arpa).Code);
        string binary = _dir.File("tiny-binary.arpa");

        CliResult r = Cli.Run("lm", "convert", "--lm", arpa, "--out", binary);

        Assert.True(r.Code == 0, r.Stderr);
        Assert.Equal(string.Empty, r.Stdout + r.Stderr);
        Assert.True(File.ReadAllBytes(binary).AsSpan().StartsWith("NKOLM\0\r\n"u8));
        CliResult fromArpa = Cli.Run("lm", "score", "--lm", arpa, "--text", text, "--json");
        CliResult fromBinary = Cli.Run("lm", "score", "--lm", binary, "--text", text, "--json");
        Assert.Equal(0, fromBinary.Code);
        Assert.Equal(fromArpa.Stdout, fromBinary.Stdout);
        Assert.Equal(2, Cli.Lines(fromBinary.Stdout).Count);
    }

    [Theory]
    [InlineData("0", "--order must be between 1 and 10 (got 0).")]
    [InlineData("11", "--order must be between 1 and 10 (got 11).")]
    public void A_bad_order_is_one_line(string order, string message)
    {
        Cli.Run("lm", "train", "--text", Tiny(), "--order", order, "--out", _dir.File("x.arpa")).AssertOneLineError(message);
        Assert.False(File.Exists(_dir.File("x.arpa")));
    }

    [Fact]
    public void A_non_numeric_order_is_a_parse_error()
    {
        // System.CommandLine's parse errors (as for every command) name the value and exit non-zero.
        CliResult r = Cli.Run("lm", "train", "--text", Tiny(), "--order", "six", "--out", _dir.File("x.arpa"));
        Assert.NotEqual(0, r.Code);
        Assert.Contains("six", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("x.arpa")));
    }

    [Theory]
    [InlineData("1,2", "takes three discounts")]
    [InlineData("0.5,1,x", "D3+ must be a number between 0 and 3 (got 'x')")]
    [InlineData("0.5,2.5,1", "D2 must be a number between 0 and 2 (got '2.5')")]
    [InlineData("-1,1,1", "D1 must be a number between 0 and 1")]
    public void A_bad_discount_fallback_is_one_line(string value, string message) =>
        Cli.Run("lm", "train", "--text", Tiny(), "--order", "3", "--out", _dir.File("x.arpa"), "--discount-fallback", value)
            .AssertOneLineError("--discount-fallback", message);

    [Fact]
    public void Without_a_fallback_a_character_corpus_fails_as_lmplz_does_and_leaves_the_previous_output()
    {
        string arpa = _dir.File("x.arpa");
        File.WriteAllText(arpa, "previous");
        Cli.Run("lm", "train", "--text", Tiny(), "--order", "3", "--out", arpa, "--discount-fallback", "none")
            .AssertOneLineError("Could not estimate Kneser–Ney discounts for 2-grams");
        Assert.Equal("previous", File.ReadAllText(arpa));
        Assert.Single(Directory.GetFiles(_dir.Path, "x.arpa*"));
    }

    [Theory]
    [InlineData("train")]
    [InlineData("score-lm")]
    [InlineData("score-text")]
    [InlineData("convert")]
    public void A_missing_input_is_one_line_naming_it(string kind)
    {
        string missing = _dir.File("missing.txt");
        string[] args = kind switch
        {
            "train" => ["lm", "train", "--text", missing, "--order", "3", "--out", _dir.File("x.arpa")],
            "score-lm" => ["lm", "score", "--lm", missing, "--text", Tiny()],
            "score-text" => ["lm", "score", "--lm", TinyArpa(), "--text", missing],
            _ => ["lm", "convert", "--lm", missing, "--out", _dir.File("x.nkolm")],
        };
        Cli.Run(args).AssertOneLineError($"'{missing}' does not exist.");
        Assert.False(File.Exists(_dir.File("x.arpa")) || File.Exists(_dir.File("x.nkolm")));
    }

    [Theory]
    [InlineData("\n0\t<s>", "\nabc\t<s>", "line 8")]
    [InlineData("ngram 1=", "ngram 1=9", "")]
    [InlineData("\\end\\", "", "")]
    public void A_corrupt_arpa_is_one_line_naming_the_file(string find, string replace, string fragment)
    {
        string arpa = TinyArpa();
        string content = File.ReadAllText(arpa);
        Assert.Contains(find, content, StringComparison.Ordinal);
        int at = content.IndexOf(find, StringComparison.Ordinal);
        File.WriteAllText(arpa, content[..at] + replace + content[(at + find.Length)..]);
        Cli.Run("lm", "score", "--lm", arpa, "--text", Tiny()).AssertOneLineError($"{arpa}: ", fragment);
        Cli.Run("lm", "convert", "--lm", arpa, "--out", _dir.File("x.nkolm")).AssertOneLineError($"{arpa}: ", fragment);
        Assert.False(File.Exists(_dir.File("x.nkolm")));
    }

    [Fact]
    public void A_corrupt_binary_model_is_one_line_naming_the_file()
    {
        string binary = _dir.File("tiny.nkolm");
        Assert.Equal(0, Cli.Run("lm", "convert", "--lm", TinyArpa(), "--out", binary).Code);
        byte[] bytes = File.ReadAllBytes(binary);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(binary, bytes);
        Cli.Run("lm", "score", "--lm", binary, "--text", Tiny()).AssertOneLineError($"{binary}: ");
    }

    [Fact]
    public void Empty_text_and_folders_as_inputs_are_one_line()
    {
        string empty = _dir.File("empty.txt");
        File.WriteAllText(empty, string.Empty);
        Cli.Run("lm", "train", "--text", empty, "--order", "3", "--out", _dir.File("x.arpa")).AssertOneLineError("has no lines");
        Cli.Run("lm", "score", "--lm", _dir.Path, "--text", Tiny()).AssertOneLineError("is a directory, not a file.");
    }

    [Theory]
    [InlineData("train-out")]
    [InlineData("train-binary")]
    [InlineData("convert")]
    public void Output_paths_are_checked_before_any_input_is_read(string kind)
    {
        // The inputs are missing, so an error about the output proves it was checked first.
        string blocker = _dir.File("blocker");
        File.WriteAllText(blocker, "a file");
        string bad = Path.Combine(blocker, "x.out");
        string missing = _dir.File("missing.txt");
        (string[] args, string option) = kind switch
        {
            "train-out" => (new[] { "lm", "train", "--text", missing, "--order", "3", "--out", bad }, "--out"),
            "train-binary" => (["lm", "train", "--text", missing, "--order", "3", "--out", _dir.File("x.arpa"), "--binary", bad], "--binary"),
            _ => (["lm", "convert", "--lm", missing, "--out", bad], "--out"),
        };
        Cli.Run(args).AssertOneLineError(option, $"'{blocker}' is a file, not a directory.");
        Assert.False(File.Exists(_dir.File("x.arpa")));
    }

    [Fact]
    public void Out_and_binary_may_not_name_the_same_file()
    {
        string path = _dir.File("m");
        Cli.Run("lm", "train", "--text", Tiny(), "--order", "3", "--out", path, "--binary", path)
            .AssertOneLineError("--out and --binary name the same file");
        Assert.False(File.Exists(path));
    }

    private static double Summary(string stderr, string label)
    {
        string line = stderr.Split('\n').Single(l => l.StartsWith(label + ":\t", StringComparison.Ordinal));
        return double.Parse(line[(label.Length + 2)..], CultureInfo.InvariantCulture);
    }

    private string DevText()
    {
        string path = _dir.File("dev.txt");
        if (!File.Exists(path))
        {
            File.WriteAllLines(path, LmFixtureFactAttribute.References("dev"));
        }

        return path;
    }

    private string Tiny()
    {
        string path = _dir.File("tiny.txt");
        File.WriteAllText(path, TinyText);
        return path;
    }

    private string TinyArpa()
    {
        string path = _dir.File("tiny.arpa");
        CliResult r = Cli.Run("lm", "train", "--text", Tiny(), "--order", "3", "--out", path);
        Assert.True(r.Code == 0, r.Stderr);
        return path;
    }
}
