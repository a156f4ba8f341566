using Nko.Benchmarks.Compare;

namespace Nko.Benchmarks.Compare.Tests;

/// <summary>The comparer on real BenchmarkDotNet exports recorded once (Fixtures/README.md): nothing here is timed.</summary>
public class RecordedExportTests
{
    private const string Greedy = "Nko.Benchmarks.Ctc.GreedyDecodeBenchmarks.GreedyDecode";
    private const string Reference = "Nko.Benchmarks.Ctc.GreedyDecodeBenchmarks.IndexOfMaxPerRow";

    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    // Three rounds of one build, as benchmarks/compare.sh records them: "main-runA", "main-runB" (main's build, run twice)
    // or "slow20" (the injected slowdown), recorded round-robin A, slow, B.
    internal static string[] Rounds(string side) => [.. Enumerable.Range(1, 3).Select(r => Fixture($"greedy-{side}-round{r}.json"))];

    private static ComparisonReport Compare(string[] baseline, string[] candidate, ComparisonOptions? options = null) =>
        BenchmarkComparer.Compare(BenchmarkExportReader.Read(baseline), BenchmarkExportReader.Read(candidate), options ?? new ComparisonOptions());

    [Fact]
    public void Reads_both_benchmarks_with_their_result_iterations_pooled_over_rounds()
    {
        IReadOnlyDictionary<string, BenchmarkSample> one = BenchmarkExportReader.Read([Fixture("greedy-main-runA-round1.json")]);
        IReadOnlyDictionary<string, BenchmarkSample> three = BenchmarkExportReader.Read(Rounds("main-runA"));
        Assert.Equal([Greedy, Reference], three.Keys.Order(StringComparer.Ordinal));
        Assert.All(three.Values, s =>
        {
            Assert.Equal(3, s.Rounds);
            Assert.InRange(s.NanosecondsPerOperation.Count, 30, 45); // 15 iterations per round, less BenchmarkDotNet's outliers
            Assert.Equal(0, s.BytesAllocatedPerOperation);
        });
        Assert.Equal(one[Greedy].NanosecondsPerOperation, three[Greedy].NanosecondsPerOperation.Take(one[Greedy].NanosecondsPerOperation.Count));
    }

    [Fact]
    public void A_rerun_of_the_same_build_is_not_flagged()
    {
        foreach ((string a, string b) in new[] { ("main-runA", "main-runB"), ("main-runB", "main-runA") })
        {
            ComparisonReport report = Compare(Rounds(a), Rounds(b));
            Assert.False(report.HasRegression);
            Assert.All(report.Rows, r => Assert.False(r.IsSlower, $"{a} → {b}, {r.Name}: p = {r.SlowerPValue}"));
        }
    }

    [Fact]
    public void The_injected_20_percent_slowdown_is_flagged_and_only_there()
    {
        // Against run B (p = 0.004); against run A the same slow rounds are not caught (ratio 1.13, p = 0.35; Fixtures/README.md).
        ComparisonReport report = Compare(Rounds("main-runB"), Rounds("slow20"));
        Assert.True(report.HasRegression);
        BenchmarkComparison greedy = report.Rows.Single(r => r.Name == Greedy);
        Assert.True(greedy.IsSlower, $"p = {greedy.SlowerPValue}, ratio {greedy.Ratio}");
        Assert.Equal("SLOWER", greedy.Verdict);
        Assert.InRange(greedy.Ratio, 1.15, 1.30); // +20% work
        Assert.False(report.Rows.Single(r => r.Name == Reference).IsRegression);
    }

    [Fact]
    public void The_slowdown_is_not_flagged_with_a_threshold_above_it()
    {
        ComparisonReport report = Compare(Rounds("main-runB"), Rounds("slow20"), new ComparisonOptions { Threshold = 0.30 });
        Assert.False(report.HasRegression);
    }

    [Fact]
    public void The_injected_allocation_is_flagged()
    {
        ComparisonReport report = Compare(Rounds("main-runA"), [Fixture("greedy-alloc.json")]);
        BenchmarkComparison greedy = report.Rows.Single(r => r.Name == Greedy);
        Assert.True(greedy.AllocatesMore);
        Assert.Equal(0, greedy.Baseline.BytesAllocatedPerOperation);
        Assert.Equal(24, greedy.Candidate.BytesAllocatedPerOperation);
        Assert.Contains("ALLOCATES", greedy.Verdict, StringComparison.Ordinal);
        Assert.True(report.HasRegression);
        Assert.False(report.Rows.Single(r => r.Name == Reference).AllocatesMore);
    }

    [Fact]
    public void An_allocation_in_one_round_only_is_a_stray_and_not_flagged()
    {
        // Minimum over rounds: greedy-alloc.json (24 B/op) pooled with two clean rounds reads as 0.
        ComparisonReport report = Compare(
            Rounds("main-runA"), [Fixture("greedy-alloc.json"), Fixture("greedy-main-runB-round2.json"), Fixture("greedy-main-runB-round3.json")]);
        Assert.Equal(0, report.Rows.Single(r => r.Name == Greedy).Candidate.BytesAllocatedPerOperation);
        Assert.False(report.HasRegression);
    }

    [Fact]
    public void The_same_export_twice_counts_once()
    {
        IReadOnlyDictionary<string, BenchmarkSample> twice = BenchmarkExportReader.Read([Fixture("greedy-main-runB-round1.json"), Fixture("greedy-main-runB-round1.json")]);
        Assert.Equal(1, twice[Greedy].Rounds);
        Assert.Equal(BenchmarkExportReader.Read([Fixture("greedy-main-runB-round1.json")])[Greedy].NanosecondsPerOperation.Count, twice[Greedy].NanosecondsPerOperation.Count);
    }
}
