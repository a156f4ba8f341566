using System.Globalization;
using System.Text;

namespace Nko.Asr;

/// <summary>
/// What a model (an <see cref="IAcousticModel"/> or an <see cref="IAcousticEncoder"/>) takes and gives: input kind and
/// width (mel bands or feature width D), the window it was built for, its frame reduction and, for CTC models, its
/// classes and blank. Back ends resolve it once, at load, from the model's metadata and signature and the options, and
/// refuse a model whose declarations disagree with each other or with the options.
/// </summary>
/// <remarks>
/// A front end reads it to produce matching input: <see cref="Kind"/> and <see cref="Dimension"/> say log-mel with how
/// many mel bands (or features of which width); <see cref="WindowFrames"/> (and <see cref="WindowSamples"/>) the window
/// length; <see cref="IsWindowFixed"/> whether the model accepts only that length.
/// </remarks>
public sealed partial record AcousticInputContract
{
    /// <summary>The hop of Whisper's log-mel front end in samples (10 ms at 16 kHz): one log-mel frame per hop.</summary>
    public const int WhisperHopLength = 160;

    /// <summary>The sample rate of Whisper's log-mel front end in Hz.</summary>
    public const int WhisperSampleRate = 16000;

    /// <summary>The input kind, and so the layout of the input: <c>[frames, D]</c> features or <c>[mels, frames]</c> log-mel.</summary>
    public required AcousticInputKind Kind { get; init; }

    /// <summary>The feature width D, or the number of mel bands for <see cref="AcousticInputKind.LogMel"/>.</summary>
    public required int Dimension { get; init; }

    /// <summary>
    /// The input frames per window the model was built for: its only accepted length when <see cref="IsWindowFixed"/>,
    /// otherwise the length of the windows it was trained on (inputs of other lengths are accepted). <see langword="null"/>
    /// when the model states none.
    /// </summary>
    public int? WindowFrames { get; init; }

    /// <summary>Whether the model accepts exactly <see cref="WindowFrames"/> input frames and no other length.</summary>
    public bool IsWindowFixed { get; init; }

    /// <summary>The sample rate of the audio the log-mel front end starts from (16 kHz for Whisper); <see langword="null"/> for features.</summary>
    public int? SampleRate { get; init; }

    /// <summary>The window in audio samples at <see cref="SampleRate"/> for a log-mel model (<see cref="WindowFrames"/> × 160); otherwise <see langword="null"/>.</summary>
    public int? WindowSamples => Kind == AcousticInputKind.LogMel && WindowFrames is int frames ? frames * WhisperHopLength : null;

    /// <summary>The front end named by the model (<c>nko.frontend</c>, e.g. <c>whisper-log-mel</c>); <see langword="null"/> when unstated.</summary>
    public string? FrontEnd { get; init; }

    /// <summary>The input-to-output frame rule of a flexible time axis; <see langword="null"/> for a fixed window.</summary>
    public FrameReduction? FrameReduction { get; init; }

    /// <summary>The output frames of one <see cref="WindowFrames"/> window, when both are known.</summary>
    public int? WindowOutputFrames { get; init; }

    /// <summary>The output classes C of a CTC model (blank included); <see langword="null"/> for an encoder.</summary>
    public int? Classes { get; init; }

    /// <summary>The index of the CTC blank among <see cref="Classes"/>; <see langword="null"/> for an encoder.</summary>
    public int? BlankIndex { get; init; }

    /// <summary>A contract for <paramref name="dimension"/>-wide encoder features and nothing else stated (what a back end that reads no contract declares).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1.</exception>
    public static AcousticInputContract ForFeatures(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        return new AcousticInputContract { Kind = AcousticInputKind.Features, Dimension = dimension };
    }

    /// <summary>Describes the input a model with this contract expects, for error messages: e.g. <c>log-mel [80 mels, frames] (window 1500 frames)</c>.</summary>
    public string DescribeInput()
    {
        var sb = new StringBuilder();
        sb.Append(Kind == AcousticInputKind.LogMel
            ? string.Create(CultureInfo.InvariantCulture, $"log-mel [{Dimension} mels, frames]")
            : string.Create(CultureInfo.InvariantCulture, $"features [frames, {Dimension}]"));
        if (WindowFrames is int window)
        {
            sb.Append(CultureInfo.InvariantCulture, $" ({(IsWindowFixed ? "exactly" : "window")} {window} frames)");
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder(DescribeInput());
        if (FrameReduction is FrameReduction reduction)
        {
            sb.Append(", ").Append(reduction.ToString());
        }
        else if (WindowOutputFrames is int output)
        {
            sb.Append(CultureInfo.InvariantCulture, $" -> {output} frames");
        }

        if (Classes is int classes)
        {
            sb.Append(CultureInfo.InvariantCulture, $", {classes} classes, blank {BlankIndex}");
        }

        return sb.ToString();
    }
}
