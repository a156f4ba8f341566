using System.Globalization;
using System.Numerics.Tensors;
using Nko.Ctc;

namespace Nko.Asr;

/// <summary>
/// Turns a back end's raw output rows into validated log-probabilities according to <see cref="AcousticModelOptions"/>.
/// Back ends (ours and third-party ones) call it once per run, in place on the destination.
/// </summary>
public static class AcousticOutput
{
    /// <summary>Largest |log-sum-exp| of the first frame accepted as normalised for <see cref="AcousticOutputKind.LogProbs"/>.</summary>
    public const float NormalizationTolerance = 1e-2f;

    /// <summary>
    /// Normalises <paramref name="values"/> (row-major <c>[T, classes]</c>) in place: log-softmax for
    /// <see cref="AcousticOutputKind.Logits"/>, natural log for <see cref="AcousticOutputKind.Probabilities"/>, nothing for
    /// <see cref="AcousticOutputKind.LogProbs"/>; then, when <see cref="AcousticModelOptions.ValidateOutput"/> is on,
    /// checks for NaN and +∞ and that a log-prob model's first frame is normalised.
    /// </summary>
    /// <param name="values">The output, overwritten with log-probs.</param>
    /// <param name="classes">Classes per frame.</param>
    /// <param name="options">The model's options.</param>
    /// <param name="model">The model's name for error messages.</param>
    /// <exception cref="InvalidLogProbsException">A value is NaN or +∞ (or, for logits, a row is entirely −∞).</exception>
    /// <exception cref="AcousticModelException">A <see cref="AcousticOutputKind.LogProbs"/> model's first frame is not normalised (it probably emits logits).</exception>
    public static void Normalize(Span<float> values, int classes, AcousticModelOptions options, string model)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (values.IsEmpty)
        {
            return;
        }

        switch (options.OutputKind)
        {
            case AcousticOutputKind.Logits:
                LogProbMatrix.LogSoftmax(values, values, classes); // validates as it goes
                return;
            case AcousticOutputKind.Probabilities:
                TensorPrimitives.Log(values, values);
                if (options.ValidateOutput)
                {
                    ThrowIfNaNOrPositiveInfinity(values, classes);
                }

                return;
            case AcousticOutputKind.LogProbs:
                if (options.ValidateOutput)
                {
                    ThrowIfNaNOrPositiveInfinity(values, classes);
                    float logSum = LogSumExp(values[..classes]);
                    if (!(MathF.Abs(logSum) <= NormalizationTolerance))
                    {
                        throw new AcousticModelException(string.Create(
                            CultureInfo.InvariantCulture,
                            $"Model '{model}': the first output frame is not log-softmax normalised (log-sum-exp {logSum:G6}, expected 0 ± {NormalizationTolerance}). If the model emits logits or probabilities, set AcousticModelOptions.OutputKind accordingly."));
                    }
                }

                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.OutputKind, "Unknown acoustic output kind.");
        }
    }

    /// <summary>Throws <see cref="InvalidLogProbsException"/> naming the first NaN or +∞ value, if any.</summary>
    public static void ThrowIfNaNOrPositiveInfinity(ReadOnlySpan<float> values, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (values.IsEmpty)
        {
            return;
        }

        float max = TensorPrimitives.Max(values); // NaN propagates
        if (!float.IsNaN(max) && !float.IsPositiveInfinity(max))
        {
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]) || float.IsPositiveInfinity(values[i]))
            {
                throw new InvalidLogProbsException(i / classes, i % classes, values[i]);
            }
        }
    }

    private static float LogSumExp(ReadOnlySpan<float> row)
    {
        float max = TensorPrimitives.Max(row);
        if (float.IsNegativeInfinity(max))
        {
            return float.NegativeInfinity;
        }

        Span<float> shifted = row.Length <= 1024 ? stackalloc float[row.Length] : new float[row.Length];
        TensorPrimitives.Subtract(row, max, shifted);
        TensorPrimitives.Exp(shifted, shifted);
        double sum = TensorPrimitives.Sum<float>(shifted);
        return (float)(max + Math.Log(sum));
    }
}
