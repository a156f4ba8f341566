using Nko.Ctc;
using Nko.Ranker;

namespace Nko.Speech;

/// <summary>The result of correcting speech from encoder features.</summary>
/// <param name="Correction">The correction of the greedy hypothesis (its <see cref="CorrectionResult.Hypothesis"/> is the recogniser's greedy text).</param>
/// <param name="LogProbs">The log-probs the acoustic model produced (after the optional quantisation round trip of its input).</param>
public sealed record SpeechCorrectionResult(CorrectionResult Correction, LogProbMatrix LogProbs)
{
    /// <summary>The output text.</summary>
    public string Text => Correction.Text;
}
