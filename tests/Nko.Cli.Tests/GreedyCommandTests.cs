using System.Text.Json;
using Nko.Ctc;
using Nko.Data;

namespace Nko.Cli.Tests;

public class GreedyCommandTests
{
    [Fact]
    public void Reproduces_asr_hyp_of_every_sample_row_with_its_best_path_score()
    {
        CliResult r = Cli.Run("greedy", "--data", Cli.Dev50);
        Assert.Equal(0, r.Code);
        Assert.Equal(string.Empty, r.Stderr);
        List<JsonElement> lines = Cli.Lines(r.Stdout);
        CtcDataset ds = CtcDataset.Load(Cli.Dev50);
        Assert.Equal(50, lines.Count);
        for (int i = 0; i < lines.Count; i++)
        {
            JsonElement e = lines[i];
            Assert.Equal(["index", "feat_id", "text", "score"], Cli.Keys(e));
            Assert.Equal(i, e.GetProperty("index").GetInt32());
            Assert.Equal(ds.Rows[i].FeatId, e.GetProperty("feat_id").GetString());
            Assert.True(ds.Rows[i].Hypothesis == e.GetProperty("text").GetString(), $"row {i}: text differs from asr_hyp");

            // The score is the best path's log score, written so that it parses back to the same double.
            LogProbMatrix m = ds.GetLogProbs(i);
            double expected = GreedyDecoder.Decode(m, 0).Score;
            Assert.Equal(expected, e.GetProperty("score").GetDouble());
            double sumOfMaxima = Enumerable.Range(0, m.Frames).Sum(t => (double)m.Row(t).ToArray().Max());
            Assert.Equal(sumOfMaxima, e.GetProperty("score").GetDouble(), 1e-9);
        }
    }

