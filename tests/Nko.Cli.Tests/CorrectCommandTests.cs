using System.Buffers;
using System.Text;
using System.Text.Json;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker;

namespace Nko.Cli.Tests;

public class CorrectCommandTests
{
    private static readonly string[] Keys = ["index", "feat_id", "asr_hyp", "text", "decision", "edits"];
    private static readonly string[] EditKeys = ["op", "position", "label", "description", "probability", "ctc_gain", "round", "source"];

    [Fact]
    public void Writes_one_line_per_row_equal_to_the_library()
    {
        using var dir = new CliTempDir();
        string output = dir.File("out.jsonl");
        CliResult r = Cli.Run("correct", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--out", output);
        Assert.Equal(0, r.Code);
        Assert.Equal(string.Empty, r.Stdout);
        Assert.Equal(string.Empty, r.Stderr);

        CtcDataset ds = CtcDataset.Load(Cli.Dev50);
        CorrectionResult[] expected = CorrectionFixtures.Direct(ds);
        List<JsonElement> lines = Cli.Lines(File.ReadAllText(output, Encoding.UTF8));
        Assert.Equal(ds.Count, lines.Count);
        Assert.Contains(expected, e => e.Decision == CorrectionDecision.Corrected);
        for (int i = 0; i < lines.Count; i++)
        {
            JsonElement line = lines[i];
            CorrectionResult want = expected[i];
            Assert.Equal(Keys, Cli.Keys(line));
            Assert.Equal(i, line.GetProperty("index").GetInt32());
            Assert.Equal(ds.Rows[i].FeatId, line.GetProperty("feat_id").GetString());
            Assert.Equal(ds.Rows[i].Hypothesis, line.GetProperty("asr_hyp").GetString());
            Assert.Equal(want.Text, line.GetProperty("text").GetString());
            Assert.Equal(want.Decision == CorrectionDecision.Copy ? "COPY" : "CORRECTED", line.GetProperty("decision").GetString());
            JsonElement[] edits = [.. line.GetProperty("edits").EnumerateArray()];
            Assert.Equal(want.Edits.Length, edits.Length);
            for (int k = 0; k < edits.Length; k++)
            {
                AppliedEdit e = want.Edits[k];
                Assert.Equal(EditKeys, Cli.Keys(edits[k]));
                Assert.Equal(e.Edit.Kind switch { EditKind.Substitute => "SUB", EditKind.Delete => "DEL", _ => "INS" }, edits[k].GetProperty("op").GetString());
                Assert.Equal(e.Edit.Position, edits[k].GetProperty("position").GetInt32());
                if (e.Edit.Kind == EditKind.Delete)
                {
                    Assert.Equal(JsonValueKind.Null, edits[k].GetProperty("label").ValueKind);
                }
                else
                {
                    Assert.Equal(CorrectionFixtures.Config.Vocabulary.GetSymbol(e.Edit.Label).ToString(), edits[k].GetProperty("label").GetString());
                }

                Assert.Equal(e.Description, edits[k].GetProperty("description").GetString());
                Assert.Equal(e.Probability, edits[k].GetProperty("probability").GetDouble()); // round-trip: the same bits
                Assert.Equal(e.CtcGain, edits[k].GetProperty("ctc_gain").GetDouble());
                Assert.Equal(e.Round, edits[k].GetProperty("round").GetInt32());
            }
        }
    }

    [Fact]
    public void Every_mode_matches_the_library_expectations_checked_in_on_dev50()
    {
        var expected = File.ReadAllLines(CorrectionFixtures.ExpectedOutputsPath)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .ToLookup(e => e.GetProperty("mode").GetString()!);
        foreach (string mode in CorrectionFixtures.Config.Modes.Select(m => m.Name))
        {
            CliResult r = Cli.Run("correct", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--mode", mode, "--out", "-");
            Assert.Equal(0, r.Code);
            List<JsonElement> lines = Cli.Lines(r.Stdout);
            JsonElement[] want = [.. expected[mode]];
            Assert.Equal(want.Length, lines.Count);
            for (int i = 0; i < lines.Count; i++)
            {
                Assert.Equal(want[i].GetProperty("text").GetString(), lines[i].GetProperty("text").GetString());
                Assert.Equal(want[i].GetProperty("decision").GetString(), lines[i].GetProperty("decision").GetString());
                Assert.Equal(
                    want[i].GetProperty("edits").EnumerateArray().Select(e => e.GetProperty("description").GetString()),
                    lines[i].GetProperty("edits").EnumerateArray().Select(e => e.GetProperty("description").GetString()));
            }
        }
    }

    [Fact]
    public void Output_is_byte_identical_across_runs_and_to_a_sequential_run()
    {
        CliResult first = Cli.Run("correct", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--mode", "aggressive", "--out", "-");
        CliResult second = Cli.Run("correct", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--mode", "aggressive", "--out", "-");
        Assert.Equal(first.Stdout, second.Stdout);

        CtcDataset ds = CtcDataset.Load(Cli.Dev50);
        var pipeline = new CorrectionPipeline(CorrectionFixtures.Config);
        foreach (int threads in new[] { 1, 3, 16 })
        {
            var buffer = new ArrayBufferWriter<byte>();
            Commands.CorrectCommand.Write(ds, DatasetCorrection.CorrectAll(ds, pipeline, CorrectionFixtures.Config.GetMode("aggressive"), threads), CorrectionFixtures.Config.Vocabulary, buffer);
            Assert.Equal(first.Stdout, Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
    }

    [Fact]
    public void NKo_and_edit_descriptions_are_written_unescaped()
    {
        CliResult r = Cli.Run("correct", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--mode", "aggressive", "--out", "-");
        Assert.Contains("'→'", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", r.Stdout, StringComparison.Ordinal);
        Assert.Contains(CtcDataset.Load(Cli.Dev50).Rows[0].Hypothesis, r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_mode_is_the_configs()
    {
        CliResult implicitMode = Cli.Run("correct", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--out", "-");
        CliResult explicitMode = Cli.Run("correct", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--mode", CorrectionFixtures.Config.DefaultMode, "--out", "-");
        Assert.Equal(explicitMode.Stdout, implicitMode.Stdout);
    }

    [Fact]
    public void Unknown_mode_is_one_line_listing_the_modes()
    {
        using var dir = new CliTempDir();
        string output = dir.File("out.jsonl");
        Cli.Run("correct", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--mode", "turbo", "--out", output)
            .AssertOneLineError("Unknown mode 'turbo'", "aggressive, balanced, conservative, preservation");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Out_is_required()
    {
        CliResult r = Cli.Run("correct", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath);
        Assert.NotEqual(0, r.Code);
        Assert.Contains("--out", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_config_is_one_line_naming_the_file_and_the_JSON_path()
    {
        using var dir = new CliTempDir();
        string config = dir.File("bad.json");
        File.WriteAllText(config, File.ReadAllText(CorrectionFixtures.ConfigPath).Replace("\"threshold\": 0.75", "\"threshold\": 7.5", StringComparison.Ordinal));
        Cli.Run("correct", "--data", Cli.Dev50, "--config", config, "--out", "-").AssertOneLineError(config, "$.modes[1].threshold", "7.5 is outside [0, 1]");
        Cli.Run("correct", "--data", Cli.Dev50, "--config", dir.File("missing.json"), "--out", "-").AssertOneLineError("missing.json", "does not exist");
    }

    [Fact]
    public void A_hypothesis_outside_the_vocabulary_is_one_line_naming_the_line_of_rows_jsonl()
    {
        using var dir = new CliTempDir();
        Cli.CopyDev50(dir.Path, 4);
        string rows = dir.File("rows.jsonl");
        string[] lines = File.ReadAllLines(rows);
        CtcDataset original = CtcDataset.Load(Cli.Dev50);
        lines[2] = lines[2].Replace(original.Rows[2].Hypothesis, original.Rows[2].Hypothesis[..3] + "x" + original.Rows[2].Hypothesis[3..], StringComparison.Ordinal);
        File.WriteAllLines(rows, ["", .. lines]); // a blank first line: row 2 is on line 4
        string output = dir.File("out.jsonl");
        Cli.Run("correct", "--data", dir.Path, "--config", CorrectionFixtures.ConfigPath, "--out", output)
            .AssertOneLineError($"{rows}, line 4:", "row 2", "\"asr_hyp\" has character 'x' (U+0078) at position 3");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_malformed_row_is_one_line_naming_the_line()
    {
        using var dir = new CliTempDir();
        Cli.CopyDev50(dir.Path, 3);
        string rows = dir.File("rows.jsonl");
        string[] lines = File.ReadAllLines(rows);
        lines[1] = lines[1][..^5];
        File.WriteAllLines(rows, lines);
        Cli.Run("correct", "--data", dir.Path, "--config", CorrectionFixtures.ConfigPath, "--out", "-").AssertOneLineError($"{rows}, line 2: not valid JSON");
    }

    [Fact]
    public void NaN_log_probs_are_one_line_naming_the_row()
    {
        using var dir = new CliTempDir();
        Cli.CopyDev50(dir.Path, 3);
        NpyArray npy = NpyFile.Read(dir.File("logprobs.npy"));
        Half[] values = npy.ToHalfArray();
        values[(2 * 375 * 66) + (7 * 66) + 5] = Half.NaN;
        NpyFile.Write(dir.File("logprobs.npy"), values, [3, 375, 66]);
        Cli.Run("correct", "--data", dir.Path, "--config", CorrectionFixtures.ConfigPath, "--out", "-").AssertOneLineError("row 2", "frame 7, class 5");
    }
}
