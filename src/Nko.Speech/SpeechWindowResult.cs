using Nko.Ctc;
using Nko.Ranker;

namespace Nko.Speech;

/// <summary>
/// One window of a transcription: which audio it covered, the model's log-probs, the greedy hypothesis, the correction
/// and the time each step took.
/// </summary>
/// <param name="Index">The window's position, 0-based.</param>
/// <param name="StartSample">Its first 16 kHz sample in the audio.</param>
/// <param name="Samples">The audio samples it covers (the rest of the window is zero padding).</param>
/// <param name="SpeechFrames">
/// The output frames that overlap the audio, <c>ceil(Samples × T / windowSamples)</c> (the data sets' <c>speech_frames</c>);
/// the frames after them are the model's output on the padding.
/// </param>
/// <param name="AsrScore">The mean over the first <paramref name="SpeechFrames"/> frames of the per-frame largest log-prob (the data sets' <c>asr_score</c>), as given to the correction.</param>
/// <param name="Hypothesis">The greedy CTC hypothesis of the window, raw (may have leading, trailing or double spaces).</param>
/// <param name="Correction">The correction of <paramref name="Hypothesis"/>; <see langword="null"/> when correction was off.</param>
/// <param name="LogProbs">The model's log-probs <c>[T, C]</c> for the whole window.</param>
/// <param name="Timings">The time of the window's log-mel, model run and correction.</param>
public sealed record SpeechWindowResult(
    int Index,
    int StartSample,
    int Samples,
    int SpeechFrames,
    double AsrScore,
    string Hypothesis,
    CorrectionResult? Correction,
    LogProbMatrix LogProbs,
    SpeechTimings Timings)
{
    /// <summary>The window's output text: the corrected text, or the hypothesis when correction was off.</summary>
    public string Text => Correction?.Text ?? Hypothesis;

    /// <summary>Where the window starts in the audio.</summary>
    public TimeSpan Start => TimeSpan.FromSeconds((double)StartSample / SpeechCorrectionPipeline.SampleRate);

    /// <summary>The duration of the audio the window covers (without its padding).</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples / SpeechCorrectionPipeline.SampleRate);
}
