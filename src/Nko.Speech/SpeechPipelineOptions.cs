using Nko.TurboQuant;

namespace Nko.Speech;

/// <summary>Options of <see cref="SpeechCorrectionPipeline"/>.</summary>
public sealed record SpeechPipelineOptions
{
    /// <summary>The default: no quantisation.</summary>
    public static SpeechPipelineOptions Default { get; } = new();

    /// <summary>
    /// When set, features are quantised and dequantised with these options before the acoustic model runs — what a
    /// deployment that stores or ships quantised features sees. <see langword="null"/> (default) passes features through.
    /// </summary>
    public QuantOptions? Quantization { get; init; }
}
