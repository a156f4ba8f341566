using Nko.Benchmarks.Compare;

namespace Nko.Benchmarks.Compare.Tests;

public class BenchmarkStatisticsTests
{
    [Fact]
    public void Median_of_odd_and_even_counts()
    {
        Assert.Equal(3, BenchmarkStatistics.Median([5, 1, 3]));
        Assert.Equal(2.5, BenchmarkStatistics.Median([4, 1, 3, 2]));
        Assert.Throws<ArgumentException>(() => BenchmarkStatistics.Median([]));
    }

    [Fact]
    public void Bad_threshold_or_empty_sample_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => BenchmarkStatistics.SlowdownPValue([1], [1], -0.1));
        Assert.Throws<ArgumentException>(() => BenchmarkStatistics.SlowdownPValue([1], [1], double.NaN));
        Assert.Throws<ArgumentException>(() => BenchmarkStatistics.SlowdownPValue([], [1], 0.1));
    }
}
