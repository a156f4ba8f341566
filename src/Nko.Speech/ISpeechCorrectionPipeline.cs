using Nko.Asr;
using Nko.Ranker;

namespace Nko.Speech;

/// <summary>
/// A correction pipeline that also accepts encoder features and audio: audio → Whisper log-mel (per window) or features →
/// (optional quantisation round trip) → acoustic back end → CTC log-probs → greedy hypothesis → correction lane.
/// </summary>
/// <remarks>Implementations are safe for concurrent callers when their acoustic model is.</remarks>
public interface ISpeechCorrectionPipeline : ICorrectionPipeline
{
    /// <summary>Runs the acoustic model on <paramref name="features"/> and corrects the greedy hypothesis of its log-probs.</summary>
    /// <param name="features">Encoder features <c>[T_in, D]</c>.</param>
    /// <param name="mode">Operating mode; the config's default when <see langword="null"/>.</param>
    SpeechCorrectionResult Correct(AcousticFeatures features, string? mode = null);

    /// <summary>Transcribes 16 kHz mono samples window by window (see <see cref="SpeechCorrectionPipeline.Transcribe(ReadOnlyMemory{float}, TranscriptionOptions?, CancellationToken)"/>).</summary>
    /// <param name="samples">16 kHz mono samples, full scale ±1.</param>
    /// <param name="options">Mode and whether to correct; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the transcription.</param>
    SpeechTranscription Transcribe(ReadOnlyMemory<float> samples, TranscriptionOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads WAV data from a stream (left open) and transcribes it, without blocking the caller's thread.</summary>
    /// <param name="audio">The WAV data.</param>
    /// <param name="options">Mode, correction and audio read options; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read and the transcription.</param>
    Task<SpeechTranscription> TranscribeAsync(Stream audio, TranscriptionOptions? options = null, CancellationToken cancellationToken = default);
}
