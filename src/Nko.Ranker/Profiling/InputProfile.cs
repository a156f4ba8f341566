using System.Collections.Immutable;
using System.Diagnostics.Metrics;

namespace Nko.Ranker.Profiling;

/// <summary>
/// Statistics of the recogniser output a config was trained on (<see cref="InputMeasurement"/> per utterance), so that
/// using the config on another recogniser is noticed: per utterance, values outside the training range; per batch,
/// distributions that differ (Kolmogorov–Smirnov distance above max(0.1, 1.36 / √n), the 5 % critical value of the
/// two-sample test against a large training set, floored so that large batches do not flag trivial shifts).
/// </summary>
/// <param name="Utterances">Training utterances measured.</param>
/// <param name="Statistics">One entry per name of <see cref="InputMeasurement.Names"/>, in that order.</param>
public sealed record InputProfile(int Utterances, ImmutableArray<InputStatistic> Statistics)
{
    /// <summary>The smallest batch <see cref="CompareBatch"/> judges (smaller batches give no verdict).</summary>
    public const int MinBatch = 20;

    // On the package's one meter (RankerTelemetry.Name).
    private static readonly Counter<long> OutsideCounter = RankerTelemetry.Meter.CreateCounter<long>(
        "nko.ranker.inputs_outside_profile", unit: "{utterance}", description: "Utterances with a statistic outside the config's training range, by statistic.");

    /// <summary>Builds a profile from training measurements.</summary>
    /// <exception cref="ArgumentException">No measurements, or a non-finite value.</exception>
    public static InputProfile Build(IReadOnlyList<InputMeasurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        if (measurements.Count == 0)
        {
            throw new ArgumentException("A profile needs at least one measurement.", nameof(measurements));
        }

        var stats = ImmutableArray.CreateBuilder<InputStatistic>(InputMeasurement.Names.Count);
        for (int k = 0; k < InputMeasurement.Names.Count; k++)
        {
            double[] values = [.. measurements.Select(m => m.Get(k))];
            if (!values.All(double.IsFinite))
            {
                throw new ArgumentException($"A '{InputMeasurement.Names[k]}' measurement is not finite.", nameof(measurements));
            }

            Array.Sort(values);
            double mean = values.Average();
            double std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
            var q = ImmutableArray.CreateBuilder<double>(InputStatistic.QuantileCount);
            for (int i = 0; i < InputStatistic.QuantileCount; i++)
            {
                // Linear interpolation between order statistics (NumPy's default "linear" method).
                double at = (values.Length - 1) * (double)i / (InputStatistic.QuantileCount - 1);
                int lo = (int)Math.Floor(at);
                int hi = Math.Min(lo + 1, values.Length - 1);
                q.Add(values[lo] + ((values[hi] - values[lo]) * (at - lo)));
            }

            stats.Add(new InputStatistic(InputMeasurement.Names[k], mean, std, q.MoveToImmutable()));
        }

        return new InputProfile(measurements.Count, stats.MoveToImmutable());
    }

    /// <summary>The statistics of <paramref name="measurement"/> outside the training range (empty when none), counted on the <c>nko.ranker.inputs_outside_profile</c> metric.</summary>
    public ImmutableArray<string> Check(in InputMeasurement measurement)
    {
        ImmutableArray<string>.Builder? outside = null;
        for (int k = 0; k < Statistics.Length; k++)
        {
            double v = measurement.Get(k);
            InputStatistic s = Statistics[k];
            if (v < s.Quantiles[0] || v > s.Quantiles[^1])
            {
                (outside ??= ImmutableArray.CreateBuilder<string>()).Add(s.Name);
                OutsideCounter.Add(1, new KeyValuePair<string, object?>("statistic", s.Name));
            }
        }

        return outside?.ToImmutable() ?? [];
    }

    /// <summary>Compares a batch with the training inputs, statistic by statistic; empty below <see cref="MinBatch"/> utterances.</summary>
    public ImmutableArray<InputDrift> CompareBatch(IReadOnlyList<InputMeasurement> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count < MinBatch)
        {
            return [];
        }

        double bound = Math.Max(0.1, 1.36 / Math.Sqrt(batch.Count));
        var result = ImmutableArray.CreateBuilder<InputDrift>(Statistics.Length);
        for (int k = 0; k < Statistics.Length; k++)
        {
            double[] values = [.. batch.Select(m => m.Get(k))];
            Array.Sort(values);
            InputStatistic s = Statistics[k];
            double distance = 0;
            for (int i = 0; i < values.Length; i++)
            {
                double f = s.Cdf(values[i]);
                distance = Math.Max(distance, Math.Max(Math.Abs(((i + 1.0) / values.Length) - f), Math.Abs(((double)i / values.Length) - f)));
            }

            result.Add(new InputDrift(s.Name, values.Average(), s.Mean, distance, bound));
        }

        return result.MoveToImmutable();
    }
}
