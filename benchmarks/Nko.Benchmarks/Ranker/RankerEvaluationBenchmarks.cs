using BenchmarkDotNet.Attributes;
using Nko.Ranker.Configuration;
using Nko.Ranker.Features;
using Nko.Ranker.Scoring;

namespace Nko.Benchmarks.Ranker;

/// <summary>Logistic ranker evaluation of one candidate whose features are already computed.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class RankerEvaluationBenchmarks
{
    private LogisticRanker _ranker = null!;
    private double[] _features = [];

    [GlobalSetup]
    public void Setup()
    {
        _ranker = RankerConfig.Load(Path.Combine(BenchmarkData.RepositoryRoot, "models", "candidate_ranker_v1.json")).Ranker;
        var rng = new Random(1);
        _features = Enumerable.Range(0, FeatureNames.All.Length).Select(_ => rng.NextDouble()).ToArray();
    }

    [Benchmark(Description = "ranker probability per candidate")]
    public double RankCandidate() => _ranker.Probability(_features);
}
