using BenchmarkDotNet.Attributes;
using Nko.Candidates;
using Nko.Ranker.Configuration;

namespace Nko.Benchmarks.Candidates;

/// <summary>
/// Candidate generation as the correction pipeline runs it: the generator of the shipped config
/// (models/candidate_ranker_v1.json: max_candidates 96, min_count 2, top_k_per_label 2, all operations) on the
/// sample hypothesis closest to <see cref="Labels"/> labels. One call = one correction round.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ShippedConfigCandidateGeneratorBenchmarks
{
    private CandidateGenerator _generator = null!;
    private int[] _hypothesis = [];
    private Candidate[] _destination = [];

    [Params(20, 46, 90)]
    public int Labels { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        RankerConfig config = RankerConfig.Load(Path.Combine(BenchmarkData.RepositoryRoot, "models", "candidate_ranker_v1.json"));
        _generator = config.CandidateGenerator;
        _hypothesis = _generator.Vocabulary.Encode(BenchmarkData.Sample.Rows[BenchmarkData.RowWithHypothesisLength(Labels)].Hypothesis);
        _destination = new Candidate[_generator.MaxCandidates];
    }

    [Benchmark(Description = "Generate, shipped config (span, allocation-free)")]
    public int Generate() => _generator.Generate(_hypothesis, _destination);
}
