using System.Collections.Immutable;

namespace Nko.Ranker.Profiling;

/// <summary>One statistic of a config's training inputs: its mean, standard deviation and quantiles over utterances.</summary>
/// <param name="Name">One of <see cref="InputMeasurement.Names"/>.</param>
/// <param name="Mean">Mean over the training utterances.</param>
/// <param name="Std">Population standard deviation.</param>
/// <param name="Quantiles">The 0, 5, 10, …, 100 % quantiles (21 values, non-decreasing): the first is the minimum, the last the maximum.</param>
public sealed record InputStatistic(string Name, double Mean, double Std, ImmutableArray<double> Quantiles)
{
    /// <summary>How many quantiles a statistic stores.</summary>
    public const int QuantileCount = 21;

    /// <summary>The training distribution's cumulative share at <paramref name="value"/>, linear between the stored quantiles.</summary>
    public double Cdf(double value)
    {
        ImmutableArray<double> q = Quantiles;
        if (value < q[0])
        {
            return 0;
        }

        if (value >= q[^1])
        {
            return 1;
        }

        int i = 0;
        while (value >= q[i + 1])
        {
            i++;
        }

        double step = 1.0 / (q.Length - 1);
        double width = q[i + 1] - q[i];
        return (i * step) + (width > 0 ? step * (value - q[i]) / width : 0);
    }
}
