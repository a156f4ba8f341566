using Nko.Audio;

namespace Nko.Speech;

/// <summary>Per-call options of <see cref="SpeechCorrectionPipeline"/>'s <c>Transcribe</c> methods. Immutable; share freely.</summary>
public sealed record TranscriptionOptions
{
    /// <summary>The defaults: the config's default mode, correction on, <see cref="AudioReadOptions.Default"/>.</summary>
    public static TranscriptionOptions Default { get; } = new();

    /// <summary>The operating mode of the correction; <see langword="null"/> (default) for the config's default mode.</summary>
    public string? Mode { get; init; }

    /// <summary>
    /// Whether the greedy hypothesis of each window is corrected (default <see langword="true"/>). When
    /// <see langword="false"/>, each window's <see cref="SpeechWindowResult.Correction"/> is <see langword="null"/> and its
    /// text is the greedy hypothesis.
    /// </summary>
    public bool Correct { get; init; } = true;

    /// <summary>Limits and sample conversion for audio read from a file or a stream; <see langword="null"/> (default) for <see cref="AudioReadOptions.Default"/>.</summary>
    public AudioReadOptions? Audio { get; init; }
}
