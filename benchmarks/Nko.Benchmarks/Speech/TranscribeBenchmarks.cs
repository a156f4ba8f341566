using Nko.Testing;
using BenchmarkDotNet.Attributes;
using Nko.Asr;
using Nko.Asr.Onnx;
using Nko.Audio;
using Nko.Ctc;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Speech;

namespace Nko.Benchmarks.Speech;

/// <summary>
/// <c>transcribe</c> of one 15 s utterance with the bundled trained recogniser (<c>models/nko-tts/nko_tts_ctc.onnx</c>,
/// one ONNX Runtime thread) and its ranker config, split into its steps: reading the WAV, the Whisper log-mel of the
/// 15 s window (front end), the model run, and greedy + correction in the config's default mode and in the aggressive
/// mode (which edits more); <see cref="Transcribe"/> is the whole pipeline from samples.
/// </summary>
/// <remarks>
/// The utterance is the five bundled sample WAV files (<c>samples/speech</c>) back to back, cut to exactly 240,000 samples
/// (one full window, so no padding).
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
public class TranscribeBenchmarks
{
    private const int Window = 240000;

    private OnnxAcousticModel _model = null!;
    private CorrectionPipeline _correction = null!;
    private SpeechCorrectionPipeline _speech = null!;
    private WhisperLogMel _logMel = null!;
    private byte[] _wav = null!;
    private float[] _samples = null!;
    private float[] _mel = null!;
    private float[] _logProbs = null!;
    private LogProbMatrix _matrix;
    private double _asrScore;

    [GlobalSetup]
    public void Setup()
    {
        string root = BenchmarkData.RepositoryRoot;
        _model = new OnnxAcousticModel(Path.Combine(root, "models", "nko-tts", "nko_tts_ctc.onnx"), sessionOptions: new OnnxSessionOptions { IntraOpThreads = 1 });
        _correction = new CorrectionPipeline(RankerConfig.Load(Path.Combine(root, "models", "nko-tts", "ranker.json")));
        _speech = new SpeechCorrectionPipeline(_model, _correction);
        _logMel = new WhisperLogMel(80);

        var samples = new List<float>();
        foreach (string wav in Directory.GetFiles(Path.Combine(root, "samples", "speech"), "*.wav").Order(StringComparer.Ordinal))
        {
            samples.AddRange(AudioLoader.LoadMono16k(wav));
        }

        if (samples.Count < Window)
        {
            throw new InvalidOperationException($"The bundled samples hold {samples.Count} samples, fewer than one 15 s window.");
        }

        _samples = [.. samples.Take(Window)];
        _wav = TestWav.Pcm16(_samples, channels: 1, rate: 16000);
        _mel = new float[80 * 1500];
        _logProbs = new float[375 * 66];
        FrontEnd();
        Model();
        _matrix = new LogProbMatrix(_logProbs, 375, 66);
        _asrScore = SpeechCorrectionPipeline.MeanBestLogProb(_matrix, 375);
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    /// <summary>Reading the 15 s WAV (PCM16, 16 kHz mono) from bytes into float samples.</summary>
    [Benchmark]
    public int ReadWav() => AudioLoader.LoadMono16k(_wav).Length;

    /// <summary>Whisper log-mel (80 mels) of the 15 s window: 1500 frames.</summary>
    [Benchmark]
    public int FrontEnd() => _logMel.ComputeWindow(_samples, _mel, Window);

    /// <summary>The recogniser on the window's log-mel: [1, 80, 1500] → [375, 66].</summary>
    [Benchmark]
    public int Model() => _model.Run(AcousticFeatures.FromLogMel(_mel, 80, 1500), _logProbs);

    /// <summary>Greedy decoding and correction in the config's default mode.</summary>
    [Benchmark]
    public int Correction() => _correction.Correct(new CorrectionRequest(_matrix) { AsrScore = _asrScore }).Edits.Length;

    /// <summary>Greedy decoding and correction in the aggressive mode.</summary>
    [Benchmark]
    public int CorrectionAggressive() => _correction.Correct(new CorrectionRequest(_matrix) { AsrScore = _asrScore, Mode = "aggressive" }).Edits.Length;

    /// <summary>The whole pipeline from samples: front end, model, correction (default mode).</summary>
    [Benchmark]
    public int Transcribe() => _speech.Transcribe(_samples).Text.Length;
}
