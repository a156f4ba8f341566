using System.Text.Json;
using Nko.Asr;
using Nko.Asr.Onnx;
using Nko.Testing;

namespace Nko.Speech.Tests;

/// <summary>
/// The bundled recogniser (<c>models/nko-tts/nko_tts_ctc.onnx</c>) and the <c>nko-tts-asr</c> dev data
/// (<c>../shared/data/nko-tts-asr</c> beside the repository, or under <c>$NKO_SHARED_DATA</c>).
/// </summary>
internal static class SpeechTestData
{
    public static string SharedData { get; } = Environment.GetEnvironmentVariable("NKO_SHARED_DATA") is { Length: > 0 } fromEnvironment
        ? fromEnvironment
        : Path.GetFullPath(RepositoryPaths.Combine("..", "shared", "data"));

    public static string ModelPath => RepositoryPaths.Combine("models", "nko-tts", "nko_tts_ctc.onnx");

    public static string ConfigPath => RepositoryPaths.Combine("models", "nko-tts", "ranker.json");

    public static string DevWav(string file) => Path.Combine(SharedData, "nko-tts-asr", "dev-wav", file);

    public static string Dev => Path.Combine(SharedData, "nko-tts-asr", "dev");

    public static bool HasDevData => File.Exists(DevWav("manifest.jsonl")) && File.Exists(Path.Combine(Dev, "logprobs.npy"));

    /// <summary>The dev WAV manifest: file, reference and the row of <c>dev/</c>.</summary>
    public static IReadOnlyList<(string File, string Reference, int Index)> Manifest => field ??= [.. File.ReadLines(DevWav("manifest.jsonl"))
        .Where(static l => l.Length > 0)
        .Select(static l =>
        {
            using JsonDocument doc = JsonDocument.Parse(l);
            JsonElement r = doc.RootElement;
            return (r.GetProperty("file").GetString()!, r.GetProperty("ref").GetString()!, r.GetProperty("index").GetInt32());
        })];

    /// <summary>One shared, single-threaded load of the bundled recogniser (thread-safe to run concurrently).</summary>
    public static OnnxAcousticModel Model => field ??= new OnnxAcousticModel(ModelPath, sessionOptions: new OnnxSessionOptions { IntraOpThreads = 1 });

    public static IAcousticModel LoadModel() => new OnnxAcousticModel(ModelPath, sessionOptions: new OnnxSessionOptions { IntraOpThreads = 1 });
}

/// <summary>A fact that is skipped, with the reason, when the nko-tts-asr dev data is absent.</summary>
internal sealed class DevDataFactAttribute : FactAttribute
{
    public DevDataFactAttribute()
    {
        if (!SpeechTestData.HasDevData)
        {
            Skip = $"Needs {SpeechTestData.DevWav("manifest.jsonl")} and the dev rows (../shared/data/nko-tts-asr); set NKO_SHARED_DATA to the shared data folder to run.";
        }
    }
}
