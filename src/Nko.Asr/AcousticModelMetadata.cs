using System.Globalization;

namespace Nko.Asr;

/// <summary>
/// The <c>nko.*</c> entries of a model file's metadata (ONNX <c>metadata_props</c>, CoreML user-defined metadata) that
/// state its input contract. Every entry is optional; a present entry that cannot be parsed is an error at load.
/// </summary>
/// <remarks>
/// Keys: <c>nko.frontend</c> (<c>whisper-log-mel</c> or <c>features</c>), <c>nko.n_mels</c>, <c>nko.sample_rate</c>,
/// <c>nko.window_samples</c> (audio samples per window; frames = samples / 160), <c>nko.frame_reduction</c> (k:
/// output frames = ceil(input frames / k)), <c>nko.classes</c>, <c>nko.blank</c> (<c>first</c> or <c>last</c>).
/// </remarks>
public sealed record AcousticModelMetadata
{
    /// <summary>The value of <c>nko.frontend</c> naming a Whisper log-mel front end.</summary>
    public const string WhisperLogMel = "whisper-log-mel";

    /// <summary>The value of <c>nko.frontend</c> naming encoder features.</summary>
    public const string FeaturesFrontEnd = "features";

    /// <summary>No entries.</summary>
    public static AcousticModelMetadata Empty { get; } = new();

    /// <summary><c>nko.frontend</c>.</summary>
    public string? FrontEnd { get; init; }

    /// <summary>The input kind <c>nko.frontend</c> implies, if stated.</summary>
    public AcousticInputKind? InputKind => FrontEnd switch
    {
        WhisperLogMel => AcousticInputKind.LogMel,
        FeaturesFrontEnd => AcousticInputKind.Features,
        _ => null,
    };

    /// <summary><c>nko.n_mels</c>.</summary>
    public int? Mels { get; init; }

    /// <summary><c>nko.sample_rate</c>.</summary>
    public int? SampleRate { get; init; }

    /// <summary><c>nko.window_samples</c>.</summary>
    public int? WindowSamples { get; init; }

    /// <summary><c>nko.frame_reduction</c> as a rule (<c>ceil(T_in / k)</c>).</summary>
    public FrameReduction? FrameReduction { get; init; }

    /// <summary><c>nko.classes</c>.</summary>
    public int? Classes { get; init; }

    /// <summary><c>nko.blank</c>.</summary>
    public CtcBlankPosition? Blank { get; init; }

    /// <summary>Whether no entry is present.</summary>
    public bool IsEmpty => this == Empty;

    /// <summary>Reads the <c>nko.*</c> entries of a model's metadata; other keys are ignored.</summary>
    /// <param name="metadata">The model's key/value metadata.</param>
    /// <param name="modelName">Names the model in error messages.</param>
    /// <exception cref="AcousticModelException">An entry is malformed (the message names the key, the value and what is accepted).</exception>
    public static AcousticModelMetadata Parse(IReadOnlyDictionary<string, string>? metadata, string modelName)
    {
        if (metadata is null || metadata.Count == 0)
        {
            return Empty;
        }

        string? frontEnd = metadata.GetValueOrDefault("nko.frontend")?.Trim();
        if (frontEnd is not null and not (WhisperLogMel or FeaturesFrontEnd))
        {
            throw Malformed(modelName, "nko.frontend", frontEnd, $"'{WhisperLogMel}' or '{FeaturesFrontEnd}'");
        }

        int? reduction = PositiveInt(metadata, "nko.frame_reduction", modelName);
        string? blank = metadata.GetValueOrDefault("nko.blank")?.Trim();
        CtcBlankPosition? blankPosition = blank switch
        {
            null => null,
            "first" => CtcBlankPosition.First,
            "last" => CtcBlankPosition.Last,
            _ => throw Malformed(modelName, "nko.blank", blank, "'first' or 'last'"),
        };
        return new AcousticModelMetadata
        {
            FrontEnd = frontEnd,
            Mels = PositiveInt(metadata, "nko.n_mels", modelName),
            SampleRate = PositiveInt(metadata, "nko.sample_rate", modelName),
            WindowSamples = PositiveInt(metadata, "nko.window_samples", modelName),
            FrameReduction = reduction is int k ? Nko.Asr.FrameReduction.Ceiling(k) : null,
            Classes = PositiveInt(metadata, "nko.classes", modelName),
            Blank = blankPosition,
        };
    }

    private static int? PositiveInt(IReadOnlyDictionary<string, string> metadata, string key, string modelName)
    {
        if (!metadata.TryGetValue(key, out string? text))
        {
            return null;
        }

        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw Malformed(modelName, key, text, "a positive integer");
    }

    private static AcousticModelException Malformed(string modelName, string key, string value, string expected) =>
        new($"Model '{modelName}': metadata {key} = '{value}' is not valid; expected {expected}. Fix the model's metadata, or ignore it with AcousticModelOptions.ReadMetadata = false and state the contract in the options.");
}
