using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Nko.Ranker;
using Nko.Speech;
using Nko.Testing;

namespace Nko.Extensions.AI.Tests;

[Collection(nameof(TelemetryCollection))]
public sealed class TelemetryTests
{
    private const string TestSourceName = "Nko.Extensions.AI.Tests";
    private static readonly ActivitySource TestSource = new(TestSourceName);

    private sealed record Measurement(string Instrument, string? Unit, double Value, Dictionary<string, object?> Tags);

    /// <summary>Listens to both Nko meters and activity sources (and the test's own source, for a parent span).</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _meters = new();
        private readonly ActivityListener _activities;

        public Recorder()
        {
            _meters.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name is SpeechTelemetry.Name or RankerTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Measurements.Enqueue(new(i.Name, i.Unit, v, Tags(tags))));
            _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Measurements.Enqueue(new(i.Name, i.Unit, v, Tags(tags))));
            _meters.Start();
            _activities = new ActivityListener
            {
                ShouldListenTo = s => s.Name is SpeechTelemetry.Name or RankerTelemetry.Name or TestSourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = Stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_activities);
        }

        public ConcurrentQueue<Measurement> Measurements { get; } = new();

        public ConcurrentQueue<Activity> Stopped { get; } = new();

        public Measurement[] Of(string instrument) => [.. Measurements.Where(m => m.Instrument == instrument)];

        public void Dispose()
        {
            _meters.Dispose();
            _activities.Dispose();
        }

        private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var d = new Dictionary<string, object?>();
            foreach (var t in tags)
            {
                d[t.Key] = t.Value;
            }

            return d;
        }
    }

    [Fact]
    public async Task A_transcription_is_counted_timed_and_traced_with_its_windows_corrections_nested()
    {
        using var recorder = new Recorder();
        using var client = new NkoSpeechToTextClient(TestAssets.Pipeline);
        byte[] wav = TestWav.Float32(TestAssets.TwoWindowSamples, SpeechCorrectionPipeline.SampleRate);
        var options = new SpeechToTextOptions { AdditionalProperties = new() { [NkoSpeechProperties.Mode] = "aggressive" } };
        SpeechToTextResponse response;
        ActivitySpanId parentId;
        using (Activity parent = TestSource.StartActivity("test")!)
        {
            parentId = parent.SpanId;
            response = await client.GetTextAsync(new MemoryStream(wav), options);
        }

        var t = Assert.IsType<SpeechTranscription>(response.RawRepresentation);
        string decision = t.Decision == CorrectionDecision.Corrected ? "corrected" : "copy";

        Measurement utterance = Assert.Single(recorder.Of(SpeechTelemetry.Utterances));
        Assert.Equal(("{utterance}", 1.0, decision, "aggressive"), (utterance.Unit, utterance.Value, utterance.Tags[RankerTelemetry.DecisionTag], utterance.Tags[RankerTelemetry.ModeTag]));
        Assert.Equal(2.0, Assert.Single(recorder.Of(SpeechTelemetry.Windows)).Value);
        Assert.Equal(t.Timings.FrontEnd.TotalSeconds, Assert.Single(recorder.Of(SpeechTelemetry.FrontEndDuration)).Value);
        Assert.Equal(t.Timings.Model.TotalSeconds, Assert.Single(recorder.Of(SpeechTelemetry.ModelDuration)).Value);
        Assert.Equal(t.Timings.Correction.TotalSeconds, Assert.Single(recorder.Of(SpeechTelemetry.CorrectionDuration)).Value);
        Assert.All(recorder.Measurements.Where(m => m.Instrument.EndsWith(".duration", StringComparison.Ordinal)), m => Assert.Equal("s", m.Unit));

        // The correction lane: one decision per window, in order, and every applied edit by its source.
        Assert.Equal(
            t.Windows.Select(w => w.Correction!.Decision == CorrectionDecision.Corrected ? "corrected" : "copy"),
            recorder.Of(RankerTelemetry.Decisions).Select(m => (string)m.Tags[RankerTelemetry.DecisionTag]!));
        Assert.True(t.EditCount > 0, "the audio must be edited in this mode, or the edit counter is not tested");
        Assert.Equal(t.EditCount, recorder.Of(RankerTelemetry.Edits).Sum(m => m.Value));
        Assert.Equal(
            t.Windows.SelectMany(w => w.Correction!.Edits).Count(e => e.Source == EditSource.BeamRevision),
            recorder.Of(RankerTelemetry.Edits).Where(m => (string)m.Tags[RankerTelemetry.EditSourceTag]! == "beam_revision").Sum(m => m.Value));
        Assert.Equal(2, recorder.Of(RankerTelemetry.Duration).Length);

        // Spans: the utterance under the caller's span, each window's correction under the utterance.
        Activity speech = Assert.Single(recorder.Stopped, a => a.OperationName == SpeechTelemetry.ActivityName);
        Assert.Equal(parentId, speech.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Unset, speech.Status);
        Assert.Equal("aggressive", speech.GetTagItem(RankerTelemetry.ModeTag));
        Assert.Equal(decision, speech.GetTagItem(RankerTelemetry.DecisionTag));
        Assert.Equal(2, speech.GetTagItem("nko.windows"));
        Assert.Equal(t.EditCount, speech.GetTagItem("nko.edits"));
        Activity[] corrections = [.. recorder.Stopped.Where(a => a.OperationName == RankerTelemetry.ActivityName)];
        Assert.Equal(2, corrections.Length);
        Assert.All(corrections, c => Assert.Equal(speech.SpanId, c.ParentSpanId));
        Assert.Equal(t.Windows.Select(w => w.Correction!.Edits.Length), corrections.Select(c => (int)c.GetTagItem("nko.edits")!));
    }

    [Fact]
    public async Task Correction_off_is_counted_as_none_without_a_mode_or_correction_records()
    {
        using var recorder = new Recorder();
        using var client = new NkoSpeechToTextClient(TestAssets.Pipeline);
        var options = new SpeechToTextOptions { AdditionalProperties = new() { [NkoSpeechProperties.Correct] = false } };
        await using FileStream audio = File.OpenRead(TestAssets.Wav("dev_000.wav"));
        await client.GetTextAsync(audio, options);

        Measurement utterance = Assert.Single(recorder.Of(SpeechTelemetry.Utterances));
        Assert.Equal("none", utterance.Tags[RankerTelemetry.DecisionTag]);
        Assert.False(utterance.Tags.ContainsKey(RankerTelemetry.ModeTag));
        Assert.Empty(recorder.Of(RankerTelemetry.Decisions));
        Assert.Equal(false, Assert.Single(recorder.Stopped, a => a.OperationName == SpeechTelemetry.ActivityName).GetTagItem("nko.correct"));
    }

    [Fact]
    public async Task A_cancelled_transcription_ends_its_span_with_an_error_and_is_not_counted()
    {
        using var recorder = new Recorder();
        using var cts = new CancellationTokenSource();
        var model = new CancelOnRunModel(TestAssets.Model, cts, cancelOnRun: 1);
        using var client = new NkoSpeechToTextClient(new SpeechCorrectionPipeline(model, new CorrectionPipeline(TestAssets.Pipeline.Config)));
        await using FileStream audio = File.OpenRead(TestAssets.Wav("dev_000.wav"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetTextAsync(audio, null, cts.Token));

        Activity speech = Assert.Single(recorder.Stopped, a => a.OperationName == SpeechTelemetry.ActivityName);
        Assert.Equal(ActivityStatusCode.Error, speech.Status);
        Assert.Equal(typeof(OperationCanceledException).FullName, speech.GetTagItem("error.type"));
        Assert.Empty(recorder.Of(SpeechTelemetry.Utterances));
        Assert.Empty(recorder.Of(RankerTelemetry.Decisions));
    }
}
