using System.Globalization;

namespace Nko.Benchmarks.Compare;

/// <summary>Every paired benchmark's comparison, the unpaired names, and the table the command prints.</summary>
public sealed class ComparisonReport
{
    internal ComparisonReport(IReadOnlyList<BenchmarkComparison> rows, IReadOnlyList<string> onlyInBaseline, IReadOnlyList<string> onlyInCandidate, ComparisonOptions options)
    {
        Rows = rows;
        OnlyInBaseline = onlyInBaseline;
        OnlyInCandidate = onlyInCandidate;
        Options = options;
    }

    /// <summary>The paired benchmarks, ordered by name (ordinal).</summary>
    public IReadOnlyList<BenchmarkComparison> Rows { get; }

    /// <summary>Benchmarks the candidate did not run (only with <see cref="ComparisonOptions.AllowUnpaired"/>).</summary>
    public IReadOnlyList<string> OnlyInBaseline { get; }

    /// <summary>Benchmarks new in the candidate (only with <see cref="ComparisonOptions.AllowUnpaired"/>).</summary>
    public IReadOnlyList<string> OnlyInCandidate { get; }

    /// <summary>The options the verdicts used.</summary>
    public ComparisonOptions Options { get; }

    /// <summary>Any benchmark slower beyond the threshold or allocating more.</summary>
    public bool HasRegression => Rows.Any(r => r.IsRegression);

    /// <summary>Writes the table, a legend and the summary line to <paramref name="output"/>.</summary>
    public void Write(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        CultureInfo c = CultureInfo.InvariantCulture;
        string[] header = ["benchmark", "n base/cand", "baseline median", "candidate median", "ratio", "p(slower)", "alloc B/op base→cand", "verdict"];
        var lines = new List<string[]> { header };
        foreach (BenchmarkComparison r in Rows)
        {
            lines.Add([
                r.Name,
                $"{r.Baseline.NanosecondsPerOperation.Count}/{r.Candidate.NanosecondsPerOperation.Count}",
                FormatTime(r.Baseline.Median),
                FormatTime(r.Candidate.Median),
                r.Ratio.ToString("0.000", c),
                FormatP(r.SlowerPValue),
                $"{r.Baseline.BytesAllocatedPerOperation.ToString(c)}→{r.Candidate.BytesAllocatedPerOperation.ToString(c)}",
                r.Verdict,
            ]);
        }

        int[] widths = [.. Enumerable.Range(0, header.Length).Select(i => lines.Max(l => l[i].Length))];
        foreach (string[] line in lines)
        {
            // Left-align the name and the verdict, right-align the numbers.
            output.WriteLine(string.Join("  ", line.Select((cell, i) => i is 0 || i == line.Length - 1 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd());
        }

        foreach (string name in OnlyInBaseline)
        {
            output.WriteLine($"{name}  only in the baseline (not compared)");
        }

        foreach (string name in OnlyInCandidate)
        {
            output.WriteLine($"{name}  only in the candidate (not compared)");
        }

        string threshold = (Options.Threshold * 100).ToString("0.##", c);
        string alpha = Options.Alpha.ToString("0.####", c);
        output.WriteLine();
        output.WriteLine($"n: Workload/Result iterations pooled over rounds. Medians are per operation. ratio = candidate/baseline median.");
        output.WriteLine($"p(slower): one-sided Mann–Whitney U (Perfolizer) of candidate > baseline × {1 + Options.Threshold:0.###}. " +
            $"SLOWER when p < {alpha}; faster: the mirror test. ALLOCATES: more bytes/op than the baseline (minimum over rounds).");
        int regressions = Rows.Count(r => r.IsRegression);
        output.WriteLine(regressions == 0
            ? $"OK: no benchmark of {Rows.Count} is significantly more than {threshold}% slower or allocates more."
            : $"REGRESSION: {regressions} of {Rows.Count} benchmarks significantly more than {threshold}% slower or allocating more.");
    }

    private static string FormatTime(double ns)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        return ns switch
        {
            < 1e3 => ns.ToString("0.00", c) + " ns",
            < 1e6 => (ns / 1e3).ToString("0.000", c) + " µs",
            < 1e9 => (ns / 1e6).ToString("0.000", c) + " ms",
            _ => (ns / 1e9).ToString("0.000", c) + " s",
        };
    }

    private static string FormatP(double p) =>
        p < 1e-4 ? p.ToString("0.0E+0", CultureInfo.InvariantCulture) : p.ToString("0.0000", CultureInfo.InvariantCulture);
}
