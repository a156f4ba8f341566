using Nko.Data;
using Nko.TurboQuant;
using Nko.TurboQuant.Kernels;

namespace Nko.Benchmarks.TurboQuant;

/// <summary>Shared input for the quantisation benchmarks: Whisper-like encoder features, [1500, 1280] fp16.</summary>
internal static class QuantBench
{
    public const int Frames = 1500;
    public const int Channels = 1280;

    /// <summary>../shared/models/fixtures/whisper_like_features.npy when present, else deterministic synthetic data of the same shape.</summary>
    public static Half[] Features => s_features.Value;

    private static readonly Lazy<Half[]> s_features = new(Load);

    public static Quantizer Create(QuantOptions options, KernelPath path) => new(options, Channels, path);

    private static Half[] Load()
    {
        string path = Path.GetFullPath(Path.Combine(BenchmarkData.RepositoryRoot, "..", "shared", "models", "fixtures", "whisper_like_features.npy"));
        if (File.Exists(path))
        {
            NpyArray array = NpyFile.Read(path);
            if (array.Length == (long)Frames * Channels)
            {
                return array.ToHalfArray();
            }
        }

        var rng = new Random(1500);
        Half[] x = new Half[Frames * Channels];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (Half)(((rng.NextSingle() * 2) - 1) * (1 + (i % Channels % 97 == 0 ? 50 : 0)));
        }

        return x;
    }
}
