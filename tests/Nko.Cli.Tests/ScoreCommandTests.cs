using System.Text;
using System.Text.Json;
using Nko.Ctc;
using Nko.Data;

namespace Nko.Cli.Tests;

public class ScoreCommandTests
{
    private static readonly CtcDataset Dev50 = CtcDataset.Load(Cli.Dev50);

    private static string Target(int index, string text)
    {
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("index", index);
            w.WriteString("text", text);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static string WriteTargets(CliTempDir dir, params string[] lines)
    {
        string path = dir.File("targets.jsonl");
        File.WriteAllText(path, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        return path;
    }

    [Fact]
    public void Scores_match_the_log_space_reference_and_keep_the_targets_order()
    {
        using var dir = new CliTempDir();
        // Several targets per row, rows out of order and interleaved: hypothesis, reference, empty text.
        var targets = new List<(int Row, string Text)>();
        foreach (int row in new[] { 7, 0, 42, 7, 13, 0 })
        {
            targets.Add((row, Dev50.Rows[row].Hypothesis));
            targets.Add((row, Dev50.Rows[row].Reference!));
        }

        targets.Add((3, string.Empty));
        string path = WriteTargets(dir, targets.Select(t => Target(t.Row, t.Text)).ToArray());
        string output = dir.File("scores.jsonl");
        CliResult r = Cli.Run("score", "--data", Cli.Dev50, "--targets", path, "--out", output);
        Assert.Equal(0, r.Code);
        Assert.Equal(string.Empty, r.Stderr);
        Assert.Equal(string.Empty, r.Stdout);
        List<JsonElement> lines = Cli.Lines(File.ReadAllText(output));
        Assert.Equal(targets.Count, lines.Count);
        CtcVocabulary vocab = CtcVocabulary.NkoBlankFirst;
        for (int i = 0; i < lines.Count; i++)
        {
            JsonElement e = lines[i];
            Assert.Equal(["index", "text", "logp"], Cli.Keys(e));
            Assert.Equal(targets[i].Row, e.GetProperty("index").GetInt32());
            Assert.Equal(targets[i].Text, e.GetProperty("text").GetString());
            int[] labels = vocab.Encode(targets[i].Text);
            LogProbMatrix m = Dev50.GetLogProbs(targets[i].Row);
            double reference = CtcForward.LogSpaceLogLikelihood(m, 0, labels);
            double logp = e.GetProperty("logp").GetDouble();
            Assert.True(double.IsFinite(logp));
            Assert.True(Math.Abs(logp - reference) <= 1e-9 * Math.Abs(reference), $"line {i}: {logp} vs reference {reference}");
            // Written in round-trip form: exactly the fast scorer's double.
            Assert.Equal(CtcForward.LogLikelihood(m, 0, labels), logp);
        }
    }

    [Fact]
    public void Greedy_output_is_a_valid_targets_file_and_greedy_hypotheses_are_at_least_their_best_path()
    {
        using var dir = new CliTempDir();
        string greedy = dir.File("greedy.jsonl");
        Assert.Equal(0, Cli.Run("greedy", "--data", Cli.Dev50, "--out", greedy).Code);
        CliResult r = Cli.Run("score", "--data", Cli.Dev50, "--targets", greedy);
        Assert.Equal(0, r.Code);
        List<JsonElement> scores = Cli.Lines(r.Stdout);
        List<JsonElement> best = Cli.Lines(File.ReadAllText(greedy));
        Assert.Equal(50, scores.Count);
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(best[i].GetProperty("text").GetString(), scores[i].GetProperty("text").GetString());
            Assert.True(scores[i].GetProperty("logp").GetDouble() >= best[i].GetProperty("score").GetDouble() - 1e-9);
        }
    }

    [Fact]
    public void Infeasible_targets_are_null_with_infeasible_true()
    {
        using var dir = new CliTempDir();
        string tooLong = string.Concat(Enumerable.Repeat("ߊߓ", 180)); // 360 labels, no repeats: fits in 375 frames
        string repeats = new('ߊ', 200);                          // 200 equal labels need 399 frames > 375
        string path = WriteTargets(dir, Target(0, repeats), Target(1, tooLong), Target(2, new string('ߊ', 400)));
        CliResult r = Cli.Run("score", "--data", Cli.Dev50, "--targets", path);
        Assert.Equal(0, r.Code);
        string[] raw = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"{{\"index\":0,\"text\":\"{repeats}\",\"logp\":null,\"infeasible\":true}}", raw[0]);
        List<JsonElement> lines = Cli.Lines(r.Stdout);
        Assert.Equal(["index", "text", "logp"], Cli.Keys(lines[1]));
        // Feasible but ~6600 nats below the best path: exact, not −∞ (the log-space reference agrees to rounding; the
        // scorer's exact fallback answers in probability space).
        double expected = CtcForward.LogSpaceLogLikelihood(Dev50.GetLogProbs(1), 0, CtcVocabulary.NkoBlankFirst.Encode(tooLong));
        Assert.True(double.IsFinite(expected));
        Assert.Equal(expected, lines[1].GetProperty("logp").GetDouble(), Math.Abs(expected) * 1e-12);
        Assert.Equal(JsonValueKind.Null, lines[2].GetProperty("logp").ValueKind);
        Assert.True(lines[2].GetProperty("infeasible").GetBoolean());
    }

