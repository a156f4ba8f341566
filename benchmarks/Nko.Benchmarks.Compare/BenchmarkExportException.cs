namespace Nko.Benchmarks.Compare;

/// <summary>
/// Input the comparer cannot use: a missing path, a file that is not a BenchmarkDotNet full JSON export, a benchmark
/// without result measurements or allocation data, or benchmarks present on one side only. The command exits 2.
/// </summary>
public sealed class BenchmarkExportException : Exception
{
    /// <summary>Creates the exception with no message.</summary>
    public BenchmarkExportException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public BenchmarkExportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the error that caused it.</summary>
    public BenchmarkExportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
