using BenchmarkDotNet.Attributes;
using Nko.Ctc;
using Nko.Data;
using Nko.Lm;

namespace Nko.Benchmarks.Ctc;

/// <summary>
/// CTC prefix beam search (width 16, the default pruning) over the 104 rows of <c>../shared/data/nko-tts-asr/dev</c> (the
/// trained recogniser, T = 375, C = 66), without and with the character 6-gram <c>lm-fixtures/char6.arpa</c>
/// (α 0.5, β 2); one thread, results per utterance.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class BeamSearchBenchmarks
{
    private const int Rows = 104;
    private LogProbMatrix[] _matrices = [];
    private CtcBeamSearch _search = null!;
    private readonly int[] _labels = new int[375];

    [Params("none", "char6")]
    public string Lm { get; set; } = "none";

    [GlobalSetup]
    public void Setup()
    {
        CtcDataset dev = CtcDataset.Load(Path.GetFullPath(Path.Combine(BenchmarkData.RepositoryRoot, "..", "shared", "data", "nko-tts-asr", "dev")));
        _matrices = [.. Enumerable.Range(0, Rows).Select(dev.GetLogProbs)];
        CharLanguageModel? lm = Lm == "char6" ? CharLanguageModel.LoadArpa(Nko.Benchmarks.Lm.LmScoringBenchmarks.SharedFixture("char6.arpa")) : null;
        _search = new CtcBeamSearch(CtcVocabulary.NkoBlankFirst, lm, new BeamSearchOptions { BeamWidth = 16 });
        foreach (LogProbMatrix m in _matrices)
        {
            _search.DecodeBest(m, _labels, out _);
        }
    }

    /// <summary>The best hypothesis into a caller buffer (no allocation).</summary>
    [Benchmark(OperationsPerInvoke = Rows, Description = "DecodeBest (per utterance)")]
    public int DecodeBest()
    {
        int total = 0;
        foreach (LogProbMatrix m in _matrices)
        {
            total += _search.DecodeBest(m, _labels, out _);
        }

        return total;
    }

    /// <summary>The 1-best result object (labels, text, CTC and LM scores).</summary>
    [Benchmark(OperationsPerInvoke = Rows, Description = "Decode, 1-best result (per utterance)")]
    public int Decode()
    {
        int total = 0;
        foreach (LogProbMatrix m in _matrices)
        {
            total += _search.Decode(m).Hypotheses.Length;
        }

        return total;
    }
}
