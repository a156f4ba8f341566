using BenchmarkDotNet.Attributes;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;

namespace Nko.Benchmarks.Ranker;

/// <summary>
/// Whole correction of one utterance (all rounds) with the shipped config, averaged over the 50 bundled dev rows
/// (T = 375, C = 66): the time per utterance is the reported mean.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CorrectionBenchmarks
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
        _pipeline = new CorrectionPipeline(RankerConfig.Load(Path.Combine(BenchmarkData.RepositoryRoot, "models", "candidate_ranker_v1.json")));
        CtcDataset data = BenchmarkData.Sample;
        _matrices = Enumerable.Range(0, Rows).Select(data.GetLogProbs).ToArray();
        _hypotheses = data.Rows.Take(Rows).Select(r => r.Hypothesis).ToArray();
        _scores = data.Rows.Take(Rows).Select(r => r.AsrScore).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "correct one utterance (all rounds)")]
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
