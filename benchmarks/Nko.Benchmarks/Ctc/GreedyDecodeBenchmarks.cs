using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Nko.Ctc;

namespace Nko.Benchmarks.Ctc;

/// <summary>Greedy decode of a T = 375, C = 66 dev matrix into caller buffers.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class GreedyDecodeBenchmarks
{
    private LogProbMatrix _matrix;
    private readonly int[] _labels = new int[375];
    private readonly LabelSpan[] _spans = new LabelSpan[375];

    [GlobalSetup]
    public void Setup() => _matrix = BenchmarkData.Sample.GetLogProbs(BenchmarkData.RowWithHypothesisLength(45));

    /// <summary>Reference: <see cref="TensorPrimitives.IndexOfMax{T}(ReadOnlySpan{T})"/> per row, collapse, drop blanks.</summary>
    [Benchmark(Baseline = true, Description = "IndexOfMax per row (reference)")]
    public int IndexOfMaxPerRow()
    {
        ReadOnlySpan<float> data = _matrix.Span;
        int classes = _matrix.Classes, n = 0, previous = -1;
        double score = 0;
        for (int t = 0; t < _matrix.Frames; t++)
        {
            ReadOnlySpan<float> row = data.Slice(t * classes, classes);
            int best = TensorPrimitives.IndexOfMax(row);
            score += row[best];
            if (best != previous && best != 0)
            {
                _labels[n] = best;
                _spans[n++] = new LabelSpan(t, t + 1);
            }
            else if (best == previous && best != 0)
            {
                _spans[n - 1] = new LabelSpan(_spans[n - 1].Start, t + 1);
            }

            previous = best;
        }

        return n + (score > 0 ? 1 : 0);
    }

    [Benchmark(Description = "GreedyDecoder.Decode")]
    public int GreedyDecode() => GreedyDecoder.Decode(_matrix, 0, _labels, _spans, out _);
}
