namespace Nko.TurboQuant;

/// <summary>
/// How much a quantisation round trip costs and saves: bits per value (metadata included), compression versus fp16
/// and fp32, mean squared error and maximum absolute error (both in double, over every value).
/// </summary>
public sealed record QuantMetrics
{
    private QuantMetrics(double bitsPerValue, double mse, double maxAbsError, long count)
    {
        BitsPerValue = bitsPerValue;
        Mse = mse;
        MaxAbsError = maxAbsError;
        Count = count;
    }

    /// <summary>Stored bits per value, including per-group or per-block metadata (not the fixed container header).</summary>
    public double BitsPerValue { get; }

    /// <summary>16 / <see cref="BitsPerValue"/>.</summary>
    public double CompressionVsFp16 => 16.0 / BitsPerValue;

    /// <summary>32 / <see cref="BitsPerValue"/>.</summary>
    public double CompressionVsFp32 => 32.0 / BitsPerValue;

    /// <summary>Mean of (original − reconstructed)².</summary>
    public double Mse { get; }

    /// <summary>Maximum of |original − reconstructed|.</summary>
    public double MaxAbsError { get; }

    /// <summary>Number of values compared.</summary>
    public long Count { get; }

    /// <summary>Compares an original with its reconstruction.</summary>
    /// <param name="original">The values before quantisation.</param>
    /// <param name="reconstructed">The dequantised values, same length.</param>
    /// <param name="bitsPerValue">The stored bits per value, e.g. <see cref="Quantizer.BitsPerValue"/>; positive.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bitsPerValue"/> is not positive and finite.</exception>
    public static QuantMetrics Compute(ReadOnlySpan<float> original, ReadOnlySpan<float> reconstructed, double bitsPerValue)
    {
        Check(original.Length, reconstructed.Length, bitsPerValue);
        double sum = 0;
        double max = 0;
        for (int i = 0; i < original.Length; i++)
        {
            double d = (double)original[i] - reconstructed[i];
            sum += d * d;
            max = Math.Max(max, Math.Abs(d));
        }

        return new QuantMetrics(bitsPerValue, original.Length == 0 ? 0 : sum / original.Length, max, original.Length);
    }

    /// <summary>Compares an fp16 original with its reconstruction.</summary>
    /// <param name="original">The values before quantisation.</param>
    /// <param name="reconstructed">The dequantised values, same length.</param>
    /// <param name="bitsPerValue">The stored bits per value; positive.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bitsPerValue"/> is not positive and finite.</exception>
    public static QuantMetrics Compute(ReadOnlySpan<Half> original, ReadOnlySpan<float> reconstructed, double bitsPerValue)
    {
        Check(original.Length, reconstructed.Length, bitsPerValue);
        double sum = 0;
        double max = 0;
        for (int i = 0; i < original.Length; i++)
        {
            double d = (double)(float)original[i] - reconstructed[i];
            sum += d * d;
            max = Math.Max(max, Math.Abs(d));
        }

        return new QuantMetrics(bitsPerValue, original.Length == 0 ? 0 : sum / original.Length, max, original.Length);
    }

    private static void Check(int originalLength, int reconstructedLength, double bitsPerValue)
    {
        if (originalLength != reconstructedLength)
        {
            throw new ArgumentException($"The original has {originalLength} values, the reconstruction {reconstructedLength}.", "reconstructed");
        }

        if (!(bitsPerValue > 0) || double.IsInfinity(bitsPerValue))
        {
            throw new ArgumentOutOfRangeException(nameof(bitsPerValue), bitsPerValue, "Bits per value must be positive and finite.");
        }
    }
}
