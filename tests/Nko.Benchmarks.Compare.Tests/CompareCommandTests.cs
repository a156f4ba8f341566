using System.Text.Json.Nodes;
using Nko.Benchmarks.Compare;

namespace Nko.Benchmarks.Compare.Tests;

/// <summary>The command's exit codes (0 fine, 1 regression, 2 unusable input) and its table, on the recorded exports.</summary>
public sealed class CompareCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nko-compare-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CompareCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string[] Side(string option, string side) => [option, .. RecordedExportTests.Rounds(side)];

    [Fact]
    public void Rerun_exits_0_slowdown_exits_1()
    {
        var same = Run([.. Side("--baseline", "main-runA"), .. Side("--candidate", "main-runB")]);
        Assert.Equal(CompareCommand.Ok, same.Code);
        Assert.Contains("OK: no benchmark of 2", same.Output, StringComparison.Ordinal);

        var slow = Run([.. Side("--baseline", "main-runB"), .. Side("--candidate", "slow20")]);
        Assert.Equal(CompareCommand.Regression, slow.Code);
        string greedyLine = slow.Output.Split('\n').Single(l => l.StartsWith("Nko.Benchmarks.Ctc.GreedyDecodeBenchmarks.GreedyDecode ", StringComparison.Ordinal));
        Assert.EndsWith("SLOWER", greedyLine.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("0→0", greedyLine, StringComparison.Ordinal);
    }

    [Fact]
    public void Threshold_accepts_a_percentage()
    {
        Assert.Equal(CompareCommand.Ok, Run([.. Side("--baseline", "main-runB"), .. Side("--candidate", "slow20"), "--threshold", "30%"]).Code);
        Assert.Equal(CompareCommand.Regression, Run([.. Side("--baseline", "main-runB"), .. Side("--candidate", "slow20"), "--threshold", "0.10"]).Code);
    }

    [Fact]
    public void A_folder_is_searched_for_exports()
    {
        string baseline = Path.Combine(_dir, "base", "results");
        Directory.CreateDirectory(baseline);
        foreach (string f in RecordedExportTests.Rounds("main-runB"))
        {
            File.Copy(f, Path.Combine(baseline, Path.GetFileNameWithoutExtension(f) + "-report-full-compressed.json"));
        }

        Assert.Equal(CompareCommand.Regression, Run(["--baseline", Path.Combine(_dir, "base"), .. Side("--candidate", "slow20")]).Code);
    }

    [Fact]
    public void Unreadable_input_exits_2_with_the_reason()
    {
        string notJson = Path.Combine(_dir, "x-report-full.json");
        File.WriteAllText(notJson, "{ not json");
        var bad = Run("--baseline", notJson, "--candidate", RecordedExportTests.Fixture("greedy-main-runB-round1.json"));
        Assert.Equal(CompareCommand.BadInput, bad.Code);
        Assert.Contains("not JSON", bad.Error, StringComparison.Ordinal);

        var missing = Run("--baseline", Path.Combine(_dir, "nope.json"), "--candidate", notJson);
        Assert.Equal(CompareCommand.BadInput, missing.Code);
        Assert.Contains("no such file or folder", missing.Error, StringComparison.Ordinal);

        string emptyFolder = Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName;
        var empty = Run("--baseline", emptyFolder, "--candidate", notJson);
        Assert.Equal(CompareCommand.BadInput, empty.Code);
        Assert.Contains("--exporters json", empty.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_memory_or_measurements_exit_2()
    {
        JsonNode doc = JsonNode.Parse(File.ReadAllText(RecordedExportTests.Fixture("greedy-main-runB-round1.json")))!;
        doc["Benchmarks"]![0]!.AsObject().Remove("Memory");
        string noMemory = Path.Combine(_dir, "no-memory.json");
        File.WriteAllText(noMemory, doc.ToJsonString());
        var r = Run("--baseline", noMemory, "--candidate", RecordedExportTests.Fixture("greedy-main-runB-round2.json"));
        Assert.Equal(CompareCommand.BadInput, r.Code);
        Assert.Contains("--memory", r.Error, StringComparison.Ordinal);

        doc = JsonNode.Parse(File.ReadAllText(RecordedExportTests.Fixture("greedy-main-runB-round1.json")))!;
        doc["Benchmarks"]![1]!["Measurements"] = new JsonArray();
        string noResults = Path.Combine(_dir, "no-results.json");
        File.WriteAllText(noResults, doc.ToJsonString());
        r = Run("--baseline", noResults, "--candidate", RecordedExportTests.Fixture("greedy-main-runB-round2.json"));
        Assert.Equal(CompareCommand.BadInput, r.Code);
        Assert.Contains("no Workload/Result measurements", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpaired_benchmarks_exit_2_unless_allowed()
    {
        JsonNode doc = JsonNode.Parse(File.ReadAllText(RecordedExportTests.Fixture("greedy-main-runB-round1.json")))!;
        doc["Benchmarks"]!.AsArray().Single(b => (string?)b!["Method"] == "GreedyDecode")!["FullName"] = "Nko.Benchmarks.Ctc.GreedyDecodeBenchmarks.Renamed";
        string renamed = Path.Combine(_dir, "renamed.json");
        File.WriteAllText(renamed, doc.ToJsonString());
        var r = Run([.. Side("--baseline", "main-runA"), "--candidate", renamed]);
        Assert.Equal(CompareCommand.BadInput, r.Code);
        Assert.Contains("only in the candidate: Nko.Benchmarks.Ctc.GreedyDecodeBenchmarks.Renamed", r.Error, StringComparison.Ordinal);
        Assert.Contains("only in the baseline: Nko.Benchmarks.Ctc.GreedyDecodeBenchmarks.GreedyDecode", r.Error, StringComparison.Ordinal);

        var allowed = Run([.. Side("--baseline", "main-runA"), "--candidate", renamed, "--allow-unpaired"]);
        Assert.Equal(CompareCommand.Ok, allowed.Code);
        Assert.Contains("Renamed  only in the candidate (not compared)", allowed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_arguments_exit_2()
    {
        Assert.Equal(CompareCommand.BadInput, Run("--baseline", "x").Code);
        Assert.Equal(CompareCommand.BadInput, Run([.. Side("--baseline", "main-runA"), .. Side("--candidate", "main-runB"), "--threshold", "ten"]).Code);
        Assert.Equal(CompareCommand.BadInput, Run([.. Side("--baseline", "main-runA"), .. Side("--candidate", "main-runB"), "--alpha", "1.5"]).Code);
        Assert.Equal(CompareCommand.BadInput, Run([.. Side("--baseline", "main-runA"), .. Side("--candidate", "main-runB"), "--frobnicate"]).Code);
    }
}
