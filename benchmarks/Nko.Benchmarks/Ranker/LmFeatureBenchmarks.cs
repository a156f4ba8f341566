using BenchmarkDotNet.Attributes;
using Nko.Ctc;
using Nko.Data;
using Nko.Lm;
using Nko.Ranker.Configuration;
using Nko.Ranker.Features;

namespace Nko.Benchmarks.Ranker;

/// <summary>
/// One evaluation round (generate, rescore, featurise) of the bundled recogniser's config over the first 50 rows of
/// <c>../shared/data/nko-tts-asr/dev</c>, without and with its language model: the difference is the cost of the LM features.
/// </summary>
[MemoryDiagnoser]
public class LmFeatureBenchmarks
{
    private const int Rows = 50;
    private RankerConfig _config = null!;
    private CharLanguageModel _lm = null!;
    private LogProbMatrix[] _matrices = [];
    private int[][] _hypotheses = [];
    private readonly CandidateEvaluator _evaluator = new();

    [GlobalSetup]
    public void Setup()
    {
        _config = RankerConfig.Load(Environment.GetEnvironmentVariable("NKO_LM_CONFIG") ?? Path.Combine(BenchmarkData.RepositoryRoot, "models", "nko-tts", "ranker.json"));
        _lm = _config.LanguageModel!;
        CtcDataset data = CtcDataset.Load(Path.GetFullPath(Path.Combine(BenchmarkData.RepositoryRoot, "..", "shared", "data", "nko-tts-asr", "dev")));
        _matrices = Enumerable.Range(0, Rows).Select(data.GetLogProbs).ToArray();
        _hypotheses = data.Rows.Take(Rows).Select(r => _config.Vocabulary.Encode(r.Hypothesis)).ToArray();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "one round, no LM")]
    public int WithoutLm() => Run(null);

    [Benchmark(OperationsPerInvoke = Rows, Description = "one round, LM features")]
    public int WithLm() => Run(_lm);

    private int Run(CharLanguageModel? lm)
    {
        int n = 0;
        for (int i = 0; i < Rows; i++)
        {
            _evaluator.Reset(_matrices[i], 0, null);
            n += _evaluator.Evaluate(_config.CandidateGenerator, _hypotheses[i], 0, lm);
        }

        return n;
    }
}
