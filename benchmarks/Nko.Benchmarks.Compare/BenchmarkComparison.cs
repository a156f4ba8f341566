namespace Nko.Benchmarks.Compare;

/// <summary>One benchmark's baseline against its candidate, and the verdict.</summary>
public sealed class BenchmarkComparison
{
    internal BenchmarkComparison(BenchmarkSample baseline, BenchmarkSample candidate, ComparisonOptions options)
    {
        Baseline = baseline;
        Candidate = candidate;
        Ratio = candidate.Median / baseline.Median;
        SlowerPValue = BenchmarkStatistics.SlowdownPValue(baseline.NanosecondsPerOperation, candidate.NanosecondsPerOperation, options.Threshold);
        FasterPValue = BenchmarkStatistics.SlowdownPValue(candidate.NanosecondsPerOperation, baseline.NanosecondsPerOperation, options.Threshold);
        IsSlower = SlowerPValue < options.Alpha;
        IsFaster = FasterPValue < options.Alpha;
        AllocatesMore = candidate.BytesAllocatedPerOperation > baseline.BytesAllocatedPerOperation;
    }

    /// <summary>The benchmark's full name.</summary>
    public string Name => Baseline.Name;

    /// <summary>The baseline's measurements.</summary>
    public BenchmarkSample Baseline { get; }

    /// <summary>The candidate's measurements.</summary>
    public BenchmarkSample Candidate { get; }

    /// <summary>Candidate median over baseline median.</summary>
    public double Ratio { get; }

    /// <summary>p-value of "the candidate is more than the threshold slower" (one-sided Mann–Whitney, threshold-shifted).</summary>
    public double SlowerPValue { get; }

    /// <summary>p-value of "the candidate is more than the threshold faster".</summary>
    public double FasterPValue { get; }

    /// <summary>Significantly slower beyond the threshold: a regression.</summary>
    public bool IsSlower { get; }

    /// <summary>Significantly faster beyond the threshold (reported, never a failure).</summary>
    public bool IsFaster { get; }

    /// <summary>The candidate allocates more bytes per operation than the baseline: a regression, whatever the amount.</summary>
    public bool AllocatesMore { get; }

    /// <summary>Slower or allocating more.</summary>
    public bool IsRegression => IsSlower || AllocatesMore;

    /// <summary><c>SLOWER</c>, <c>ALLOCATES</c>, <c>SLOWER+ALLOCATES</c>, <c>faster</c> or <c>same</c>.</summary>
    public string Verdict => (IsSlower, AllocatesMore) switch
    {
        (true, true) => "SLOWER+ALLOCATES",
        (true, false) => "SLOWER",
        (false, true) => "ALLOCATES",
        _ => IsFaster ? "faster" : "same",
    };
}
