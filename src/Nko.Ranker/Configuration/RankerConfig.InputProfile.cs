using System.Collections.Immutable;
using System.Globalization;
using Nko.Ranker.Profiling;

namespace Nko.Ranker.Configuration;

// The optional input profile (statistics of the training inputs): model part and validation (JSON form: RankerConfigJson).
public sealed partial class RankerConfig
{
    /// <summary>Statistics of the recogniser output the config was trained on, or <see langword="null"/> (older configs).</summary>
    /// <remarks>The pipeline flags utterances outside the training range (<see cref="CorrectionResult.OutsideProfile"/>); <c>nko eval</c> compares a whole data set.</remarks>
    public InputProfile? InputProfile { get; }

    private void ValidateInputProfile()
    {
        if (InputProfile is not { } p)
        {
            return;
        }

        if (p.Utterances < 1)
        {
            throw new RankerConfigException("$.input_profile.utterances", "must be ≥ 1.");
        }

        if (p.Statistics.IsDefault || p.Statistics.Length != InputMeasurement.Names.Count)
        {
            throw new RankerConfigException("$.input_profile.statistics", $"must list {string.Join(", ", InputMeasurement.Names)}, in that order.");
        }

        for (int k = 0; k < p.Statistics.Length; k++)
        {
            InputStatistic s = p.Statistics[k];
            string path = ItemPath("input_profile.statistics", k);
            if (s is null || !string.Equals(s.Name, InputMeasurement.Names[k], StringComparison.Ordinal))
            {
                throw new RankerConfigException(path + ".name", $"must be '{InputMeasurement.Names[k]}' (the statistics are {string.Join(", ", InputMeasurement.Names)}, in that order).");
            }

            if (!double.IsFinite(s.Mean) || !double.IsFinite(s.Std) || s.Std < 0)
            {
                throw new RankerConfigException(path, "needs a finite mean and a finite std ≥ 0.");
            }

            if (s.Quantiles.IsDefault || s.Quantiles.Length != InputStatistic.QuantileCount)
            {
                throw new RankerConfigException(path + ".quantiles", string.Create(CultureInfo.InvariantCulture, $"must have {InputStatistic.QuantileCount} values (0, 5, …, 100 %)."));
            }

            for (int i = 0; i < s.Quantiles.Length; i++)
            {
                if (!double.IsFinite(s.Quantiles[i]) || (i > 0 && s.Quantiles[i] < s.Quantiles[i - 1]))
                {
                    throw new RankerConfigException(ItemPath($"input_profile.statistics[{k}].quantiles", i), "quantiles must be finite and non-decreasing.");
                }
            }
        }
    }
}
