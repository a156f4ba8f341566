using Nko.Asr;
using Nko.Ranker;

namespace Nko.Speech;

/// <summary>
/// A correction pipeline that also accepts encoder features: features → (optional quantisation round trip) →
/// acoustic back end → CTC log-probs → greedy hypothesis → correction lane.
/// </summary>
/// <remarks>Implementations are safe for concurrent callers when their acoustic model is.</remarks>
public interface ISpeechCorrectionPipeline : ICorrectionPipeline
{
    /// <summary>Runs the acoustic model on <paramref name="features"/> and corrects the greedy hypothesis of its log-probs.</summary>
    /// <param name="features">Encoder features <c>[T_in, D]</c>.</param>
    /// <param name="mode">Operating mode; the config's default when <see langword="null"/>.</param>
    SpeechCorrectionResult Correct(AcousticFeatures features, string? mode = null);
}
