using Nko.Ctc;

namespace Nko.Ranker.Training;

/// <summary>One training or calibration utterance.</summary>
/// <param name="Id">An identifier used in error messages and reports.</param>
/// <param name="Hypothesis">The recogniser's greedy hypothesis.</param>
/// <param name="Reference">The reference transcript.</param>
/// <param name="LogProbs">The recogniser's log-probs for the utterance.</param>
/// <param name="AsrScore">The recogniser's self-score, if known.</param>
public sealed record TrainingUtterance(string Id, string Hypothesis, string Reference, LogProbMatrix LogProbs, double? AsrScore);
