using System.Text.Json;

namespace Nko.Cli.Tests;

public sealed class CompareCommandTests : IDisposable
{
    private static readonly string[] RequiredKeys = ["rows", "a", "b", "delta_pp", "ci95", "sign_test_p", "better", "same", "worse"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nko-compare-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static CliResult Compare(params string[] extra) =>
        Cli.Run(["compare", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, .. extra]);

    [Fact]
    public void Json_is_one_object_whose_CERs_equal_nko_eval_and_whose_interval_contains_the_difference()
    {
        CliResult r = Compare("--mode", "conservative", "--mode", "aggressive", "--json");
        Assert.Equal(0, r.Code);
        using JsonDocument doc = JsonDocument.Parse(r.Stdout);
        JsonElement root = doc.RootElement;
        Assert.All(RequiredKeys, k => Assert.True(root.TryGetProperty(k, out _), k));
        Assert.Equal(50, root.GetProperty("rows").GetInt32());
        Assert.Equal(CorrectionFixtures.Config.Name, root.GetProperty("a").GetProperty("name").GetString());
        Assert.Equal("conservative", root.GetProperty("a").GetProperty("mode").GetString());
        Assert.Equal("aggressive", root.GetProperty("b").GetProperty("mode").GetString());

        using JsonDocument eval = JsonDocument.Parse(Cli.Run("eval", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--json").Stdout);
        JsonElement modes = eval.RootElement.GetProperty("modes");
        Assert.Equal(modes.GetProperty("conservative").GetProperty("cer").GetDouble(), root.GetProperty("a").GetProperty("cer").GetDouble());
        Assert.Equal(modes.GetProperty("aggressive").GetProperty("cer").GetDouble(), root.GetProperty("b").GetProperty("cer").GetDouble());

        double delta = root.GetProperty("delta_pp").GetDouble();
        long refChars = root.GetProperty("ref_chars").GetInt64();
        long errorsA = root.GetProperty("a").GetProperty("errors").GetInt64(), errorsB = root.GetProperty("b").GetProperty("errors").GetInt64();
        Assert.Equal(100.0 * (errorsB - errorsA) / refChars, delta);
        double[] ci = [.. root.GetProperty("ci95").EnumerateArray().Select(e => e.GetDouble())];
        Assert.Equal(2, ci.Length);
        Assert.True(ci[0] <= delta && delta <= ci[1]);
        Assert.Equal(50, root.GetProperty("better").GetInt32() + root.GetProperty("same").GetInt32() + root.GetProperty("worse").GetInt32());
        Assert.InRange(root.GetProperty("sign_test_p").GetDouble(), 0, 1);
        Assert.Equal(10_000, root.GetProperty("bootstrap").GetProperty("resamples").GetInt32());
        Assert.Equal(r.Stdout, Compare("--mode", "conservative", "--mode", "aggressive", "--json").Stdout);
    }

    [Fact]
    public void A_config_against_itself_gives_zero_the_interval_0_0_and_p_1()
    {
        CliResult r = Cli.Run("compare", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--config", CorrectionFixtures.ConfigPath, "--json");
        Assert.Equal(0, r.Code);
        using JsonDocument doc = JsonDocument.Parse(r.Stdout);
        JsonElement root = doc.RootElement;
        Assert.Equal(0.0, root.GetProperty("delta_pp").GetDouble());
        Assert.Equal([0.0, 0.0], root.GetProperty("ci95").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(1.0, root.GetProperty("sign_test_p").GetDouble());
        Assert.Equal(50, root.GetProperty("same").GetInt32());
        Assert.Equal(0, root.GetProperty("most_improved").GetArrayLength());
    }

    [Fact]
    public void Swapping_the_modes_negates_the_difference_and_mirrors_the_interval()
    {
        using JsonDocument ab = JsonDocument.Parse(Compare("--mode", "conservative", "--mode", "aggressive", "--json").Stdout);
        using JsonDocument ba = JsonDocument.Parse(Compare("--mode", "aggressive", "--mode", "conservative", "--json").Stdout);
        Assert.Equal(-ab.RootElement.GetProperty("delta_pp").GetDouble(), ba.RootElement.GetProperty("delta_pp").GetDouble());
        double[] ciAb = [.. ab.RootElement.GetProperty("ci95").EnumerateArray().Select(e => e.GetDouble())];
        double[] ciBa = [.. ba.RootElement.GetProperty("ci95").EnumerateArray().Select(e => e.GetDouble())];
        Assert.Equal([-ciAb[1], -ciAb[0]], ciBa);
        Assert.Equal(ab.RootElement.GetProperty("better").GetInt32(), ba.RootElement.GetProperty("worse").GetInt32());
        Assert.Equal(ab.RootElement.GetProperty("sign_test_p").GetDouble(), ba.RootElement.GetProperty("sign_test_p").GetDouble());
    }

    [Fact]
    public void The_text_report_names_the_configs_and_the_report_folder_has_a_summary_and_a_png()
    {
        string report = Path.Combine(_dir.FullName, "report");
        CliResult r = Compare("--mode", "conservative", "--mode", "aggressive", "--report", report);
        Assert.Equal(0, r.Code);
        Assert.Contains($"A: config '{CorrectionFixtures.Config.Name}', mode conservative", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("95% CI [", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("sign test p = ", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("**B − A: ", File.ReadAllText(Path.Combine(report, "README.md")), StringComparison.Ordinal);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(report, "compare.png")).Take(4));
    }

    [Theory]
    [InlineData(new[] { "--mode", "conservative" }, "needs two systems")]
    [InlineData(new string[0], "needs two systems")]
    [InlineData(new[] { "--mode", "a", "--mode", "b", "--mode", "c" }, "at most two")]
    [InlineData(new[] { "--mode", "conservative", "--mode", "nope" }, "nope")]
    [InlineData(new[] { "--mode", "conservative", "--mode", "aggressive", "--resamples", "100" }, "--resamples")]
    public void Bad_systems_are_one_error_line(string[] extra, string fragment) => Compare(extra).AssertOneLineError(fragment);
}
