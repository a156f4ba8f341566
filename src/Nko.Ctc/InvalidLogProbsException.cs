using System.Globalization;

namespace Nko.Ctc;

/// <summary>Thrown when a log-prob matrix holds a value that is not a log-probability (NaN or +∞), or a row with no mass.</summary>
public sealed class InvalidLogProbsException : ArgumentException
{
    /// <summary>Creates the exception for the value at <paramref name="frame"/>, <paramref name="classIndex"/>.</summary>
    public InvalidLogProbsException(int frame, int classIndex, float value)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"Log-probs hold {value} at frame {frame}, class {classIndex}; every value must be finite or -Infinity (probability zero). Check the recogniser's output, or normalise logits with LogProbMatrix.LogSoftmax."))
    {
        Frame = frame;
        ClassIndex = classIndex;
        Value = value;
    }

    /// <summary>The frame of the first invalid value.</summary>
    public int Frame { get; }

    /// <summary>The class of the first invalid value.</summary>
    public int ClassIndex { get; }

    /// <summary>The invalid value.</summary>
    public float Value { get; }
}
