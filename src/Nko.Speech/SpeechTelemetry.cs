using System.Diagnostics;
using System.Diagnostics.Metrics;
using Nko.Ranker;

namespace Nko.Speech;

/// <summary>
/// The names of the speech pipeline's metrics and traces (System.Diagnostics, no extra package): one
/// <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named <see cref="Name"/> (<c>"Nko.Speech"</c>).
/// </summary>
/// <remarks>
/// <para>Every transcription (<c>Transcribe</c>/<c>TranscribeAsync</c>, any input) records, once it is done:</para>
/// <list type="bullet">
/// <item><description><see cref="Utterances"/> (<c>nko.speech.utterances</c>, counter, <c>{utterance}</c>): tagged
/// <see cref="RankerTelemetry.DecisionTag"/> (<c>corrected</c> when any window was, <c>copy</c>, or <c>none</c> with correction
/// off) and <see cref="RankerTelemetry.ModeTag"/> (the mode used; absent with correction off).</description></item>
/// <item><description><see cref="Windows"/> (<c>nko.speech.windows</c>, counter, <c>{window}</c>): the audio windows run.</description></item>
/// <item><description><see cref="FrontEndDuration"/>, <see cref="ModelDuration"/>, <see cref="CorrectionDuration"/>
/// (<c>nko.speech.front_end.duration</c>, <c>nko.speech.model.duration</c>, <c>nko.speech.correction.duration</c>;
/// histograms, seconds): the utterance's <see cref="SpeechTranscription.Timings"/>, one value each per utterance.</description></item>
/// <item><description>A span <see cref="ActivityName"/> (<c>nko.speech.transcribe</c>) per utterance, a child of the
/// caller's current span, tagged with the mode, decision, window count, edit count, audio seconds and whether correction
/// was on; a failure (cancellation included) sets <c>error.type</c> and an error status.</description></item>
/// </list>
/// <para>The correction of each window is also recorded by the correction lane (<c>"Nko.Ranker"</c>: decisions and edits
/// per window, see <see cref="RankerTelemetry"/>), whose spans nest under this one: listen to both names to see
/// everything. <c>NkoSpeechToTextClient.GetStreamingTextAsync</c> transcribes window by window, so each window counts as
/// an utterance there.</para>
/// <para><b>Cost.</b> Each instrument is checked with <c>Enabled</c> and the span is started only when the source has a
/// listener: with nothing listening a transcription allocates nothing for telemetry.</para>
/// </remarks>
public static class SpeechTelemetry
{
    /// <summary>The name of the meter and of the activity source: <c>"Nko.Speech"</c>.</summary>
    public const string Name = "Nko.Speech";

    /// <summary>The utterances counter: <c>nko.speech.utterances</c>.</summary>
    public const string Utterances = "nko.speech.utterances";

    /// <summary>The windows counter: <c>nko.speech.windows</c>.</summary>
    public const string Windows = "nko.speech.windows";

    /// <summary>The front end's time per utterance (reading, resampling, log-mel): <c>nko.speech.front_end.duration</c> (seconds).</summary>
    public const string FrontEndDuration = "nko.speech.front_end.duration";

    /// <summary>The acoustic model's time per utterance: <c>nko.speech.model.duration</c> (seconds).</summary>
    public const string ModelDuration = "nko.speech.model.duration";

    /// <summary>The correction's time per utterance (greedy decoding only, with correction off): <c>nko.speech.correction.duration</c> (seconds).</summary>
    public const string CorrectionDuration = "nko.speech.correction.duration";

    /// <summary>The span of one transcription: <c>nko.speech.transcribe</c>.</summary>
    public const string ActivityName = "nko.speech.transcribe";

    private static readonly Meter Meter = new(Name);

    private static readonly ActivitySource Source = new(Name);

    private static readonly Counter<long> UtteranceCounter = Meter.CreateCounter<long>(
        Utterances, unit: "{utterance}", description: "Transcriptions, by decision (corrected, copy, none) and mode.");

    private static readonly Counter<long> WindowCounter = Meter.CreateCounter<long>(
        Windows, unit: "{window}", description: "Audio windows run through the model.");

    private static readonly Histogram<double> FrontEndHistogram = Meter.CreateHistogram<double>(
        FrontEndDuration, unit: "s", description: "Front end time of one utterance: reading and resampling the audio, and the log-mel of every window.");

    private static readonly Histogram<double> ModelHistogram = Meter.CreateHistogram<double>(
        ModelDuration, unit: "s", description: "Acoustic model time of one utterance, all windows.");

    private static readonly Histogram<double> CorrectionHistogram = Meter.CreateHistogram<double>(
        CorrectionDuration, unit: "s", description: "Decoding and correction time of one utterance, all windows.");

    /// <summary>Starts the span of a transcription, or returns <see langword="null"/> when nothing listens (no allocation).</summary>
    internal static Activity? Start() => Source.HasListeners() ? Source.StartActivity(ActivityName) : null;

    /// <summary>Records a finished transcription on the instruments that are enabled and the span, if any.</summary>
    internal static void Record(SpeechTranscription transcription, string? mode, Activity? activity)
    {
        CorrectionDecision? decided = transcription.Decision;
        string decision = decided switch { CorrectionDecision.Corrected => "corrected", CorrectionDecision.Copy => "copy", _ => "none" };
        var decisionTag = new KeyValuePair<string, object?>(RankerTelemetry.DecisionTag, decision);
        if (UtteranceCounter.Enabled)
        {
            if (mode is null)
            {
                UtteranceCounter.Add(1, decisionTag);
            }
            else
            {
                UtteranceCounter.Add(1, decisionTag, new KeyValuePair<string, object?>(RankerTelemetry.ModeTag, mode));
            }
        }

        if (WindowCounter.Enabled)
        {
            WindowCounter.Add(transcription.Windows.Length);
        }

        SpeechTimings timings = transcription.Timings;
        if (FrontEndHistogram.Enabled)
        {
            FrontEndHistogram.Record(timings.FrontEnd.TotalSeconds);
        }

        if (ModelHistogram.Enabled)
        {
            ModelHistogram.Record(timings.Model.TotalSeconds);
        }

        if (CorrectionHistogram.Enabled)
        {
            CorrectionHistogram.Record(timings.Correction.TotalSeconds);
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(RankerTelemetry.ModeTag, mode);
            activity.SetTag(RankerTelemetry.DecisionTag, decision);
            activity.SetTag("nko.correct", decided is not null);
            activity.SetTag("nko.windows", transcription.Windows.Length);
            activity.SetTag("nko.edits", transcription.EditCount);
            activity.SetTag("nko.audio.seconds", transcription.Duration.TotalSeconds);
        }
    }
}
