using BenchmarkDotNet.Reports;

namespace Nko.Benchmarks;

/// <summary>The process exit code of a BenchmarkDotNet run: non-zero when it measured nothing or any benchmark failed.</summary>
internal static class BenchmarkOutcome
{
    /// <summary>Arguments that only print information (no benchmark is expected to run).</summary>
    private static readonly string[] InfoArguments = ["--list", "--help", "-h", "-?", "--version", "--info"];

    /// <summary>
    /// 0 when every benchmark of every summary built, ran and produced measurements; 1 (with a line on
    /// <paramref name="error"/>) when nothing ran (e.g. a filter that matches nothing, or the toolchain failed before any
    /// report), a summary has critical validation errors, or a report has no results (build or run failure).
    /// </summary>
    public static int ExitCode(string[] args, Summary[] summaries, TextWriter error)
    {
        if (args.Any(a => InfoArguments.Contains(a, StringComparer.OrdinalIgnoreCase)))
        {
            return 0;
        }

        if (summaries.Length == 0 || summaries.All(s => s.Reports.IsEmpty))
        {
            error.WriteLine("Nko.Benchmarks: BenchmarkDotNet ran no benchmark (no filter match, or the build/toolchain failed before any report).");
            return 1;
        }

        int failures = 0;
        foreach (Summary summary in summaries)
        {
            if (summary.HasCriticalValidationErrors)
            {
                error.WriteLine($"Nko.Benchmarks: {summary.Title}: critical validation errors.");
                failures++;
            }

            foreach (BenchmarkReport report in summary.Reports)
            {
                if (!report.Success || report.ResultStatistics is null)
                {
                    error.WriteLine($"Nko.Benchmarks: {report.BenchmarkCase.DisplayInfo} failed (build {(report.BuildResult.IsBuildSuccess ? "ok" : "failed")}, no results).");
                    failures++;
                }
            }

            if (summary.BenchmarksCases.Length > summary.Reports.Length)
            {
                error.WriteLine($"Nko.Benchmarks: {summary.Title}: {summary.BenchmarksCases.Length - summary.Reports.Length} benchmark(s) have no report.");
                failures++;
            }
        }

        return failures == 0 ? 0 : 1;
    }
}
