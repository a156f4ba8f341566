using System.Collections.Immutable;
using System.Numerics.Tensors;

namespace Nko.Ctc;

/// <summary>Greedy (best-path) CTC decoding: argmax per frame, collapse repeats, drop blanks.</summary>
/// <remarks>Ties between classes go to the lowest class id (<see cref="TensorPrimitives.IndexOfMax{T}(ReadOnlySpan{T})"/>), so decoding is deterministic.</remarks>
public static class GreedyDecoder
{
    /// <summary>Decodes <paramref name="logProbs"/> and returns labels, frame spans and the best-path score.</summary>
    public static GreedyResult Decode(LogProbMatrix logProbs, int blankIndex)
    {
        int[] labels = new int[logProbs.Frames];
        var spans = new LabelSpan[logProbs.Frames];
        int n = Decode(logProbs, blankIndex, labels, spans, out double score);
        return new GreedyResult(
            ImmutableArray.Create(labels, 0, n),
            ImmutableArray.Create(spans, 0, n),
            score);
    }

    /// <summary>Decodes without allocating; <paramref name="labels"/> and <paramref name="spans"/> need room for T entries (spans may be empty to skip them).</summary>
    /// <returns>The number of labels written.</returns>
    public static int Decode(LogProbMatrix logProbs, int blankIndex, Span<int> labels, Span<LabelSpan> spans, out double score)
    {
        if (logProbs.IsEmpty)
        {
            throw new ArgumentException("The log-prob matrix is default (empty).", nameof(logProbs));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(blankIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(blankIndex, logProbs.Classes);
        bool wantSpans = !spans.IsEmpty;
        if (labels.Length < logProbs.Frames || (wantSpans && spans.Length < logProbs.Frames))
        {
            throw new ArgumentException($"Destinations need room for {logProbs.Frames} entries (one per frame).");
        }

        ReadOnlySpan<float> data = logProbs.Span;
        int classes = logProbs.Classes;
        int n = 0;
        int previous = -1;
        double sum = 0;
        for (int t = 0; t < logProbs.Frames; t++)
        {
            ReadOnlySpan<float> row = data.Slice(t * classes, classes);
            int best = TensorPrimitives.IndexOfMax(row);
            sum += row[best];
            if (best != previous && best != blankIndex)
            {
                labels[n] = best;
                if (wantSpans)
                {
                    spans[n] = new LabelSpan(t, t + 1);
                }

                n++;
            }
            else if (best == previous && best != blankIndex && wantSpans)
            {
                spans[n - 1] = new LabelSpan(spans[n - 1].Start, t + 1);
            }

            previous = best;
        }

        score = sum;
        return n;
    }
}
