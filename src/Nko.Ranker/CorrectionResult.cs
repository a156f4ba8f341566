using System.Collections.Immutable;

namespace Nko.Ranker;

/// <summary>The result of correcting one utterance.</summary>
/// <param name="Hypothesis">The recogniser hypothesis that was corrected (given, or greedy-decoded from the log-probs).</param>
/// <param name="Text">The output text: the hypothesis for <see cref="CorrectionDecision.Copy"/>, else the corrected text.</param>
/// <param name="Decision">COPY or CORRECTED.</param>
/// <param name="Edits">The applied edits in order (empty for COPY).</param>
/// <param name="Mode">The operating mode used.</param>
public sealed record CorrectionResult(string Hypothesis, string Text, CorrectionDecision Decision, ImmutableArray<AppliedEdit> Edits, string Mode)
{
    /// <summary>
    /// The input statistics (<see cref="Profiling.InputMeasurement.Names"/>) of this utterance outside the range of the
    /// config's training inputs; empty when all are inside or the config has no <see cref="Configuration.RankerConfig.InputProfile"/>.
    /// A non-empty list on many utterances means the config probably does not describe this recogniser.
    /// </summary>
    public ImmutableArray<string> OutsideProfile { get; init; } = [];
}
