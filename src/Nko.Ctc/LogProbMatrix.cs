using System.Globalization;
using System.Numerics.Tensors;

namespace Nko.Ctc;

/// <summary>
/// A read-only view over a row-major <c>[T, C]</c> matrix of natural-log class probabilities (T frames, C classes).
/// </summary>
/// <remarks>
/// <para>The view never copies float32 data; <see cref="FromHalf(ReadOnlySpan{Half}, int, int)"/> converts Half data once.
/// The caller must not mutate the underlying memory while the view is in use.</para>
/// <para><b>Values.</b> Every value must be finite or <see cref="float.NegativeInfinity"/>, which means probability
/// exactly zero (that class cannot be emitted at that frame). NaN and +∞ are rejected by <see cref="Validate"/>.
/// Rows are expected to be log-softmax normalised; rows that are only approximately normalised (for example after
/// float16 storage) are scored as given. Use <see cref="LogSoftmax(ReadOnlySpan{float}, Span{float}, int)"/> to normalise
/// logits or unnormalised rows explicitly; nothing in this library normalises silently.</para>
/// </remarks>
public readonly struct LogProbMatrix
{
    /// <summary>Creates a view over <paramref name="data"/> holding <paramref name="frames"/> rows of <paramref name="classes"/> values.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frames"/> &lt; 1 or <paramref name="classes"/> &lt; 2.</exception>
    /// <exception cref="ArgumentException">The data length is not <paramref name="frames"/> × <paramref name="classes"/>.</exception>
    public LogProbMatrix(ReadOnlyMemory<float> data, int frames, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if ((long)frames * classes != data.Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Log-prob data holds {data.Length} values; shape [{frames}, {classes}] needs {(long)frames * classes}."),
                nameof(data));
        }

        Memory = data;
        Frames = frames;
        Classes = classes;
    }

    /// <summary>Number of frames T.</summary>
    public int Frames { get; }

    /// <summary>Number of classes C (including the blank).</summary>
    public int Classes { get; }

    /// <summary>The underlying row-major values.</summary>
    public ReadOnlyMemory<float> Memory { get; }

    /// <summary>The underlying row-major values as a span.</summary>
    public ReadOnlySpan<float> Span => Memory.Span;

    /// <summary>Whether this is the default (empty) value rather than a constructed matrix.</summary>
    public bool IsEmpty => Frames == 0;

    /// <summary>The log-probabilities of frame <paramref name="frame"/>.</summary>
    public ReadOnlySpan<float> Row(int frame)
    {
        if ((uint)frame >= (uint)Frames)
        {
            throw new ArgumentOutOfRangeException(nameof(frame), frame, $"Frame must be in [0, {Frames}).");
        }

        return Memory.Span.Slice(frame * Classes, Classes);
    }

    /// <summary>Creates a matrix from Half data, converting it to float32 once.</summary>
    public static LogProbMatrix FromHalf(ReadOnlySpan<Half> data, int frames, int classes)
    {
        float[] values = new float[data.Length];
        TensorPrimitives.ConvertToSingle(data, values);
        return new LogProbMatrix(values, frames, classes);
    }

    /// <summary>
    /// Checks that the matrix matches <paramref name="vocabulary"/> and holds no NaN or +∞.
    /// </summary>
    /// <exception cref="ArgumentException">C differs from the vocabulary's class count.</exception>
    /// <exception cref="InvalidLogProbsException">A value is NaN or +∞ (the message names the frame and class).</exception>
    public void Validate(CtcVocabulary vocabulary)
    {
        ValidateShape(vocabulary);
        ValidateValues();
    }

    /// <summary>Checks that the matrix is constructed and has the vocabulary's class count, without reading its values.</summary>
    /// <exception cref="ArgumentException">The matrix is default, or C differs from the vocabulary's class count.</exception>
    public void ValidateShape(CtcVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (IsEmpty)
        {
            throw new ArgumentException("The log-prob matrix is default (empty); construct it with data, frames and classes.");
        }

        if (Classes != vocabulary.Count)
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"Log-probs have {Classes} classes but the vocabulary has {vocabulary.Count}; use the vocabulary the recogniser was trained with."));
        }
    }

    /// <summary>Checks that no value is NaN or +∞.</summary>
    /// <exception cref="InvalidLogProbsException">A value is NaN or +∞.</exception>
    public void ValidateValues()
    {
        ReadOnlySpan<float> span = Span;
        // Fast path: a finite sum of a NaN/+inf-free row may still hit +inf by overflow, so only use the sum as a screen.
        for (int t = 0; t < Frames; t++)
        {
            ReadOnlySpan<float> row = span.Slice(t * Classes, Classes);
            float max = TensorPrimitives.Max(row);
            if (float.IsNaN(max) || float.IsPositiveInfinity(max))
            {
                for (int c = 0; c < row.Length; c++)
                {
                    if (float.IsNaN(row[c]) || float.IsPositiveInfinity(row[c]))
                    {
                        throw new InvalidLogProbsException(t, c, row[c]);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Numerically stable log-softmax of each row of <paramref name="source"/> (shape <c>[T, classes]</c>) into <paramref name="destination"/>.
    /// </summary>
    /// <remarks>
    /// Subtracts each row's maximum before exponentiating, so logits of any magnitude are safe. A row whose values are all
    /// −∞ is rejected because it has no distribution. <paramref name="source"/> and <paramref name="destination"/> may be the same span.
    /// </remarks>
    /// <exception cref="InvalidLogProbsException">A value is NaN or +∞, or a row is entirely −∞.</exception>
    public static void LogSoftmax(ReadOnlySpan<float> source, Span<float> destination, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (source.Length % classes != 0)
        {
            throw new ArgumentException($"Source length {source.Length} is not a multiple of {classes} classes.", nameof(source));
        }

        if (destination.Length < source.Length)
        {
            throw new ArgumentException("Destination is shorter than source.", nameof(destination));
        }

        Span<float> scratch = classes <= 1024 ? stackalloc float[classes] : new float[classes];
        int frames = source.Length / classes;
        for (int t = 0; t < frames; t++)
        {
            ReadOnlySpan<float> row = source.Slice(t * classes, classes);
            Span<float> dst = destination.Slice(t * classes, classes);
            float max = TensorPrimitives.Max(row);
            if (float.IsNaN(max) || float.IsPositiveInfinity(max) || float.IsNegativeInfinity(max))
            {
                int bad = float.IsNegativeInfinity(max) ? 0 : IndexOfInvalid(row);
                throw new InvalidLogProbsException(t, bad, row[bad]);
            }

            TensorPrimitives.Subtract(row, max, scratch);
            TensorPrimitives.Exp(scratch, dst);
            float logSum = MathF.Log(TensorPrimitives.Sum<float>(dst));
            TensorPrimitives.Subtract(scratch, logSum, dst);
        }
    }

    /// <summary>Returns a new, log-softmax-normalised copy of this matrix.</summary>
    public LogProbMatrix LogSoftmax()
    {
        float[] values = new float[Memory.Length];
        LogSoftmax(Span, values, Classes);
        return new LogProbMatrix(values, Frames, Classes);
    }

    private static int IndexOfInvalid(ReadOnlySpan<float> row)
    {
        for (int c = 0; c < row.Length; c++)
        {
            if (float.IsNaN(row[c]) || float.IsPositiveInfinity(row[c]))
            {
                return c;
            }
        }

        return 0;
    }
}
