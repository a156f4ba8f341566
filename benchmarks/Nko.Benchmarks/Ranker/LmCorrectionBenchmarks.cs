using BenchmarkDotNet.Attributes;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;

namespace Nko.Benchmarks.Ranker;

/// <summary>
/// Whole correction of one utterance (all rounds) with the bundled recogniser's config, which has language-model
/// features (<c>models/nko-tts/ranker.json</c>, schema 2), over the first 50 rows of <c>../shared/data/nko-tts-asr/dev</c>
/// (T = 375, C = 66): the time per utterance is the reported mean.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class LmCorrectionBenchmarks
{
    private const int Rows = 50;
    private CorrectionPipeline _pipeline = null!;
    private LogProbMatrix[] _matrices = [];
    private string[] _hypotheses = [];
    private double[] _scores = [];

    [Params("conservative", "aggressive")]
    public string Mode { get; set; } = "conservative";

    [GlobalSetup]
    public void Setup()
    {
        string config = Environment.GetEnvironmentVariable("NKO_LM_CONFIG") ?? Path.Combine(BenchmarkData.RepositoryRoot, "models", "nko-tts", "ranker.json");
        _pipeline = new CorrectionPipeline(RankerConfig.Load(config));
        CtcDataset data = CtcDataset.Load(Path.GetFullPath(Path.Combine(BenchmarkData.RepositoryRoot, "..", "shared", "data", "nko-tts-asr", "dev")));
        _matrices = Enumerable.Range(0, Rows).Select(data.GetLogProbs).ToArray();
        _hypotheses = data.Rows.Take(Rows).Select(r => r.Hypothesis).ToArray();
        _scores = data.Rows.Take(Rows).Select(r => r.AsrScore).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "correct one utterance with LM features (all rounds)")]
    public int CorrectUtterance()
    {
        int edits = 0;
        for (int i = 0; i < Rows; i++)
        {
            edits += _pipeline.Correct(_matrices[i], _hypotheses[i], Mode, _scores[i]).Edits.Length;
        }

        return edits;
    }
}
