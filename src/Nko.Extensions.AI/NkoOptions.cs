using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Nko.Ranker.Configuration;

namespace Nko.Extensions.AI;

/// <summary>
/// What <see cref="NkoServiceCollectionExtensions"/> registers, bound from the configuration section <c>"Nko"</c>
/// (<see cref="SectionName"/>) or set in code:
/// <code>
/// "Nko": { "Config": "models/nko-tts/ranker.json", "Mode": "conservative", "Model": "models/nko-tts/nko_tts_ctc.onnx" }
/// </code>
/// </summary>
/// <remarks>
/// Validated once when the host starts (<c>ValidateOnStart</c>) by a source-generated validator (no reflection) plus
/// file checks: <see cref="Config"/>, when set, must exist (omitted: <see cref="RankerConfig.Default"/>, the config shipped
/// in Nko.Ranker, trained on simulated emissions); <see cref="Model"/> is required by the speech registrations without a model
/// factory and must exist. The mode is checked against the config when the config is first resolved (it needs
/// the config loaded). Relative paths are resolved against the current directory.
/// </remarks>
public sealed class NkoOptions
{
    /// <summary>The configuration section the non-keyed registrations bind: <c>"Nko"</c>.</summary>
    public const string SectionName = "Nko";

    /// <summary>
    /// The ranker config file (JSON; a schema-2/3 config loads its language model from beside it); <see langword="null"/>
    /// or empty (default) for <see cref="RankerConfig.Default"/>, the config shipped in Nko.Ranker. That one is trained
    /// on SIMULATED emissions: with a real recogniser, name a config trained on its output (for the bundled
    /// <c>nko_tts_ctc.onnx</c>, <c>models/nko-tts/ranker.json</c>).
    /// </summary>
    public string? Config { get; set; }

    /// <summary>The operating mode every call uses unless it names one; <see langword="null"/> or empty (default) for the config's default mode.</summary>
    public string? Mode { get; set; }

    /// <summary>
    /// The ONNX acoustic model (log-mel in, CTC log-probs out) for the speech registrations; not used by the correction
    /// registrations, and must be omitted when the registration is given a model factory (e.g. the Nko.Models.NkoTts bundle).
    /// </summary>
    public string? Model { get; set; }

    /// <summary>ONNX Runtime intra-op threads for the model; <see langword="null"/> (default) for ONNX Runtime's own choice.</summary>
    [Range(1, 1024)]
    public int? ModelThreads { get; set; }
}

/// <summary>The source-generated validator of <see cref="NkoOptions"/>' data annotations (AOT- and trimming-safe).</summary>
[OptionsValidator]
public sealed partial class NkoOptionsValidator : IValidateOptions<NkoOptions>
{
}
