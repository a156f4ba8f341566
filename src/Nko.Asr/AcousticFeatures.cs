using System.Globalization;

namespace Nko.Asr;

/// <summary>
/// A read-only, row-major <c>[frames, dimension]</c> block of encoder features in float32 or Half, viewed without copying.
/// </summary>
public readonly struct AcousticFeatures
{
    private AcousticFeatures(ReadOnlyMemory<float> single, ReadOnlyMemory<Half> half, bool isHalf, int frames, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        long needed = (long)frames * dimension;
        int length = isHalf ? half.Length : single.Length;
        if (length != needed)
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"Features hold {length} values; shape [{frames}, {dimension}] needs {needed}."));
        }

        Single = single;
        Half = half;
        IsHalf = isHalf;
        Frames = frames;
        Dimension = dimension;
    }

    /// <summary>Number of input frames.</summary>
    public int Frames { get; }

    /// <summary>Feature width D.</summary>
    public int Dimension { get; }

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
}
