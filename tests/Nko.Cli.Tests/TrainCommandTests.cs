using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Nko.Data;
using Nko.Ranker.Configuration;

namespace Nko.Cli.Tests;

/// <summary><c>nko train</c> run in-process on tiny splits of samples/dev50 (rows 0..29 train, 30..49 dev).</summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nko-train-tests-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void Train_with_lm_text_writes_a_schema_3_config_and_its_lm_that_eval_uses()
    {
        string train = Split("train", 0, 30), dev = Split("dev", 30, 20);
        string text = Path.Combine(_dir, "text.txt");
        File.WriteAllLines(text, File.ReadLines(Path.Combine(train, "rows.jsonl")).Take(20).Select(l => JsonNode.Parse(l)!["ref"]!.GetValue<string>()));
        string config = Path.Combine(_dir, "lm", "ranker.json");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        (int code, string stdout, string stderr) = Run("train", "--train", train, "--dev", dev, "--out", config, "--lm-text", text, "--lm-order", "4", "--lm-folds", "2", "--name", "lm_test");
        Assert.True(code == 0, stderr);
        Assert.Contains("cross-fitted rows: train 20 of 30, dev 0 of 20", stdout, StringComparison.Ordinal);
        RankerConfig loaded = RankerConfig.Load(config);
        Assert.Equal(3, loaded.Schema);
        Assert.NotNull(loaded.BeamRevision);
        Assert.NotNull(loaded.InputProfile);
        Assert.Equal("lm_test", loaded.Name);
        Assert.Equal(new LanguageModelReference("ranker.nkolm", LanguageModelReference.HashOf(File.ReadAllBytes(Path.Combine(_dir, "lm", "ranker.nkolm"))), 4), loaded.LanguageModelReference);
        (code, stdout, stderr) = Run("eval", "--data", dev, "--config", config, "--json");
        Assert.True(code == 0, stderr);
        JsonNode report = JsonNode.Parse(stdout)!;
        foreach (ModeMetrics m in loaded.Provenance.DevModes)
        {
            Assert.Equal(m.Worse, report["modes"]![m.Mode]!["worse"]!.GetValue<int>());
            Assert.Equal(m.Changed, report["modes"]![m.Mode]!["changed"]!.GetValue<int>());
        }

        string plain = Path.Combine(_dir, "plain", "ranker.json");
        Directory.CreateDirectory(Path.GetDirectoryName(plain)!);
        (code, _, stderr) = Run("train", "--train", train, "--dev", dev, "--out", plain, "--lm-text", text, "--lm-order", "4", "--lm-folds", "2", "--no-beam-revision");
        Assert.True(code == 0, stderr);
        Assert.Equal(2, RankerConfig.Load(plain).Schema);
    }

    [Fact]
    public void Train_with_folds_prints_every_modes_held_out_table_and_its_spread()
    {
        string train = Split("train", 0, 30), dev = Split("dev", 30, 20);
        string config = Path.Combine(_dir, "cv", "ranker.json");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        (int code, string stdout, string stderr) = Run("train", "--train", train, "--dev", dev, "--out", config, "--folds", "2");
        Assert.True(code == 0, stderr);
        Assert.Contains("cross-validation: 2 folds by sentence, 30 held-out rows", stdout, StringComparison.Ordinal);
        foreach (OperatingMode mode in RankerConfig.Load(config).Modes)
        {
            Assert.Contains(mode.Name + " ", stdout.Split('\n').Single(l => l.StartsWith(mode.Name + " ", StringComparison.Ordinal) && l.Contains("held out", StringComparison.Ordinal)), StringComparison.Ordinal);
        }

        (code, _, stderr) = Run("train", "--train", train, "--dev", dev, "--out", config, "--folds", "1");
        Assert.Equal(1, code);
        Assert.Contains("--folds must be at least 2", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_writes_a_loadable_config_a_report_folder_and_the_feature_csv()
    {
        string train = Split("train", 0, 30), dev = Split("dev", 30, 20);
        string config = Path.Combine(_dir, "out", "ranker.json");
        string report = Path.Combine(_dir, "report");
        string csv = Path.Combine(_dir, "features.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        (int code, string stdout, string stderr) = Run("train", "--train", train, "--dev", dev, "--out", config, "--report", report, "--dump-features", csv);
        Assert.True(code == 0, stderr);

        // Progress goes to a terminal only: with stderr captured, nothing is written there.
        Assert.Equal(string.Empty, stderr);

        // The config loads, has the four calibrated modes and records the dev tables the command printed.
        RankerConfig loaded = RankerConfig.Load(config);
        Assert.Equal(["aggressive", "balanced", "conservative", "preservation"], loaded.Modes.Select(m => m.Name));
        Assert.Equal("conservative", loaded.DefaultMode);
        Assert.Equal(30, loaded.Provenance.TrainRows);
        Assert.Equal(20, loaded.Provenance.DevRows);
        Assert.Equal(File.ReadAllBytes(config), loaded.ToUtf8Json());
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"examples {loaded.Provenance.TrainingExamples} ({loaded.Provenance.PositiveExamples} positive)"), lines[0], StringComparison.Ordinal);
        Assert.Equal(2 + loaded.Modes.Length, lines.Length);
        foreach (ModeMetrics m in loaded.Provenance.DevModes)
        {
            Assert.Contains(lines, l => l.StartsWith(m.Mode + " ", StringComparison.Ordinal) && l.Contains(string.Create(CultureInfo.InvariantCulture, $"better/same/worse {m.Better}/{m.Same}/{m.Worse}"), StringComparison.Ordinal));
        }

        // The report: a Markdown summary that shows the plot, and the plot itself.
        string readme = File.ReadAllText(Path.Combine(report, "README.md"));
        Assert.StartsWith("# Training report: candidate_ranker_v1", readme, StringComparison.Ordinal);
        Assert.Contains("![threshold sweep](sweep.png)", readme, StringComparison.Ordinal);
        Assert.Contains("| conservative |", readme, StringComparison.Ordinal);
        byte[] png = File.ReadAllBytes(Path.Combine(report, "sweep.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(1200, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(900, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.True(png.Length > 20_000, $"sweep.png is only {png.Length} bytes");

        // The CSV: header = the config's features in order, then label; one row per training example.
        string[] rows = File.ReadAllLines(csv);
        Assert.Equal([.. loaded.Features, "label"], rows[0].Split(','));
        Assert.Equal(loaded.Provenance.TrainingExamples, rows.Length - 1);
        int positives = 0;
        foreach (string row in rows.Skip(1))
        {
            string[] cells = row.Split(',');
            Assert.Equal(loaded.Features.Length + 1, cells.Length);
            Assert.All(cells[..^1], c => Assert.True(double.IsFinite(double.Parse(c, NumberStyles.Float, CultureInfo.InvariantCulture)), c));
            Assert.Contains(cells[^1], (string[])["0", "1"]);
            positives += cells[^1] == "1" ? 1 : 0;
        }

        Assert.Equal(loaded.Provenance.PositiveExamples, positives);
    }

    [Fact]
    public void Generator_bounds_default_to_the_trainers_and_can_be_set()
    {
        string train = Split("train", 0, 30), dev = Split("dev", 30, 20);
        string byDefault = Path.Combine(_dir, "default.json"), bounded = Path.Combine(_dir, "bounded.json");
        Assert.Equal(0, Run("train", "--train", train, "--dev", dev, "--out", byDefault).Code);
        Assert.Equal(0, Run("train", "--train", train, "--dev", dev, "--out", bounded, "--max-candidates", "40", "--top-k", "3", "--min-count", "1", "--shortlist", "12").Code);
        string all = Path.Combine(_dir, "all.json");
        Assert.Equal(0, Run("train", "--train", train, "--dev", dev, "--out", all, "--shortlist", "all").Code);

        var defaults = new Nko.Ranker.Training.TrainerOptions().Generator;
        Nko.Candidates.GeneratorOptions written = RankerConfig.Load(byDefault).Generator;
        Assert.Equal((defaults.MaxCandidates, defaults.TopKPerLabel, defaults.MinCount, defaults.Shortlist), (written.MaxCandidates, written.TopKPerLabel, written.MinCount, written.Shortlist));
        written = RankerConfig.Load(bounded).Generator;
        Assert.Equal((40, 3, 1, (int?)12), (written.MaxCandidates, written.TopKPerLabel, written.MinCount, written.Shortlist));
        Assert.Null(RankerConfig.Load(all).Generator.Shortlist);
    }

    [Theory]
    [InlineData("--max-candidates", "0")]
    [InlineData("--max-candidates", "65537")]
    [InlineData("--top-k", "0")]
    [InlineData("--min-count", "0")]
    [InlineData("--shortlist", "0")]
    [InlineData("--shortlist", "70000")]
    public void A_generator_bound_out_of_range_is_a_one_line_error_naming_the_option(string option, string value)
    {
        string train = Split("train", 0, 3), dev = Split("dev", 30, 2);
        string line = AssertOneLineError(Run("train", "--train", train, "--dev", dev, "--out", Path.Combine(_dir, "x.json"), option, value));
        Assert.Contains(option + " must be between 1 and", line, StringComparison.Ordinal);
        Assert.Contains("(got " + value + ")", line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.json")));
    }

    [Fact]
    public void A_shortlist_that_is_not_a_number_is_a_one_line_error()
    {
        string train = Split("train", 0, 3), dev = Split("dev", 30, 2);
        string line = AssertOneLineError(Run("train", "--train", train, "--dev", dev, "--out", Path.Combine(_dir, "x.json"), "--shortlist", "many"));
        Assert.Contains("--shortlist must be a whole number", line, StringComparison.Ordinal);
        Assert.Contains("'all'", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_without_a_reference_is_a_one_line_error_naming_the_row()
    {
        string train = Split("train", 0, 30, edit: (i, row) =>
        {
            if (i == 2)
            {
                row.Remove("ref");
            }
        });
        string dev = Split("dev", 30, 20);
        string line = AssertOneLineError(Run("train", "--train", train, "--dev", dev, "--out", Path.Combine(_dir, "x.json")));
        Assert.Contains("row 2", line, StringComparison.Ordinal);
        Assert.Contains("\"ref\"", line, StringComparison.Ordinal);
        Assert.Contains(Rows[2]["feat_id"]!.GetValue<string>(), line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.json")));
    }

    [Fact]
    public void Out_of_vocabulary_text_is_a_one_line_error_naming_the_split_row_and_field()
    {
        string train = Split("train", 0, 30);
        string dev = Split("dev", 30, 20, edit: (i, row) =>
        {
            if (i == 4)
            {
                row["asr_hyp"] = row["asr_hyp"]!.GetValue<string>() + "Q";
            }
        });
        string line = AssertOneLineError(Run("train", "--train", train, "--dev", dev, "--out", Path.Combine(_dir, "x.json")));
        Assert.Contains($"dev row 4 ({Rows[34]["feat_id"]!.GetValue<string>()}) hypothesis", line, StringComparison.Ordinal);
        Assert.Contains("'Q'", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_probs_with_the_wrong_class_count_are_a_one_line_error()
    {
        string train = Split("train", 0, 3, classes: 65);
        string dev = Split("dev", 30, 20);
        string line = AssertOneLineError(Run("train", "--train", train, "--dev", dev, "--out", Path.Combine(_dir, "x.json")));
        Assert.Contains("65 classes", line, StringComparison.Ordinal);
        Assert.Contains("logprobs.npy", line, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_or_missing_split_is_a_one_line_error()
    {
        string train = Split("train", 0, 30);
        string empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);
        NpyFile.Write(Path.Combine(empty, "logprobs.npy"), ReadOnlySpan<Half>.Empty, [0, 375, 66]);
        File.WriteAllText(Path.Combine(empty, "rows.jsonl"), string.Empty);
        string line = AssertOneLineError(Run("train", "--train", train, "--dev", empty, "--out", Path.Combine(_dir, "x.json")));
        Assert.Contains("rows.jsonl", line, StringComparison.Ordinal);

        line = AssertOneLineError(Run("train", "--train", Path.Combine(_dir, "nowhere"), "--dev", train, "--out", Path.Combine(_dir, "x.json")));
        Assert.Contains("nowhere", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Hypotheses_equal_to_their_references_are_rejected_as_one_class()
    {
        string train = Split("train", 0, 10, edit: (_, row) => row["asr_hyp"] = row["ref"]!.GetValue<string>());
        string dev = Split("dev", 30, 5);
        string line = AssertOneLineError(Run("train", "--train", train, "--dev", dev, "--out", Path.Combine(_dir, "x.json")));
        Assert.Contains("all one class", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_required_options_are_required()
    {
        (int code, _, string stderr) = Run("train", "--train", Split("train", 0, 3));
        Assert.NotEqual(0, code);
        Assert.Contains("--dev", stderr, StringComparison.Ordinal);
        Assert.Contains("--out", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.json")));
    }

    private static string SamplesDev50
    {
        get
        {
            for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Nko.sln")))
                {
                    return Path.Combine(dir.FullName, "samples", "dev50");
                }
            }

            throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Nko.sln.");
        }
    }

    private static JsonObject[] Rows => field ??= [.. File.ReadLines(Path.Combine(SamplesDev50, "rows.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject())];

    private static Half[] LogProbs => field ??= NpyFile.Read(Path.Combine(SamplesDev50, "logprobs.npy")).ToHalfArray();

    /// <summary>Writes rows [start, start + count) of dev50 as a dataset folder (indices renumbered), optionally editing rows or dropping the last class.</summary>
    private string Split(string name, int start, int count, Action<int, JsonObject>? edit = null, int classes = 66)
    {
        const int T = 375, C = 66;
        string dir = Path.Combine(_dir, name);
        Directory.CreateDirectory(dir);
        Half[] data = new Half[count * T * classes];
        for (int f = 0; f < count * T; f++)
        {
            LogProbs.AsSpan(((start * T) + f) * C, classes).CopyTo(data.AsSpan(f * classes, classes));
        }

        NpyFile.Write(Path.Combine(dir, "logprobs.npy"), data, [count, T, classes]);
        var lines = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            JsonObject row = (JsonObject)Rows[start + i].DeepClone();
            row["index"] = i;
            edit?.Invoke(i, row);
            lines.Append(row.ToJsonString()).Append('\n');
        }

        File.WriteAllText(Path.Combine(dir, "rows.jsonl"), lines.ToString(), new UTF8Encoding(false));
        return dir;
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string AssertOneLineError((int Code, string Stdout, string Stderr) r)
    {
        Assert.True(r.Code == 1, $"exit code {r.Code}; stderr: {r.Stderr}");
        Assert.Equal(string.Empty, r.Stdout);
        string[] lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{r.Stderr}");
        Assert.StartsWith("nko: error: ", lines[0], StringComparison.Ordinal);
        return lines[0];
    }
}
