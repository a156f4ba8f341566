namespace Nko.Ranker.Configuration;

// The config that ships inside this package, so the common case needs no file.
public sealed partial class RankerConfig
{
    /// <summary>The manifest resource name of <see cref="Default"/>'s JSON inside this assembly.</summary>
    private const string DefaultResource = "Nko.Ranker.candidate_ranker_v1.json";

    private static RankerConfig? s_default;

    /// <summary>
    /// The config shipped inside this package (<c>candidate_ranker_v1</c>, the repository's
    /// <c>models/candidate_ranker_v1.json</c>, 76 KB), loaded and validated once on first use; no file needed.
    /// </summary>
    /// <remarks>
    /// <para><b>Trained on SIMULATED emissions.</b> Its ranker and operating modes were fitted to simulated CTC
    /// emissions over real N'Ko sentences (<c>nko-ctc-sim</c>; see <see cref="Provenance"/>), not to a real
    /// recogniser's output. It shows the library working and is a reasonable starting point, but its thresholds are
    /// calibrated for that simulation: on a real recogniser, load a config trained on that recogniser's output
    /// (<c>nko train</c>), e.g. <c>models/nko-tts/ranker.json</c> for the bundled <c>nko_tts_ctc.onnx</c>.</para>
    /// <para>Schema 1 (no language model, no beam revision). The same instance is returned every time (configs are
    /// immutable and thread-safe).</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The resource is missing from the assembly (a broken build or an over-eager trimmer).</exception>
    public static RankerConfig Default => Volatile.Read(ref s_default) ?? LoadDefault();

    private static RankerConfig LoadDefault()
    {
        using Stream stream = typeof(RankerConfig).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException($"The default ranker config ('{DefaultResource}') is not embedded in {typeof(RankerConfig).Assembly.GetName().Name}; the package is broken.");
        RankerConfig loaded = Load(stream);
        return Interlocked.CompareExchange(ref s_default, loaded, null) ?? loaded;
    }
}
