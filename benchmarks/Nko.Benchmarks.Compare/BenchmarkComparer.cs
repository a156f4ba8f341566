namespace Nko.Benchmarks.Compare;

/// <summary>Pairs a baseline's benchmarks with a candidate's by full name and decides each.</summary>
public static class BenchmarkComparer
{
    /// <summary>Compares <paramref name="candidate"/> against <paramref name="baseline"/>.</summary>
    /// <exception cref="BenchmarkExportException">Benchmarks on one side only (without <see cref="ComparisonOptions.AllowUnpaired"/>), or nothing to pair.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The options are out of range.</exception>
    public static ComparisonReport Compare(
        IReadOnlyDictionary<string, BenchmarkSample> baseline, IReadOnlyDictionary<string, BenchmarkSample> candidate, ComparisonOptions options)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string[] onlyBaseline = [.. baseline.Keys.Where(k => !candidate.ContainsKey(k)).Order(StringComparer.Ordinal)];
        string[] onlyCandidate = [.. candidate.Keys.Where(k => !baseline.ContainsKey(k)).Order(StringComparer.Ordinal)];
        if (!options.AllowUnpaired && (onlyBaseline.Length > 0 || onlyCandidate.Length > 0))
        {
            throw new BenchmarkExportException(
                "Benchmarks that do not pair (use --allow-unpaired to list them instead):"
                + string.Concat(onlyBaseline.Select(n => $"\n  only in the baseline: {n}"))
                + string.Concat(onlyCandidate.Select(n => $"\n  only in the candidate: {n}")));
        }

        BenchmarkComparison[] rows = [.. baseline.Keys.Where(candidate.ContainsKey).Order(StringComparer.Ordinal)
            .Select(k => new BenchmarkComparison(baseline[k], candidate[k], options))];
        if (rows.Length == 0)
        {
            throw new BenchmarkExportException("No benchmark appears on both sides.");
        }

        return new ComparisonReport(rows, onlyBaseline, onlyCandidate, options);
    }
}
