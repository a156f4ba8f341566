using System.Text.Json;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Evaluation;

namespace Nko.Cli.Tests;

public class EvalCommandTests
{
    private static readonly string[] ModeKeys = ["cer", "delta_pp", "better", "same", "worse", "changed"];

    [Fact]
    public void Json_is_exactly_one_object_of_the_documented_schema()
    {
        CliResult r = Cli.Run("eval", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal(string.Empty, r.Stderr);
        using JsonDocument doc = JsonDocument.Parse(r.Stdout); // throws on anything after the object
        JsonElement root = doc.RootElement;
        Assert.Equal(["rows", "baseline", "modes"], Cli.Keys(root));
        Assert.Equal(50, root.GetProperty("rows").GetInt32());
        Assert.Equal(["cer"], Cli.Keys(root.GetProperty("baseline")));
        JsonElement modes = root.GetProperty("modes");
        Assert.Equal(CorrectionFixtures.Config.Modes.Select(m => m.Name), Cli.Keys(modes));
        foreach (JsonProperty mode in modes.EnumerateObject())
        {
            Assert.Equal(ModeKeys, Cli.Keys(mode.Value));
            Assert.Equal(JsonValueKind.Number, mode.Value.GetProperty("cer").ValueKind);
            Assert.True(mode.Value.GetProperty("better").TryGetInt32(out _));
        }

        Assert.EndsWith("}\n", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_numbers_equal_a_direct_computation_with_CerTally()
    {
        CliResult r = Cli.Run("eval", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--json");
        using JsonDocument doc = JsonDocument.Parse(r.Stdout);
        CtcDataset ds = CtcDataset.Load(Cli.Dev50);

        var baseline = new CerTally();
        foreach (CtcDatasetRow row in ds.Rows)
        {
            baseline.Add(row.Reference!, row.Hypothesis, row.Hypothesis);
        }

        Assert.Equal(baseline.Cer, doc.RootElement.GetProperty("baseline").GetProperty("cer").GetDouble());
        foreach (string mode in CorrectionFixtures.Config.Modes.Select(m => m.Name))
        {
            CorrectionResult[] results = CorrectionFixtures.Direct(ds, mode);
            var tally = new CerTally();
            for (int i = 0; i < ds.Count; i++)
            {
                tally.Add(ds.Rows[i].Reference!, ds.Rows[i].Hypothesis, results[i].Text);
            }

            JsonElement m = doc.RootElement.GetProperty("modes").GetProperty(mode);
            Assert.Equal(tally.Cer, m.GetProperty("cer").GetDouble());
            Assert.Equal(tally.DeltaPp, m.GetProperty("delta_pp").GetDouble());
            Assert.Equal(tally.Better, m.GetProperty("better").GetInt32());
            Assert.Equal(tally.Same, m.GetProperty("same").GetInt32());
            Assert.Equal(tally.Worse, m.GetProperty("worse").GetInt32());
            Assert.Equal(tally.Changed, m.GetProperty("changed").GetInt32());
            Assert.Equal(tally.Better + tally.Same + tally.Worse, tally.Changed);
        }
    }

    [Fact]
    public void Json_equals_the_table_the_library_tests_check_in()
    {
        CliResult r = Cli.Run("eval", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--json");
        Assert.Equal(File.ReadAllText(CorrectionFixtures.ExpectedEvalPath), r.Stdout);
    }

    [Fact]
    public void The_table_is_aligned_and_has_the_baseline_and_every_mode()
    {
        CliResult r = Cli.Run("eval", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath);
        Assert.Equal(0, r.Code);
        string[] lines = r.Stdout.Split('\n');
        int header = Array.FindIndex(lines, l => l.StartsWith("mode ", StringComparison.Ordinal));
        Assert.True(header > 0, r.Stdout);
        Assert.Contains("fixture-handbuilt-v1", lines[0], StringComparison.Ordinal);
        string[] table = lines[header..(header + 2 + 1 + CorrectionFixtures.Config.Modes.Length)];
        Assert.All(table, l => Assert.Equal(table[0].Length, l.Length));
        Assert.All(new[] { "threshold", "min gain", "CER", "delta pp", "better", "same", "worse", "changed" }, h => Assert.Contains(h, table[0], StringComparison.Ordinal));
        Assert.StartsWith("baseline", table[2], StringComparison.Ordinal);
        Assert.Contains("0.3898", table[2], StringComparison.Ordinal);

        // The aggressive row: CER 0.3422, -4.76 pp, 40 better, 3 same, 2 worse, 45 changed (see the checked-in table).
        string aggressive = table.Single(l => l.StartsWith("aggressive", StringComparison.Ordinal));
        Assert.Equal(["aggressive", "0.5", "-", "0.3422", "-4.76", "40", "3", "2", "45"], aggressive.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("conservative *", table.Single(l => l.StartsWith("conservative", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [DefaultConfigFact]
    public void Without_config_the_default_config_is_used()
    {
        // models/candidate_ranker_v1.json exists in this clone, so nko was built with it.
        string models = DefaultConfigFactAttribute.ModelsConfig;
        CliResult r = Cli.Run("eval", "--data", Cli.Dev50);
        Assert.Equal(0, r.Code);
        Assert.Contains("models/candidate_ranker_v1.json (built into nko)", r.Stdout, StringComparison.Ordinal);
        CliResult explicitConfig = Cli.Run("eval", "--data", Cli.Dev50, "--config", models, "--json");
        CliResult defaultConfig = Cli.Run("eval", "--data", Cli.Dev50, "--json");
        Assert.Equal(explicitConfig.Stdout, defaultConfig.Stdout);
    }

    [SharedDataFact]
    public void Eval_warns_on_stderr_when_the_data_differs_from_the_configs_training_inputs()
    {
        // The simulated-emission default on the real recogniser's dev rows: flagged; on its own kind of data: silent.
        string real = Path.GetFullPath(Path.Combine(SharedDataFactAttribute.Dev!, "..", "..", "nko-tts-asr", "dev"));
        CliResult other = Cli.Run("eval", "--data", real, "--config", DefaultConfigFactAttribute.ModelsConfig, "--json");
        Assert.Equal(0, other.Code);
        Assert.Contains("warning: these 104 rows differ from the 610 the config 'candidate_ranker_v1' was trained on: asr_score", other.Stderr, StringComparison.Ordinal);
        using (JsonDocument.Parse(other.Stdout))
        {
            // stdout stays one JSON object
        }

        CliResult same = Cli.Run("eval", "--data", SharedDataFactAttribute.Dev!, "--config", DefaultConfigFactAttribute.ModelsConfig, "--json");
        Assert.Equal(0, same.Code);
        Assert.DoesNotContain("warning", same.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_with_lm_swaps_the_configs_language_model_and_refuses_a_config_without_one()
    {
        using var dir = new CliTempDir();
        string lmPath = dir.File("other.arpa");
        var arpa = new StringWriter();
        Nko.Lm.Training.KneserNeyTrainer.TrainText(["ߊ ߓ ߊ", "ߓ ߊ ߊ"], arpa, new Nko.Lm.Training.KneserNeyOptions(3));
        File.WriteAllText(lmPath, arpa.ToString());
        string models = DefaultConfigFactAttribute.ModelsConfig;
        string tts = Path.Combine(Path.GetDirectoryName(models)!, "nko-tts", "ranker.json");
        CliResult own = Cli.Run("eval", "--data", Cli.Dev50, "--config", tts, "--json");
        CliResult swapped = Cli.Run("eval", "--data", Cli.Dev50, "--config", tts, "--lm", lmPath, "--json");
        Assert.Equal(0, own.Code);
        Assert.Equal(0, swapped.Code);
        Assert.NotEqual(own.Stdout, swapped.Stdout); // a 2-sentence LM changes what the LM features and the revision see
        Cli.Run("eval", "--data", Cli.Dev50, "--config", models, "--lm", lmPath).AssertOneLineError("--lm", "has no language model");
    }

    [Fact]
    public void A_row_without_a_reference_is_one_line_naming_the_line()
    {
        using var dir = new CliTempDir();
        Cli.CopyDev50(dir.Path, 3);
        string rows = dir.File("rows.jsonl");
        string[] lines = File.ReadAllLines(rows);
        using (JsonDocument row = JsonDocument.Parse(lines[2]))
        {
            lines[2] = "{" + string.Join(",", row.RootElement.EnumerateObject().Where(p => p.Name != "ref").Select(p => p.ToString())) + "}";
        }

        File.WriteAllLines(rows, lines);
        Cli.Run("eval", "--data", dir.Path, "--config", CorrectionFixtures.ConfigPath).AssertOneLineError($"{rows}, line 3:", "row 2", "has no \"ref\"");
    }

    [Theory]
    [InlineData("{\"asr_hyp\": 3}", "\"asr_hyp\" is missing or not a string")]
    [InlineData("{\"asr_hyp\": \"\", \"ref\": \"\", \"asr_score\": \"high\"}", "\"asr_score\" must be a finite number")]
    [InlineData("[1, 2]", "a row must be a JSON object")]
    [InlineData("{\"asr_hyp\": \"\", \"index\": 99}", "index 99 is outside")]
    [InlineData("{\"asr_hyp\": \"\"", "not valid JSON")]
    public void Malformed_dataset_rows_are_reported_with_their_line_number(string badRow, string fragment)
    {
        using var dir = new CliTempDir();
        Cli.CopyDev50(dir.Path, 4);
        string rows = dir.File("rows.jsonl");
        string[] lines = File.ReadAllLines(rows);
        lines[3] = badRow;
        File.WriteAllLines(rows, lines);
        Cli.Run("eval", "--data", dir.Path, "--config", CorrectionFixtures.ConfigPath, "--json").AssertOneLineError($"{rows}, line 4:", fragment);
    }

    [Fact]
    public void A_missing_dataset_is_one_line()
    {
        using var dir = new CliTempDir();
        string missing = dir.File("nope");
        Cli.Run("eval", "--data", missing, "--config", CorrectionFixtures.ConfigPath).AssertOneLineError($"Dataset folder '{missing}' does not exist");
    }
}
