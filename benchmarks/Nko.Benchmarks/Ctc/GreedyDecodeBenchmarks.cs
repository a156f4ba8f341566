using BenchmarkDotNet.Attributes;
using Nko.Ctc;

namespace Nko.Benchmarks.Ctc;

/// <summary>Greedy decode of a T = 375, C = 66 dev matrix into caller buffers.</summary>
[MemoryDiagnoser]
public class GreedyDecodeBenchmarks
{
    private LogProbMatrix _matrix;
    private readonly int[] _labels = new int[375];
    private readonly LabelSpan[] _spans = new LabelSpan[375];

    [GlobalSetup]
    public void Setup() => _matrix = BenchmarkData.Sample.GetLogProbs(BenchmarkData.RowWithHypothesisLength(45));

    [Benchmark]
    public int GreedyDecode() => GreedyDecoder.Decode(_matrix, 0, _labels, _spans, out _);
}
