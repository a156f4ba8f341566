using System.Diagnostics;

namespace Nko.Fuzz;

/// <summary>One failure, with what it takes to replay it: the target, the seed and the iteration.</summary>
public sealed record FuzzFailure(string Target, ulong Seed, long Iteration, string Kind, string Detail)
{
    public string Repro => $"--target {Target} --seed {Seed} --iteration {Iteration}";
}

/// <summary>What a run of one target did.</summary>
public sealed class TargetReport(string target)
{
    public string Target { get; } = target;

    public long Iterations { get; set; }

    public TimeSpan Elapsed { get; set; }

    public SortedDictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);

    public List<FuzzFailure> Failures { get; } = [];
}

/// <summary>How long to run: a fixed number of iterations, a time budget per target, or one iteration (a replay).</summary>
public sealed record FuzzBudget(long? Iterations, TimeSpan? Duration, long? SingleIteration = null);

/// <summary>Runs targets iteration by iteration, each from its own generator, catching and classifying everything.</summary>
public static class FuzzRunner
{
    public static TargetReport Run(FuzzTarget target, ulong seed, FuzzBudget budget, FuzzSettings settings)
    {
        var report = new TargetReport(target.Name);
        var total = Stopwatch.StartNew();
        long first = budget.SingleIteration ?? 0;
        for (long i = first; ; i++)
        {
            if (budget.SingleIteration is { } only ? i > only
                : budget.Iterations is { } n ? i >= n
                : total.Elapsed >= budget.Duration)
            {
                break;
            }

            RunOne(target, seed, i, settings, report);
            report.Iterations++;
        }

        report.Elapsed = total.Elapsed;
        return report;
    }

    private static void RunOne(FuzzTarget target, ulong seed, long iteration, FuzzSettings settings, TargetReport report)
    {
        var context = new FuzzContext(FuzzRandom.ForIteration(seed, target.Name, iteration), settings);
        long start = Stopwatch.GetTimestamp();
        try
        {
            target.Run(context);
        }
        catch (Exception e)
        {
            // A target checks each call it makes; an exception reaching here escaped the harness's own bookkeeping.
            context.Fail($"escaped {e.GetType().Name}", FuzzContext.Describe(e));
        }

        TimeSpan took = Stopwatch.GetElapsedTime(start);
        if (took > settings.SlowIteration)
        {
            context.Fail("slow iteration", $"{took.TotalSeconds:F1} s (limit {settings.SlowIteration.TotalSeconds:F0} s)");
        }

        foreach (string outcome in context.Outcomes)
        {
            report.Outcomes[outcome] = report.Outcomes.GetValueOrDefault(outcome) + 1;
        }

        foreach ((string kind, string detail) in context.Failures)
        {
            report.Failures.Add(new FuzzFailure(target.Name, seed, iteration, kind, detail));
        }
    }

    /// <summary>Prints a target's counts and its failures grouped by class, with the first few repros of each.</summary>
    public static void Print(TargetReport report, TextWriter output, bool verbose, int reprosPerClass = 3)
    {
        int failedIterations = report.Failures.Select(f => f.Iteration).Distinct().Count();
        output.WriteLine($"{report.Target}: {report.Iterations} iterations in {report.Elapsed.TotalSeconds:F1} s, {failedIterations} failing");
        if (verbose)
        {
            foreach ((string outcome, long count) in report.Outcomes)
            {
                output.WriteLine($"    {count,8}  {outcome}");
            }
        }

        foreach (IGrouping<string, FuzzFailure> group in report.Failures.GroupBy(f => f.Kind).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"  FAIL {group.Key}: {group.Count()} times");
            foreach (FuzzFailure f in group.Take(reprosPerClass))
            {
                output.WriteLine($"    {f.Repro}  {f.Detail}");
            }
        }
    }
}