    [Fact]
    public void NKo_text_is_written_unescaped_and_lines_are_compact()
    {
        CliResult r = Cli.Run("greedy", "--data", Cli.Dev50);
        string first = r.Stdout[..r.Stdout.IndexOf('\n', StringComparison.Ordinal)];
        Assert.StartsWith("{\"index\":0,\"feat_id\":\"test_000716\",\"text\":\"ߖߟߎ ߔߏ߲ ", first, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(50, r.Stdout.Count(c => c == '\n'));
    }

    [Fact]
    public void Out_writes_the_same_bytes_to_a_file_and_nothing_to_stdout()
    {
        using var dir = new CliTempDir();
        string path = Path.Combine(dir.Path, "nested", "greedy.jsonl");
        CliResult r = Cli.Run("greedy", "--data", Cli.Dev50, "--out", path);
        Assert.Equal(0, r.Code);
        Assert.Equal(string.Empty, r.Stdout);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.False(bytes.AsSpan().StartsWith<byte>([0xEF, 0xBB, 0xBF]), "no byte order mark");
        Assert.Equal(Cli.Run("greedy", "--data", Cli.Dev50).Stdout, System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Output_is_deterministic() =>
        Assert.Equal(Cli.Run("greedy", "--data", Cli.Dev50).Stdout, Cli.Run("greedy", "--data", Cli.Dev50, "--blank", "first").Stdout);

    [Fact]
    public void Blank_last_decodes_log_probs_stored_in_the_blank_last_convention()
    {
        using var dir = new CliTempDir();
        Cli.CopyDev50(dir.Path, 6, blankLast: true);
        CliResult last = Cli.Run("greedy", "--data", dir.Path, "--blank", "last");
        Assert.Equal(0, last.Code);
        List<JsonElement> lines = Cli.Lines(last.Stdout);
        List<JsonElement> expected = Cli.Lines(Cli.Run("greedy", "--data", Cli.Dev50).Stdout).Take(6).ToList();
        Assert.Equal(expected.Select(e => e.GetRawText()), lines.Select(e => e.GetRawText()));

        // The wrong convention decodes something else.
        CliResult first = Cli.Run("greedy", "--data", dir.Path);
        Assert.Equal(0, first.Code);
        Assert.NotEqual(last.Stdout, first.Stdout);
    }

    [Fact]
    public void Missing_data_option_is_a_usage_error()
    {
        CliResult r = Cli.Run("greedy");
        Assert.Equal(1, r.Code);
        Assert.Contains("--data", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_blank_convention_is_a_usage_error()
    {
        CliResult r = Cli.Run("greedy", "--data", Cli.Dev50, "--blank", "middle");
        Assert.Equal(1, r.Code);
        Assert.Contains("middle", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("\"feat_id\":", r.Stdout, StringComparison.Ordinal); // System.CommandLine shows help, not results
    }

    [Fact]
    public void Missing_dataset_folder_is_one_line()
    {
        using var dir = new CliTempDir();
        string missing = Path.Combine(dir.Path, "nope");
        Cli.Run("greedy", "--data", missing).AssertOneLineError($"Dataset folder '{missing}' does not exist");
        Cli.Run("greedy", "--data", dir.Path).AssertOneLineError("has no rows.jsonl");
    }

    [Fact]
    public void Malformed_row_is_one_line_naming_the_line_and_no_output_file_is_written()
    {
        using var dir = new CliTempDir();
        Cli.CopyDev50(dir.Path, 3);
        string rows = dir.File("rows.jsonl");
        string[] lines = File.ReadAllLines(rows);
        lines[1] = lines[1].Replace("\"asr_hyp\"", "\"hyp\"", StringComparison.Ordinal);
        File.WriteAllLines(rows, lines);
        string output = dir.File("out.jsonl");
        Cli.Run("greedy", "--data", dir.Path, "--out", output).AssertOneLineError($"{rows}, line 2: \"asr_hyp\" is missing");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Truncated_log_probs_are_one_line()
    {
        using var dir = new CliTempDir();
        Cli.CopyDev50(dir.Path, 2);
        byte[] bytes = File.ReadAllBytes(dir.File("logprobs.npy"));
        File.WriteAllBytes(dir.File("logprobs.npy"), bytes[..^100]);
        Cli.Run("greedy", "--data", dir.Path).AssertOneLineError("logprobs.npy: Truncated .npy file");
    }

    [Fact]
    public void Wrong_class_count_is_one_line()
    {
        using var dir = new CliTempDir();
        NpyFile.Write(dir.File("logprobs.npy"), new float[2 * 4 * 5], [2, 4, 5]);
        File.WriteAllText(dir.File("rows.jsonl"), "{\"asr_hyp\": \"\"}\n");
        Cli.Run("greedy", "--data", dir.Path).AssertOneLineError("the log-probs have 5 classes; the N'Ko vocabulary has 66");
    }

    [Fact]
    public void NaN_log_probs_are_one_line_naming_the_row_frame_and_class()
    {
        using var dir = new CliTempDir();
        float[] values = Enumerable.Repeat(-4.2f, 2 * 3 * 66).ToArray();
        values[(1 * 3 * 66) + (2 * 66) + 7] = float.NaN;
        NpyFile.Write(dir.File("logprobs.npy"), values, [2, 3, 66]);
        File.WriteAllText(dir.File("rows.jsonl"), "{\"feat_id\": \"a\", \"asr_hyp\": \"\"}\n{\"feat_id\": \"b\", \"asr_hyp\": \"\"}\n");
        Cli.Run("greedy", "--data", dir.Path).AssertOneLineError("dataset row 1 (feat_id b)", "frame 2, class 7");
    }

    [Fact]
    public void Rows_that_cannot_emit_anything_score_null()
    {
        using var dir = new CliTempDir();
        float[] values = Enumerable.Repeat(float.NegativeInfinity, 3 * 66).ToArray();
        NpyFile.Write(dir.File("logprobs.npy"), values, [1, 3, 66]);
        File.WriteAllText(dir.File("rows.jsonl"), "{\"asr_hyp\": \"\"}\n");
        CliResult r = Cli.Run("greedy", "--data", dir.Path);
        Assert.Equal(0, r.Code);
        Assert.Equal("{\"index\":0,\"feat_id\":\"0\",\"text\":\"\",\"score\":null}\n", r.Stdout);
    }

    [SharedDataFact]
    public void Reproduces_asr_hyp_of_the_shared_dev_split()
    {
        string dev = SharedDataFactAttribute.Dev!;
        CliResult r = Cli.Run("greedy", "--data", dev);
        Assert.Equal(0, r.Code);
        CtcDataset ds = CtcDataset.Load(dev);
        List<JsonElement> lines = Cli.Lines(r.Stdout);
        Assert.Equal(ds.Count, lines.Count);
        Assert.All(lines, (e, i) => Assert.Equal(ds.Rows[i].Hypothesis, e.GetProperty("text").GetString()));
    }
}
