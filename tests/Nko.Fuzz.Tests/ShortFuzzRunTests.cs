using Nko.Fuzz;

namespace Nko.Fuzz.Tests;

/// <summary>
/// The short in-suite fuzz run: every target with a fixed seed for a bounded number of iterations (a few seconds in
/// all), so inputs that once broke an invariant keep being tried. Long runs: see eng/fuzz/Nko.Fuzz/README.md.
/// </summary>
public sealed class ShortFuzzRunTests
{
    private const ulong Seed = 20260101;

    // Matrices stay inside the domain where CtcScorer documents exact results, so the reference comparison is a
    // promise the scorer makes; the command line fuzzes outside it too.
    private static readonly FuzzSettings Settings = new() { WithinScorerDomain = true, MaxFrames = 64 };

    public static TheoryData<string, int> Budgets => new()
    {
        { "scorer", 400 },
        { "pipeline", 120 },
        { "candidates", 300 },
        { "npy", 1000 },
        { "quant", 1500 },
        { "config", 60 },
    };

    [Theory]
    [MemberData(nameof(Budgets))]
    public void Target_keeps_its_invariants(string name, int iterations)
    {
        FuzzTarget target = FuzzTarget.All.Single(t => t.Name == name);

        TargetReport report = FuzzRunner.Run(target, Seed, new FuzzBudget(iterations, null), Settings);

        var text = new StringWriter();
        FuzzRunner.Print(report, text, verbose: false, reprosPerClass: 5);
        Assert.True(report.Failures.Count == 0, $"seed {Seed}:\n{text}");
        Assert.Equal(iterations, report.Iterations);
    }

    [Fact]
    public void Every_target_is_in_the_short_run() =>
        Assert.Equal(FuzzTarget.All.Select(t => t.Name).Order(), Budgets.Select(row => (string)row[0]).Order());
}
