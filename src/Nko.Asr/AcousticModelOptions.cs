using Nko.Ctc;

namespace Nko.Asr;

/// <summary>
/// Back-end-independent settings of an acoustic model: what its output holds, its vocabulary, which tensors to use
/// and how its time axis is reduced. Immutable; share one instance between models freely. Every value is checked when it
/// is set (an <see cref="ArgumentOutOfRangeException"/> whose <see cref="ArgumentException.ParamName"/> is the property
/// name), so every instance is valid.
/// </summary>
public sealed record AcousticModelOptions
{
    /// <summary>The default options: N'Ko vocabulary with the blank first, log-prob output, the model's only input and output, inferred frame reduction.</summary>
    public static AcousticModelOptions Default { get; } = new();

    /// <summary>
    /// The output classes and blank convention. Default: <see cref="CtcVocabulary.NkoBlankFirst"/> (blank = 0,
    /// U+07C0..U+07FF = 1..64, space = 65). The model's class count must equal <see cref="CtcVocabulary.Count"/>.
    /// </summary>
    public CtcVocabulary Vocabulary { get; init; } = CtcVocabulary.NkoBlankFirst;

    /// <summary>
    /// What the model emits. Default: <see cref="AcousticOutputKind.LogProbs"/> (passed through; the first frame is
    /// checked to be normalised when <see cref="ValidateOutput"/> is on, so a logits model is caught early).
    /// </summary>
    public AcousticOutputKind OutputKind { get; init => field = Defined(value, nameof(OutputKind)); } = AcousticOutputKind.LogProbs;

    /// <summary>The input tensor's name. Default <see langword="null"/>: the model must have exactly one input.</summary>
    public string? InputName { get; init; }

    /// <summary>The output tensor's name. Default <see langword="null"/>: the model must have exactly one output.</summary>
    public string? OutputName { get; init; }

    /// <summary>
    /// The input-to-output frame rule. Default <see langword="null"/>: the model's <c>nko.frame_reduction</c> metadata, else inferred at load by running the model on a few
    /// short zero inputs (see <see cref="Nko.Asr.FrameReduction.Infer(Func{int, int}, int, int)"/>). Set it to skip the probe.
    /// </summary>
    public FrameReduction? FrameReduction { get; init; }

    /// <summary>
    /// What the model takes: encoder features <c>[frames, D]</c> or log-mel <c>[mels, frames]</c>. Default
    /// <see langword="null"/>: from the model's <c>nko.frontend</c> metadata, else from its signature (the time axis is
    /// the dynamic one of the last two input dimensions; with both fixed, an input named <c>input_features</c> is log-mel
    /// as in Whisper encoder exports, anything else features). When both this and the metadata are set they must agree.
    /// </summary>
    public AcousticInputKind? InputKind { get; init => field = value is { } kind ? Defined(kind, nameof(InputKind)) : null; }

    /// <summary>
    /// The number of mel bands the caller's front end produces, checked at load against the model's input and its
    /// <c>nko.n_mels</c> metadata (a mismatch is an <see cref="AcousticModelException"/>). Default <see langword="null"/>: no check.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int? Mels { get; init => field = Positive(value, nameof(Mels)); }

    /// <summary>
    /// The input frames per window the caller produces, checked at load against a fixed input length and the model's
    /// <c>nko.window_samples</c> metadata (a mismatch is an <see cref="AcousticModelException"/>); for a model that states
    /// no window it becomes the contract's window. Default <see langword="null"/>: the model's.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int? WindowFrames { get; init => field = Positive(value, nameof(WindowFrames)); }

    /// <summary>
    /// Whether the model's <c>nko.*</c> metadata (<see cref="AcousticModelMetadata"/>) is read. Default
    /// <see langword="true"/>; set <see langword="false"/> to ignore wrong metadata and state the contract in these options.
    /// </summary>
    public bool ReadMetadata { get; init; } = true;

    /// <summary>
    /// Whether every result is checked for NaN and +∞ (and, for <see cref="AcousticOutputKind.LogProbs"/>, that the first
    /// frame sums to probability 1 within 1e-2 in log space). Default <see langword="true"/>; the check costs one
    /// vectorised pass over the output.
    /// </summary>
    public bool ValidateOutput { get; init; } = true;

    private static int? Positive(int? value, string name) =>
        value is not < 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1 when set.");

    private static T Defined<T>(T value, string name)
        where T : struct, Enum =>
        Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be one of the {typeof(T).Name} values.");
}
