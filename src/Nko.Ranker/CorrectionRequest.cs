using Nko.Ctc;

namespace Nko.Ranker;

/// <summary>One utterance to correct.</summary>
/// <param name="LogProbs">The recogniser's CTC log-probs <c>[T, C]</c> over the config's vocabulary.</param>
public readonly record struct CorrectionRequest(LogProbMatrix LogProbs)
{
    /// <summary>The recogniser's hypothesis; when <see langword="null"/> it is greedy-decoded from <see cref="LogProbs"/> (one pass, same matrix).</summary>
    public string? Hypothesis { get; init; }

    /// <summary>The recogniser's self-score (mean best log-prob over speech frames); estimated from the log-probs when <see langword="null"/>.</summary>
    public double? AsrScore { get; init; }

    /// <summary>The operating mode; the config's default when <see langword="null"/>.</summary>
    public string? Mode { get; init; }
}