    [Fact]
    public void Text_needing_escapes_round_trips_and_blank_lines_are_skipped()
    {
        using var dir = new CliTempDir();
        string path = WriteTargets(dir, string.Empty, Target(4, " ߊ  ߓ "), "   ", "{\"index\": 5, \"text\": \"ߒߞߏ\", \"extra\": [1, {\"a\": null}]}");
        CliResult r = Cli.Run("score", "--data", Cli.Dev50, "--targets", path);
        Assert.Equal(0, r.Code);
        List<JsonElement> lines = Cli.Lines(r.Stdout);
        Assert.Equal(2, lines.Count);
        Assert.Equal(" ߊ  ߓ ", lines[0].GetProperty("text").GetString());
        Assert.Contains("\"text\":\"ߒߞߏ\"", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_targets_file_gives_empty_output()
    {
        using var dir = new CliTempDir();
        string path = dir.File("empty.jsonl");
        File.WriteAllText(path, string.Empty);
        CliResult r = Cli.Run("score", "--data", Cli.Dev50, "--targets", path);
        Assert.Equal(0, r.Code);
        Assert.Equal(string.Empty, r.Stdout);
    }

    [Fact]
    public void Blank_last_scores_equal_blank_first_scores_of_the_same_matrices()
    {
        using var dir = new CliTempDir();
        string data = Path.Combine(dir.Path, "last");
        Cli.CopyDev50(data, 4, blankLast: true);
        string path = WriteTargets(dir, Enumerable.Range(0, 4).Select(i => Target(i, Dev50.Rows[i].Reference!)).ToArray());
        CliResult last = Cli.Run("score", "--data", data, "--targets", path, "--blank", "last");
        CliResult first = Cli.Run("score", "--data", Cli.Dev50, "--targets", path);
        Assert.Equal(0, last.Code);
        Assert.Equal(first.Stdout, last.Stdout);
    }

    [Theory]
    [InlineData("{\"index\": 0, \"text\": ", "line 3: not valid JSON")]
    [InlineData("{\"index\": 0, \"text\": \"ߊ\"} x", "line 3: not valid JSON")]
    [InlineData("[0, \"ߊ\"]", "line 3: a target must be a JSON object")]
    [InlineData("{\"text\": \"ߊ\"}", "line 3: \"index\" is missing")]
    [InlineData("{\"index\": 50, \"text\": \"ߊ\"}", "line 3: index 50 is outside the dataset's 50 rows (0..49)")]
    [InlineData("{\"index\": -1, \"text\": \"ߊ\"}", "line 3: \"index\" must be a non-negative integer, not -1")]
    [InlineData("{\"index\": 1.5, \"text\": \"ߊ\"}", "line 3: \"index\" must be a non-negative integer, not 1.5")]
    [InlineData("{\"index\": \"2\", \"text\": \"ߊ\"}", "line 3: \"index\" must be a non-negative integer, not \"2\"")]
    [InlineData("{\"index\": 99999999999, \"text\": \"ߊ\"}", "line 3: \"index\" must be a non-negative integer")]
    [InlineData("{\"index\": 2}", "line 3: \"text\" is missing or not a string")]
    [InlineData("{\"index\": 2, \"text\": [\"ߊ\"]}", "line 3: \"text\" is missing or not a string")]
    [InlineData("{\"index\": 2, \"text\": \"ߊߓx\"}", "line 3: \"text\" has character 'x' (U+0078) at position 2, which is not in the N'Ko vocabulary")]
    [InlineData("{\"index\": 2, \"text\": \"ߊ\\tߓ\"}", "line 3: \"text\" has character (U+0009) at position 1")]
    [InlineData("{\"index\": 2, \"text\": \"ߊ😀\"}", "line 3: \"text\" has character '😀' (U+1F600) at position 1")]
    [InlineData("{\"index\": 2, \"text\": \"ߊ\\ud800\"}", "line 3:")]
    [InlineData("{\"index\": 2, \"text\": \"ߊ\\u00A0ߓ\"}", "line 3: \"text\" has character (U+00A0) at position 1")]
    [InlineData("{\"index\": 2, \"text\": \"ߊ\\u200Dߓ\"}", "line 3: \"text\" has character (U+200D) at position 1")]
    [InlineData("{\"index\": 2, \"text\": \"ߊߓA\"}", "line 3: \"text\" has character 'A' (U+0041) at position 2")]
    public void Bad_target_lines_are_one_error_line_naming_the_line(string badLine, string fragment)
    {
        using var dir = new CliTempDir();
        string path = WriteTargets(dir, Target(0, "ߊ"), string.Empty, badLine, Target(1, "ߓ"));
        string output = dir.File("out.jsonl");
        CliResult r = Cli.Run("score", "--data", Cli.Dev50, "--targets", path, "--out", output);
        string line = r.AssertOneLineError(path + ", " + fragment);
        Assert.DoesNotContain("LineNumber: 0", line, StringComparison.Ordinal);
        Assert.DoesNotContain("TextNormalization", line, StringComparison.Ordinal);
        Assert.False(File.Exists(output), "no output file on error");
    }

    [Fact]
    public void Missing_targets_file_and_missing_options()
    {
        using var dir = new CliTempDir();
        string missing = dir.File("none.jsonl");
        Cli.Run("score", "--data", Cli.Dev50, "--targets", missing).AssertOneLineError($"Targets file '{missing}' does not exist");
        CliResult noTargets = Cli.Run("score", "--data", Cli.Dev50);
        Assert.Equal(1, noTargets.Code);
        Assert.Contains("--targets", noTargets.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Dataset_errors_come_before_target_errors()
    {
        using var dir = new CliTempDir();
        string path = WriteTargets(dir, "not json");
        Cli.Run("score", "--data", dir.File("nodata"), "--targets", path).AssertOneLineError("does not exist");
    }
}
