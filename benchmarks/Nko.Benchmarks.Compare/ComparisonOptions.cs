namespace Nko.Benchmarks.Compare;

/// <summary>What counts as a regression.</summary>
public sealed class ComparisonOptions
{
    /// <summary>The slowdown that matters, as a ratio: 0.10 flags a candidate significantly more than 10% slower. Default 0.10.</summary>
    public double Threshold { get; init; } = 0.10;

    /// <summary>The significance level of the one-sided Mann–Whitney test. Default 0.01.</summary>
    public double Alpha { get; init; } = 0.01;

    /// <summary>List benchmarks present on one side only instead of rejecting the input (exit 2). Default false.</summary>
    public bool AllowUnpaired { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is negative or not finite, or alpha is not in (0, 1).</exception>
    public void Validate()
    {
        if (!double.IsFinite(Threshold) || Threshold < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "The threshold is a non-negative ratio (0.10 = 10%).");
        }

        if (!(Alpha > 0 && Alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "Alpha is a probability strictly between 0 and 1.");
        }
    }
}
