using Nko.Data;

namespace Nko.Cli.Tests;

public class DemoCommandTests
{
    [Fact]
    public void Prints_the_table_and_five_corrected_examples()
    {
        CliResult r = Cli.Run("demo", "--config", CorrectionFixtures.ConfigPath);
        Assert.Equal(0, r.Code);
        Assert.Equal(string.Empty, r.Stderr);
        string output = r.Stdout;
        Assert.StartsWith("nko demo: correcting 50 utterances of ", output, StringComparison.Ordinal);
        Assert.Contains("default mode 'conservative'", output, StringComparison.Ordinal);
        foreach (string mode in CorrectionFixtures.Config.Modes.Select(m => m.Name))
        {
            Assert.Contains("\n" + mode, output, StringComparison.Ordinal);
        }

        Assert.Contains("5 corrected examples", output, StringComparison.Ordinal);
        string[] lines = output.Split('\n');
        Assert.Equal(5, lines.Count(l => l.StartsWith("    hypothesis  ", StringComparison.Ordinal)));
        Assert.Equal(5, lines.Count(l => l.StartsWith("    corrected   ", StringComparison.Ordinal)));
        Assert.Equal(5, lines.Count(l => l.StartsWith("    reference   ", StringComparison.Ordinal)));

        // Each example is a real row, corrected as the library corrects it, and closer to its reference.
        CtcDataset ds = CtcDataset.Load(Cli.Dev50);
        var conservative = CorrectionFixtures.Direct(ds, "conservative");
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("  row ", StringComparison.Ordinal))
            {
                continue;
            }

            int row = int.Parse(lines[i]["  row ".Length..lines[i].IndexOf(' ', "  row ".Length)], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains($"({ds.Rows[row].FeatId}), conservative: ", lines[i], StringComparison.Ordinal);
            Assert.Equal("    hypothesis  " + ds.Rows[row].Hypothesis, lines[i + 1]);
            Assert.Equal("    corrected   " + conservative[row].Text, lines[i + 2]);
            Assert.Equal("    reference   " + ds.Rows[row].Reference, lines[i + 3]);
        }
    }

    [Fact]
    public void Examples_are_the_most_improved_rows_of_the_default_mode()
    {
        CliResult r = Cli.Run("demo", "--config", CorrectionFixtures.ConfigPath, "--data", Cli.Dev50);
        string[] headers = [.. r.Stdout.Split('\n').Where(l => l.StartsWith("  row ", StringComparison.Ordinal))];
        Assert.Equal(5, headers.Length);
        int[] gains = [.. headers.Select(h =>
        {
            string[] parts = h[(h.LastIndexOf("edit distance ", StringComparison.Ordinal) + "edit distance ".Length)..].Split(" → ");
            return int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) - int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        })];
        Assert.Equal(gains.OrderDescending(), gains);
        Assert.All(gains, g => Assert.True(g > 0));
    }

    [Fact]
    public void Says_the_sample_is_calibration_data_the_examples_are_the_best_and_explains_every_column()
    {
        CliResult r = Cli.Run("demo", "--config", CorrectionFixtures.ConfigPath);
        Assert.Equal(0, r.Code);
        Assert.Contains("not a held-out estimate", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("the largest gains of the default mode (not a random sample)", r.Stdout, StringComparison.Ordinal);
        string header = r.Stdout.Split('\n').First(l => l.StartsWith("mode ", StringComparison.Ordinal));
        string legend = string.Join("\n", r.Stdout.Split('\n').SkipWhile(l => !l.StartsWith("* default mode", StringComparison.Ordinal)));
        foreach (string column in new[] { "threshold", "min gain", "CER", "delta pp", "better", "same", "worse", "changed" })
        {
            Assert.Contains(column, header, StringComparison.Ordinal);
            Assert.Contains(column, legend, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Output_is_deterministic()
    {
        Assert.Equal(Cli.Run("demo", "--config", CorrectionFixtures.ConfigPath).Stdout, Cli.Run("demo", "--config", CorrectionFixtures.ConfigPath).Stdout);
    }

    [Fact]
    public void A_missing_data_folder_is_one_line()
    {
        using var dir = new CliTempDir();
        Cli.Run("demo", "--config", CorrectionFixtures.ConfigPath, "--data", dir.File("none")).AssertOneLineError("does not exist");
    }
}
