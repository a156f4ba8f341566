using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Nko.Asr.Onnx;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Speech;

namespace Nko.Benchmarks.Telemetry;

/// <summary>
/// What the metrics and spans cost, with nothing listening and with a <see cref="MeterListener"/> and an
/// <see cref="ActivityListener"/> (all data, recorded) on the <c>Nko.Ranker</c> and <c>Nko.Speech</c> sources:
/// <see cref="Correct"/> is one whole correction (the 50 bundled dev rows, shipped simulated-emission config,
/// conservative mode), <see cref="RecordUtterance"/> is only what a transcription adds for telemetry (start the span,
/// record the counters, histograms and tags of a finished two-window transcription, stop the span).
/// </summary>
/// <remarks>
/// Without a listener, <see cref="Correct"/> allocates only its result (as before telemetry) and
/// <see cref="RecordUtterance"/> allocates nothing; the allocated-bytes column with a listener is the price of the spans.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
public class TelemetryBenchmarks
{
    private const int Rows = 50;
    private CorrectionPipeline _pipeline = null!;
    private LogProbMatrix[] _matrices = [];
    private string[] _hypotheses = [];
    private double[] _scores = [];
    private SpeechTranscription _transcription = null!;
    private MeterListener? _meters;
    private ActivityListener? _activities;
    private double _sink;

    /// <summary>Whether a meter listener and an activity listener are attached.</summary>
    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pipeline = new CorrectionPipeline(RankerConfig.Load(Path.Combine(BenchmarkData.RepositoryRoot, "models", "candidate_ranker_v1.json")));
        CtcDataset data = BenchmarkData.Sample;
        _matrices = Enumerable.Range(0, Rows).Select(data.GetLogProbs).ToArray();
        _hypotheses = data.Rows.Take(Rows).Select(r => r.Hypothesis).ToArray();
        _scores = data.Rows.Take(Rows).Select(r => r.AsrScore).ToArray();

        // A real finished transcription to record (two windows, corrected), made before anything listens.
        string root = BenchmarkData.RepositoryRoot;
        using var model = new OnnxAcousticModel(Path.Combine(root, "models", "nko-tts", "nko_tts_ctc.onnx"), sessionOptions: new OnnxSessionOptions { IntraOpThreads = 1 });
        var speech = SpeechCorrectionPipeline.Create(model, Path.Combine(root, "models", "nko-tts", "ranker.json"));
        _transcription = speech.Transcribe(new float[(speech.WindowSamples * 3) / 2]);

        if (Listening)
        {
            _meters = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name is RankerTelemetry.Name or SpeechTelemetry.Name)
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _meters.SetMeasurementEventCallback<long>((_, value, _, _) => _sink += value);
            _meters.SetMeasurementEventCallback<double>((_, value, _, _) => _sink += value);
            _meters.Start();
            _activities = new ActivityListener
            {
                ShouldListenTo = s => s.Name is RankerTelemetry.Name or SpeechTelemetry.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a => _sink += a.Duration.Ticks,
            };
            ActivitySource.AddActivityListener(_activities);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _meters?.Dispose();
        _activities?.Dispose();
        _meters = null;
        _activities = null;
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "correct one utterance")]
    public int Correct()
    {
        int edits = 0;
        for (int i = 0; i < Rows; i++)
        {
            edits += _pipeline.Correct(_matrices[i], _hypotheses[i], "conservative", _scores[i]).Edits.Length;
        }

        return edits;
    }

    [Benchmark(Description = "record one transcription")]
    public void RecordUtterance()
    {
        Activity? activity = SpeechTelemetry.Start();
        SpeechTelemetry.Record(_transcription, "conservative", activity);
        activity?.Dispose();
    }
}
