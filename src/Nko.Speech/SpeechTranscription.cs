using System.Collections.Immutable;
using Nko.Ranker;

namespace Nko.Speech;

/// <summary>
/// The result of transcribing audio: the text of every window joined, and each window's hypothesis, correction and
/// timings.
/// </summary>
/// <remarks>
/// <see cref="Text"/> and <see cref="Hypothesis"/> join the windows' texts: each trimmed of leading and trailing spaces,
/// the non-empty ones joined with one space (one window: its text, trimmed). The windows keep their raw texts.
/// </remarks>
public sealed class SpeechTranscription
{
    /// <summary>Creates a transcription from its windows.</summary>
    /// <param name="windows">The windows, in order (at least one).</param>
    /// <param name="samples">The 16 kHz samples of the audio.</param>
    /// <param name="windowSamples">The window length in samples.</param>
    /// <param name="loadTime">The time spent reading and resampling the audio (zero for samples given directly).</param>
    /// <exception cref="ArgumentException">No windows are given.</exception>
    public SpeechTranscription(ImmutableArray<SpeechWindowResult> windows, int samples, int windowSamples, TimeSpan loadTime)
    {
        if (windows.IsDefaultOrEmpty)
        {
            throw new ArgumentException("A transcription has at least one window.", nameof(windows));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowSamples);
        Windows = windows;
        Samples = samples;
        WindowSamples = windowSamples;
        Text = Join(windows, static w => w.Text);
        Hypothesis = Join(windows, static w => w.Hypothesis);
        var timings = new SpeechTimings(loadTime, TimeSpan.Zero, TimeSpan.Zero);
        foreach (SpeechWindowResult w in windows)
        {
            timings += w.Timings;
        }

        Timings = timings;
    }

    /// <summary>The windows, in order.</summary>
    public ImmutableArray<SpeechWindowResult> Windows { get; }

    /// <summary>The corrected text (the hypothesis when correction was off), windows joined.</summary>
    public string Text { get; }

    /// <summary>The greedy hypothesis, windows joined.</summary>
    public string Hypothesis { get; }

    /// <summary>The number of 16 kHz samples of the audio.</summary>
    public int Samples { get; }

    /// <summary>The duration of the audio.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples / SpeechCorrectionPipeline.SampleRate);

    /// <summary>The window length in 16 kHz samples (the model's window).</summary>
    public int WindowSamples { get; }

    /// <summary>
    /// <see cref="CorrectionDecision.Corrected"/> when any window was corrected, <see cref="CorrectionDecision.Copy"/> when
    /// none was, <see langword="null"/> when correction was off.
    /// </summary>
    public CorrectionDecision? Decision => Windows[0].Correction is null
        ? null
        : Windows.Any(static w => w.Correction!.Decision == CorrectionDecision.Corrected) ? CorrectionDecision.Corrected : CorrectionDecision.Copy;

    /// <summary>The number of edits applied over all windows.</summary>
    public int EditCount => Windows.Sum(static w => w.Correction?.Edits.Length ?? 0);

    /// <summary>Where the time went: reading the audio and every window's log-mel (front end), model runs and corrections.</summary>
    public SpeechTimings Timings { get; }

    private static string Join(ImmutableArray<SpeechWindowResult> windows, Func<SpeechWindowResult, string> text)
    {
        if (windows.Length == 1)
        {
            return text(windows[0]).Trim(' ');
        }

        return string.Join(' ', windows.Select(w => text(w).Trim(' ')).Where(static t => t.Length > 0));
    }
}
