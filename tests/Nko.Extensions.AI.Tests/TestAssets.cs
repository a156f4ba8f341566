using Nko.Asr.Onnx;
using Nko.Audio;
using Nko.Speech;
using Nko.Testing;

namespace Nko.Extensions.AI.Tests;

/// <summary>The bundled recogniser, its ranker config and the bundled speech samples, loaded once.</summary>
internal static class TestAssets
{
    public static string ModelPath => RepositoryPaths.Combine("models", "nko-tts", "nko_tts_ctc.onnx");

    public static string ConfigPath => RepositoryPaths.Combine("models", "nko-tts", "ranker.json");

    public static string SimulatedConfigPath => RepositoryPaths.Combine("models", "candidate_ranker_v1.json");

    public static string Wav(string name) => RepositoryPaths.Combine("samples", "speech", name);

    public static OnnxAcousticModel Model => field ??= new OnnxAcousticModel(ModelPath, sessionOptions: new OnnxSessionOptions { IntraOpThreads = 1 });

    public static SpeechCorrectionPipeline Pipeline => field ??= SpeechCorrectionPipeline.Create(Model, ConfigPath);

    /// <summary>Two bundled utterances with 10 s of silence between them: 16 kHz samples over two 15 s windows.</summary>
    public static float[] TwoWindowSamples => field ??=
    [
        .. AudioLoader.LoadMono16k(Wav("dev_000.wav")),
        .. new float[10 * SpeechCorrectionPipeline.SampleRate],
        .. AudioLoader.LoadMono16k(Wav("dev_037.wav")),
    ];
}
