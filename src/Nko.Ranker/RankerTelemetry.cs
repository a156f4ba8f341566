using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Nko.Ranker;

/// <summary>
/// The names of the correction lane's metrics and traces (System.Diagnostics, no extra package): one
/// <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named <see cref="Name"/> (<c>"Nko.Ranker"</c>).
/// </summary>
/// <remarks>
/// <para>Every <see cref="CorrectionPipeline.Correct(CorrectionRequest, CancellationToken)"/> call records:</para>
/// <list type="bullet">
/// <item><description><see cref="Decisions"/> (<c>nko.correction.decisions</c>, counter, <c>{decision}</c>): one per call, tagged
/// <see cref="DecisionTag"/> (<c>copy</c> or <c>corrected</c>) and <see cref="ModeTag"/>.</description></item>
/// <item><description><see cref="Edits"/> (<c>nko.correction.edits</c>, counter, <c>{edit}</c>): the edits applied, tagged
/// <see cref="EditSourceTag"/> (<c>candidate</c> or <c>beam_revision</c>) and <see cref="ModeTag"/>.</description></item>
/// <item><description><see cref="Duration"/> (<c>nko.correction.duration</c>, histogram, seconds): the call's time, tagged
/// <see cref="ModeTag"/>.</description></item>
/// <item><description>A span <see cref="ActivityName"/> (<c>nko.correction</c>) with the mode, decision, edit count, frame
/// count and, on failure, <c>error.type</c> and an error status.</description></item>
/// </list>
/// <para>The input-profile counter <c>nko.ranker.inputs_outside_profile</c> is on the same meter. A call whose request is
/// refused before any work (unknown mode, bad shape, limits) records nothing.</para>
/// <para><b>Cost.</b> Each instrument is checked with <c>Enabled</c> and the span is started only when the source has a
/// listener: with nothing listening a call allocates nothing more than before (tests and
/// <c>TelemetryBenchmarks</c> check it).</para>
/// </remarks>
public static class RankerTelemetry
{
    /// <summary>The name of the meter and of the activity source: <c>"Nko.Ranker"</c>.</summary>
    public const string Name = "Nko.Ranker";

    /// <summary>The decisions counter: <c>nko.correction.decisions</c>.</summary>
    public const string Decisions = "nko.correction.decisions";

    /// <summary>The applied-edits counter: <c>nko.correction.edits</c>.</summary>
    public const string Edits = "nko.correction.edits";

    /// <summary>The duration histogram: <c>nko.correction.duration</c> (seconds).</summary>
    public const string Duration = "nko.correction.duration";

    /// <summary>The span of one correction call: <c>nko.correction</c>.</summary>
    public const string ActivityName = "nko.correction";

    /// <summary>The tag holding the decision: <c>nko.decision</c> (<c>copy</c> or <c>corrected</c>).</summary>
    public const string DecisionTag = "nko.decision";

    /// <summary>The tag holding the operating mode's name: <c>nko.mode</c>.</summary>
    public const string ModeTag = "nko.mode";

    /// <summary>The tag holding where an edit came from: <c>nko.edit.source</c> (<c>candidate</c> or <c>beam_revision</c>).</summary>
    public const string EditSourceTag = "nko.edit.source";

    internal static readonly Meter Meter = new(Name);

    internal static readonly ActivitySource Source = new(Name);

    private static readonly Counter<long> DecisionCounter = Meter.CreateCounter<long>(
        Decisions, unit: "{decision}", description: "Correction calls, by decision (copy or corrected) and mode.");

    private static readonly Counter<long> EditCounter = Meter.CreateCounter<long>(
        Edits, unit: "{edit}", description: "Edits applied by the correction lane, by source (candidate or beam_revision) and mode.");

    private static readonly Histogram<double> DurationHistogram = Meter.CreateHistogram<double>(
        Duration, unit: "s", description: "Time of one correction call.");

    /// <summary>The lower-case tag value of a decision (cached strings: tagging allocates nothing).</summary>
    internal static string DecisionName(CorrectionDecision decision) => decision == CorrectionDecision.Corrected ? "corrected" : "copy";

    /// <summary>Whether anything listens to the duration or the span (so the call's start time is worth taking).</summary>
    internal static bool Timed => DurationHistogram.Enabled || Source.HasListeners();

    /// <summary>Starts the span of a call, or returns <see langword="null"/> when nothing listens (no allocation).</summary>
    internal static Activity? Start() => Source.HasListeners() ? Source.StartActivity(ActivityName) : null;

    /// <summary>Records a finished call on the instruments that are enabled and the span, if any.</summary>
    internal static void Record(CorrectionResult result, int frames, long startTimestamp, Activity? activity)
    {
        string decision = DecisionName(result.Decision);
        var modeTag = new KeyValuePair<string, object?>(ModeTag, result.Mode);
        if (DecisionCounter.Enabled)
        {
            DecisionCounter.Add(1, new KeyValuePair<string, object?>(DecisionTag, decision), modeTag);
        }

        if (EditCounter.Enabled && !result.Edits.IsEmpty)
        {
            int revised = 0;
            foreach (AppliedEdit edit in result.Edits)
            {
                revised += edit.Source == EditSource.BeamRevision ? 1 : 0;
            }

            if (revised > 0)
            {
                EditCounter.Add(revised, new KeyValuePair<string, object?>(EditSourceTag, "beam_revision"), modeTag);
            }

            if (result.Edits.Length > revised)
            {
                EditCounter.Add(result.Edits.Length - revised, new KeyValuePair<string, object?>(EditSourceTag, "candidate"), modeTag);
            }
        }

        if (DurationHistogram.Enabled && startTimestamp != 0)
        {
            DurationHistogram.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, modeTag);
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(ModeTag, result.Mode);
            activity.SetTag(DecisionTag, decision);
            activity.SetTag("nko.edits", result.Edits.Length);
            activity.SetTag("nko.frames", frames);
        }
    }
}
