namespace Nko.Speech;

/// <summary>Where the time of a transcription (or of one window) went.</summary>
/// <param name="FrontEnd">Audio to model input: reading and resampling the audio (for a whole transcription from a file or a stream) and the Whisper log-mel of each window.</param>
/// <param name="Model">The acoustic model (or encoder + head chain, with its optional quantisation round trip).</param>
/// <param name="Correction">Greedy decoding and the correction lane (candidates, rescoring, ranker); greedy decoding only when correction is off.</param>
public readonly record struct SpeechTimings(TimeSpan FrontEnd, TimeSpan Model, TimeSpan Correction)
{
    /// <summary>The sum of the three steps.</summary>
    public TimeSpan Total => FrontEnd + Model + Correction;

    /// <summary>Adds two timings step by step.</summary>
    /// <param name="left">The first timing.</param>
    /// <param name="right">The second timing.</param>
    public static SpeechTimings operator +(SpeechTimings left, SpeechTimings right) =>
        new(left.FrontEnd + right.FrontEnd, left.Model + right.Model, left.Correction + right.Correction);

    /// <summary>Adds two timings step by step (the named form of <c>+</c>).</summary>
    /// <param name="left">The first timing.</param>
    /// <param name="right">The second timing.</param>
    public static SpeechTimings Add(SpeechTimings left, SpeechTimings right) => left + right;
}
