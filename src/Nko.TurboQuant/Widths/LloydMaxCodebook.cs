namespace Nko.TurboQuant.Widths;

/// <summary>
/// A fixed Lloyd–Max scalar codebook for a standard Gaussian (the distribution of a coordinate after the turbo codec's
/// rotation and normalisation), symmetric about 0. Each width's centroids were computed once by Lloyd iteration in
/// double precision (Simpson integration of the N(0,1) density on [−12, 12]) and are stored as the nearest float32;
/// decision thresholds are the float32 midpoints <c>(c[k] + c[k+1]) · 0.5</c>.
/// </summary>
internal sealed class LloydMaxCodebook
{
    /// <summary>The most levels a codebook may have: the vector lookup and search tables hold 16 entries.</summary>
    public const int MaxLevels = 16;

    private readonly float[] _centroids;
    private readonly float[] _thresholds;
    private readonly float[] _search;

    /// <summary>Builds the tables from the positive centroids in ascending order (the negative half mirrors them).</summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxLevels"/> levels, or centroids not positive and ascending.</exception>
    public LloydMaxCodebook(ReadOnlySpan<float> positive)
    {
        int half = positive.Length;
        if (half == 0 || 2 * half > MaxLevels)
        {
            throw new ArgumentException($"A codebook has 2 to {MaxLevels} levels.", nameof(positive));
        }

        for (int i = 0; i < half; i++)
        {
            if (!(positive[i] > (i == 0 ? 0f : positive[i - 1])))
            {
                throw new ArgumentException("The positive centroids must be positive and strictly ascending.", nameof(positive));
            }
        }

        Levels = 2 * half;
        _centroids = new float[MaxLevels];
        for (int i = 0; i < half; i++)
        {
            _centroids[half + i] = positive[i];
            _centroids[half - 1 - i] = -positive[i];
        }

        _thresholds = new float[Levels - 1];
        for (int k = 0; k < _thresholds.Length; k++)
        {
            _thresholds[k] = (_centroids[k] + _centroids[k + 1]) * 0.5f;
        }

        _search = new float[MaxLevels];
        Array.Fill(_search, float.PositiveInfinity);
        _thresholds.CopyTo(_search, 1);
    }

    /// <summary>Number of centroids.</summary>
    public int Levels { get; }

    /// <summary>The <see cref="Levels"/> centroids in ascending order, padded with zeros to 16 entries.</summary>
    public ReadOnlySpan<float> Centroids => _centroids;

    /// <summary>The <see cref="Levels"/> − 1 ascending decision thresholds: code = number of thresholds ≤ value.</summary>
    public ReadOnlySpan<float> Thresholds => _thresholds;

    /// <summary>16 entries: entry c (1 ≤ c &lt; <see cref="Levels"/>) is the c-th threshold; the rest +∞ (for a vector binary search).</summary>
    public ReadOnlySpan<float> SearchTable => _search;
}
