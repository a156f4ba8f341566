using System.Numerics.Tensors;
using Nko.Ctc;

namespace Nko.Ranker.Profiling;

/// <summary>
/// Per-utterance statistics of a recogniser's output that a config's <see cref="InputProfile"/> records for its
/// training data, so that input from another recogniser (or another domain) can be noticed.
/// </summary>
/// <param name="AsrScore">The recogniser's self-score (as given, else estimated as the candidate features do).</param>
/// <param name="BlankShare">Share of frames whose best class is the blank.</param>
/// <param name="LabelsPerFrame">Hypothesis labels per frame.</param>
/// <param name="Top1Margin">Mean gap (nats) between the best and second-best class over the frames whose best class is not the blank; 0 without such frames.</param>
public readonly record struct InputMeasurement(double AsrScore, double BlankShare, double LabelsPerFrame, double Top1Margin)
{
    /// <summary>The statistic names, in the order of <see cref="Values"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["asr_score", "blank_share", "labels_per_frame", "top1_margin"];

    /// <summary>The values in the order of <see cref="Names"/>.</summary>
    public double[] Values() => [AsrScore, BlankShare, LabelsPerFrame, Top1Margin];

    /// <summary>The value of the statistic at <paramref name="index"/> (order of <see cref="Names"/>).</summary>
    public double Get(int index) => index switch
    {
        0 => AsrScore,
        1 => BlankShare,
        2 => LabelsPerFrame,
        3 => Top1Margin,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "There are four statistics."),
    };

    /// <summary>Measures one utterance (one pass over the frames; allocates nothing).</summary>
    /// <param name="logProbs">The log-probs (validated by the caller).</param>
    /// <param name="blankIndex">The blank class.</param>
    /// <param name="hypothesisLabels">The hypothesis' label count.</param>
    /// <param name="asrScore">The recogniser's self-score, or <see langword="null"/> to estimate it.</param>
    public static InputMeasurement Measure(LogProbMatrix logProbs, int blankIndex, int hypothesisLabels, double? asrScore)
    {
        ReadOnlySpan<float> data = logProbs.Span;
        int classes = logProbs.Classes, frames = logProbs.Frames;
        int blanks = 0, speech = 0;
        double margin = 0;
        for (int t = 0; t < frames; t++)
        {
            ReadOnlySpan<float> row = data.Slice(t * classes, classes);
            int best = TensorPrimitives.IndexOfMax(row);
            if (best == blankIndex)
            {
                blanks++;
                continue;
            }

            float second = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                if (c != best && row[c] > second)
                {
                    second = row[c];
                }
            }

            speech++;
            margin += double.IsFinite(second) ? row[best] - second : 0;
        }

        double asr = asrScore ?? Features.CandidateEvaluator.EstimateAsrScore(logProbs, blankIndex);
        return new InputMeasurement(
            double.IsFinite(asr) ? asr : 0,
            frames == 0 ? 0 : (double)blanks / frames,
            frames == 0 ? 0 : (double)hypothesisLabels / frames,
            speech == 0 ? 0 : margin / speech);
    }
}
