namespace Nko.Benchmarks.Compare;

/// <summary>One benchmark's measurements on one side of a comparison, pooled over every export (round) read.</summary>
public sealed class BenchmarkSample
{
    /// <summary>Creates a sample.</summary>
    /// <param name="name">The benchmark's full name (namespace, type, method and parameters).</param>
    /// <param name="nanosecondsPerOperation">Per-iteration times (BenchmarkDotNet's Workload/Result iterations), ns per operation.</param>
    /// <param name="bytesAllocatedPerOperation">Bytes allocated per operation: the minimum over rounds.</param>
    /// <param name="rounds">How many exports contributed.</param>
    public BenchmarkSample(string name, IReadOnlyList<double> nanosecondsPerOperation, long bytesAllocatedPerOperation, int rounds)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(nanosecondsPerOperation);
        ArgumentOutOfRangeException.ThrowIfZero(nanosecondsPerOperation.Count, nameof(nanosecondsPerOperation));
        ArgumentOutOfRangeException.ThrowIfNegative(bytesAllocatedPerOperation);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);
        Name = name;
        NanosecondsPerOperation = nanosecondsPerOperation;
        BytesAllocatedPerOperation = bytesAllocatedPerOperation;
        Rounds = rounds;
    }

    /// <summary>The benchmark's full name (namespace, type, method and parameters); the key that pairs the two sides.</summary>
    public string Name { get; }

    /// <summary>Per-iteration times in nanoseconds per operation, in file order.</summary>
    public IReadOnlyList<double> NanosecondsPerOperation { get; }

    /// <summary>
    /// Bytes allocated per operation, the minimum over rounds: an allocation the code makes on every call shows in every
    /// round, a stray one (tiered JIT, a timer) in some.
    /// </summary>
    public long BytesAllocatedPerOperation { get; }

    /// <summary>How many exports (rounds) contributed measurements.</summary>
    public int Rounds { get; }

    /// <summary>The median of <see cref="NanosecondsPerOperation"/>.</summary>
    public double Median => BenchmarkStatistics.Median(NanosecondsPerOperation);
}
