using System.Globalization;

namespace Nko.Asr;

/// <summary>
/// A read-only block of model input in float32 or Half, viewed without copying: encoder features, row-major
/// <c>[frames, dimension]</c> (<see cref="AcousticInputKind.Features"/>), or a log-mel spectrogram, row-major
/// <c>[mels, frames]</c> (<see cref="AcousticInputKind.LogMel"/>, where <see cref="Dimension"/> is the number of mel bands).
/// </summary>
public readonly struct AcousticFeatures
{
    private AcousticFeatures(ReadOnlyMemory<float> single, ReadOnlyMemory<Half> half, bool isHalf, int frames, int dimension, AcousticInputKind kind = AcousticInputKind.Features)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        long needed = (long)frames * dimension;
        int length = isHalf ? half.Length : single.Length;
        if (length != needed)
        {
            throw new ArgumentException(kind == AcousticInputKind.LogMel
                ? string.Create(CultureInfo.InvariantCulture, $"The log-mel spectrogram holds {length} values; shape [{dimension} mels, {frames} frames] needs {needed}.")
                : string.Create(CultureInfo.InvariantCulture, $"Features hold {length} values; shape [{frames}, {dimension}] needs {needed}."));
        }

        Kind = kind;

        Single = single;
        Half = half;
        IsHalf = isHalf;
        Frames = frames;
        Dimension = dimension;
    }

    /// <summary>Number of input frames.</summary>
    public int Frames { get; }

    /// <summary>Feature width D, or the number of mel bands for <see cref="AcousticInputKind.LogMel"/>.</summary>
    public int Dimension { get; }

    /// <summary>
    /// What the data is, and so its layout: <see cref="AcousticInputKind.Features"/> <c>[frames, D]</c> (the default) or
    /// <see cref="AcousticInputKind.LogMel"/> <c>[mels, frames]</c>.
    /// </summary>
    public AcousticInputKind Kind { get; }

    /// <summary>Whether the data is Half (<see cref="Half"/>) rather than float32 (<see cref="Single"/>).</summary>
    public bool IsHalf { get; }

    /// <summary>The float32 data (empty when <see cref="IsHalf"/>).</summary>
    public ReadOnlyMemory<float> Single { get; }

    /// <summary>The Half data (empty unless <see cref="IsHalf"/>).</summary>
    public ReadOnlyMemory<Half> Half { get; }

    /// <summary>Wraps float32 features.</summary>
    public static AcousticFeatures FromSingle(ReadOnlyMemory<float> data, int frames, int dimension) =>
        new(data, default, false, frames, dimension);

    /// <summary>Wraps Half features.</summary>
    public static AcousticFeatures FromHalf(ReadOnlyMemory<Half> data, int frames, int dimension) =>
        new(default, data, true, frames, dimension);

    /// <summary>
    /// Wraps a float32 log-mel spectrogram, row-major <c>[mels, frames]</c> as Whisper's <c>log_mel_spectrogram</c>
    /// returns it (a <c>[1, mels, frames]</c> array has the same memory).
    /// </summary>
    /// <param name="data">The values, <paramref name="mels"/> rows of <paramref name="frames"/> values.</param>
    /// <param name="mels">Number of mel bands (80 or 128 for Whisper front ends).</param>
    /// <param name="frames">Number of frames (10 ms each for Whisper front ends).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">The data's length is not <c>mels × frames</c>.</exception>
    public static AcousticFeatures FromLogMel(ReadOnlyMemory<float> data, int mels, int frames) =>
        new(data, default, false, frames, mels, AcousticInputKind.LogMel);
}
