using BenchmarkDotNet.Attributes;
using Nko.Ctc;

namespace Nko.Benchmarks.Ctc;

/// <summary>Full CTC forward of one ~45-label target on a T = 375, C = 66 dev matrix (emissions prepared once).</summary>
[MemoryDiagnoser]
[MedianColumn]
public class CtcForwardBenchmarks
{
    private LogProbMatrix _matrix;
    private int[] _target = [];
    private readonly CtcScorer _scorer = new();

    [GlobalSetup]
    public void Setup()
    {
        int row = BenchmarkData.RowWithHypothesisLength(45);
        _matrix = BenchmarkData.Sample.GetLogProbs(row);
        _target = CtcVocabulary.NkoBlankFirst.Encode(BenchmarkData.Sample.Rows[row].Hypothesis);
        _scorer.Reset(_matrix, 0);
    }

    [Benchmark(Baseline = true, Description = "log-space reference")]
    public double LogSpace() => CtcForward.LogSpaceLogLikelihood(_matrix, 0, _target);

    [Benchmark(Description = "scaled forward (emissions shared)")]
    public double Scaled() => _scorer.LogLikelihood(_target);

    // Reset exponentiates only the blank's stream; every other class is exponentiated when a target or edit first uses it.
    [Benchmark(Description = "load matrix (Reset, once per utterance)")]
    public void Reset() => _scorer.Reset(_matrix, 0);

    [Benchmark(Description = "load matrix + first forward (its classes exponentiated)")]
    public double ResetAndForward()
    {
        _scorer.Reset(_matrix, 0);
        return _scorer.LogLikelihood(_target);
    }
}
