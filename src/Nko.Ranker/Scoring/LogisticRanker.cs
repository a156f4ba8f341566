using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Nko.Ranker.Features;

namespace Nko.Ranker.Scoring;

/// <summary>
/// The frozen logistic model: standardise the configured features, dot with the weights, add the bias, apply the logistic function.
/// </summary>
/// <remarks>
/// The standardisation is folded into the weights once (w / std, and the bias absorbs −Σ w·mean / std), so scoring a
/// candidate is one gather-and-dot over the configured features. The logistic function is evaluated in the form that
/// cannot overflow for either sign of z. Immutable and thread-safe.
/// </remarks>
public sealed class LogisticRanker
{
    private readonly int[] _indices;
    private readonly double[] _scaledWeights;
    private readonly double _foldedBias;

    /// <summary>Creates the model; the arrays are parallel and in the config's feature order.</summary>
    /// <exception cref="ArgumentException">Lengths differ, a name is unknown, or a value is not finite / a std is not positive.</exception>
    public LogisticRanker(ImmutableArray<string> features, ImmutableArray<double> means, ImmutableArray<double> stds, ImmutableArray<double> weights, double bias)
    {
        if (means.Length != features.Length || stds.Length != features.Length || weights.Length != features.Length)
        {
            throw new ArgumentException("Features, means, stds and weights must have the same length.");
        }

        if (!double.IsFinite(bias))
        {
            throw new ArgumentException("The bias must be finite.", nameof(bias));
        }

        _indices = new int[features.Length];
        _scaledWeights = new double[features.Length];
        double folded = bias;
        for (int k = 0; k < features.Length; k++)
        {
            int index = FeatureNames.IndexOf(features[k]);
            if (index < 0)
            {
                throw new ArgumentException($"Unknown feature '{features[k]}'.", nameof(features));
            }

            if (!double.IsFinite(means[k]) || !double.IsFinite(weights[k]) || !double.IsFinite(stds[k]) || stds[k] <= 0)
            {
                throw new ArgumentException($"Feature '{features[k]}' needs a finite mean and weight and a positive finite std.");
            }

            _indices[k] = index;
            _scaledWeights[k] = weights[k] / stds[k];
            folded -= _scaledWeights[k] * means[k];
            if (!double.IsFinite(_scaledWeights[k]) || !double.IsFinite(folded))
            {
                throw new ArgumentException($"Feature '{features[k]}': weight / std or the folded bias overflows; its std is too small for its weight and mean.");
            }
        }

        _foldedBias = folded;
        Features = features;
    }

    /// <summary>The configured features, in order.</summary>
    public ImmutableArray<string> Features { get; }

    /// <summary>The logit z for a candidate whose features (in <see cref="FeatureNames.All"/> order) are <paramref name="allFeatures"/>.</summary>
    public double Logit(ReadOnlySpan<double> allFeatures)
    {
        double z = _foldedBias;
        int[] indices = _indices;
        double[] weights = _scaledWeights;
        for (int k = 0; k < indices.Length; k++)
        {
            z += weights[k] * allFeatures[indices[k]];
        }

        return z;
    }

    /// <summary>
    /// The logits of <paramref name="count"/> candidates whose features (each row in <see cref="FeatureNames.All"/>
    /// order) lie back to back in <paramref name="allFeatures"/>, into <paramref name="destination"/>.
    /// </summary>
    /// <remarks>
    /// Each value has the bits <see cref="Logit"/> gives for its row: the candidates go side by side in vector lanes, each
    /// lane doing the same multiplications and additions in the same order.
    /// </remarks>
    /// <exception cref="ArgumentException">A span is shorter than <paramref name="count"/> rows or values.</exception>
    public void Logits(ReadOnlySpan<double> allFeatures, int count, Span<double> destination)
    {
        int stride = FeatureNames.All.Length;
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (allFeatures.Length < (long)count * stride || destination.Length < count)
        {
            throw new ArgumentException($"{count} candidates need {count * stride} feature values and {count} destination values.");
        }

        int[] indices = _indices;
        double[] weights = _scaledWeights;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref double f = ref MemoryMarshal.GetReference(allFeatures);
            for (; i + 4 <= count; i += 4)
            {
                nint r0 = (nint)i * stride, r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride;
                Vector256<double> z = Vector256.Create(_foldedBias);
                for (int k = 0; k < indices.Length; k++)
                {
                    nint c = indices[k];
                    Vector256<double> x = Vector256.Create(Unsafe.Add(ref f, r0 + c), Unsafe.Add(ref f, r1 + c), Unsafe.Add(ref f, r2 + c), Unsafe.Add(ref f, r3 + c));
                    z += Vector256.Create(weights[k]) * x; // a multiply then an add, like Logit (no fused multiply-add)
                }

                z.CopyTo(destination.Slice(i, 4));
            }
        }

        for (; i < count; i++)
        {
            destination[i] = Logit(allFeatures.Slice(i * stride, stride));
        }
    }

    /// <summary>The probability that applying the candidate helps.</summary>
    public double Probability(ReadOnlySpan<double> allFeatures) => Sigmoid(Logit(allFeatures));

    /// <summary>The logistic function 1 / (1 + e^−z), evaluated without overflow for any z (NaN stays NaN).</summary>
    public static double Sigmoid(double z)
    {
        if (z >= 0)
        {
            return 1.0 / (1.0 + Math.Exp(-z));
        }

        double e = Math.Exp(z);
        return e / (1.0 + e);
    }
}
