using Nko.Asr;
using Nko.Asr.Onnx;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Speech;

namespace Nko.Models.NkoTts;

/// <summary>
/// The bundled N'Ko recogniser <c>nko_tts_ctc</c> (the repository's <c>models/nko-tts/</c>), embedded in this assembly:
/// the ONNX model (Whisper log-mel with 80 mels over 15 s windows in, CTC log-probs <c>[T/4, 66]</c> out), its schema-3
/// ranker config and the config's character 6-gram language model. No files are needed.
/// </summary>
/// <remarks>
/// <para><b>A demonstration default, trained on a synthetic TTS corpus</b> (espeak-ng voices reading transliterated
/// N'Ko sentences, with noise): greedy CER 0.284 on its own dev split, and it says nothing about real Bambara/N'Ko
/// speech. Apps should bring their own recogniser, and a ranker config trained on its output, for production.</para>
/// <para>Thread-safe. <see cref="Config"/> is loaded once; every <see cref="CreateAcousticModel"/> call loads a new
/// ONNX Runtime session, which the caller owns and disposes. Running the model needs ONNX Runtime's native library in the
/// app (the <c>Microsoft.ML.OnnxRuntime</c> package, or a GPU/DirectML/CoreML variant).</para>
/// </remarks>
public static class NkoTtsBundle
{
    /// <summary>The bundled recogniser's name, as its file is named (<c>nko_tts_ctc.onnx</c>).</summary>
    public const string ModelName = "nko_tts_ctc";

    // The manifest resource names (Nko.Models.NkoTts.csproj); a config reference "x" is the resource ResourcePrefix + "x".
    internal const string ResourcePrefix = "Nko.Models.NkoTts.";
    internal const string ModelResource = ResourcePrefix + ModelName + ".onnx";
    internal const string ConfigResource = ResourcePrefix + "ranker.json";

    private static RankerConfig? s_config;

    /// <summary>
    /// The bundled recogniser's ranker config (<c>nko_tts_ranker</c>, schema 3: language-model features and the
    /// beam-revision stage, default mode conservative) with its language model, loaded and hash-checked once on first
    /// use; the same instance every time (configs are immutable and thread-safe).
    /// </summary>
    /// <exception cref="InvalidOperationException">A resource is missing from the assembly (a broken build or an over-eager trimmer).</exception>
    /// <exception cref="RankerConfigException">The embedded config or language model is invalid (a broken build).</exception>
    public static RankerConfig Config => Volatile.Read(ref s_config) ?? LoadConfigOnce();

    /// <summary>Loads a new copy of the bundled ranker config with its language model (see <see cref="Config"/>, which caches one).</summary>
    /// <exception cref="InvalidOperationException">A resource is missing from the assembly.</exception>
    /// <exception cref="RankerConfigException">The embedded config or language model is invalid.</exception>
    public static RankerConfig LoadRankerConfig()
    {
        using Stream config = Open(ConfigResource);
        return RankerConfig.LoadWithReferences(config, OpenReference);
    }

    /// <summary>The bundled ONNX model's bytes (a new array each call; 2.6 MB).</summary>
    /// <exception cref="InvalidOperationException">The resource is missing from the assembly.</exception>
    public static byte[] ReadModelBytes()
    {
        using Stream stream = Open(ModelResource);
        byte[] bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Loads the bundled recogniser into a new ONNX Runtime session (log-mel in, CTC log-probs out; the caller disposes it).</summary>
    /// <param name="sessionOptions">ONNX Runtime settings; <see langword="null"/> for <see cref="OnnxSessionOptions.Default"/>.</param>
    /// <exception cref="InvalidOperationException">The resource is missing from the assembly.</exception>
    /// <exception cref="AcousticModelException">ONNX Runtime cannot load the model.</exception>
    /// <exception cref="DllNotFoundException">ONNX Runtime's native library is missing: add the <c>Microsoft.ML.OnnxRuntime</c> package to the app.</exception>
    public static OnnxAcousticModel CreateAcousticModel(OnnxSessionOptions? sessionOptions = null) =>
        new(ReadModelBytes(), sessionOptions: sessionOptions);

    /// <summary>
    /// A speech pipeline over <paramref name="model"/> (normally from <see cref="CreateAcousticModel"/>) that corrects
    /// with <see cref="Config"/>. The pipeline does not own the model: dispose the model when done.
    /// </summary>
    /// <param name="model">The acoustic model; its vocabulary must be the config's (N'Ko, blank first).</param>
    /// <param name="options">Pipeline options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">The model's vocabulary differs from the config's.</exception>
    public static SpeechCorrectionPipeline CreateSpeechPipeline(IAcousticModel model, SpeechPipelineOptions? options = null) =>
        new(model, new CorrectionPipeline(Config), options);

    // Opens a file the config references by its path as written (e.g. "ranker.nkolm"); null when the bundle has none.
    internal static Stream? OpenReference(string path) =>
        typeof(NkoTtsBundle).Assembly.GetManifestResourceStream(ResourcePrefix + path);

    private static Stream Open(string resource) =>
        typeof(NkoTtsBundle).Assembly.GetManifestResourceStream(resource)
        ?? throw new InvalidOperationException($"The bundled '{resource}' is not embedded in {typeof(NkoTtsBundle).Assembly.GetName().Name}; the package is broken.");

    private static RankerConfig LoadConfigOnce()
    {
        RankerConfig loaded = LoadRankerConfig();
        return Interlocked.CompareExchange(ref s_config, loaded, null) ?? loaded;
    }
}
