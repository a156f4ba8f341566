using System.Globalization;
using Nko.Data;
using Nko.Ranker.Configuration;
using Nko.Ranker.Profiling;

namespace Nko.Cli;

/// <summary>Warns on stderr when a data set's recogniser output differs from the config's training inputs.</summary>
internal static class InputDriftWarning
{
    public static void Write(CtcDataset dataset, RankerConfig config, TextWriter error)
    {
        if (config.InputProfile is not { } profile)
        {
            return;
        }

        var measurements = new List<InputMeasurement>(dataset.Count);
        for (int i = 0; i < dataset.Count; i++)
        {
            CtcDatasetRow row = dataset.Rows[i];
            int labels = row.Hypothesis.Length; // one label per character
            measurements.Add(InputMeasurement.Measure(dataset.GetLogProbs(i), config.Vocabulary.BlankIndex, labels, double.IsFinite(row.AsrScore) ? row.AsrScore : null));
        }

        var drifted = profile.CompareBatch(measurements).Where(d => d.Drifted).ToList();
        if (drifted.Count == 0)
        {
            return;
        }

        error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"warning: these {dataset.Count} rows differ from the {profile.Utterances} the config '{config.Name}' was trained on: {string.Join("; ", drifted.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Name} (distance {d.Distance:F2} > {d.Bound:F2}; mean {d.BatchMean:G3} vs {d.TrainingMean:G3})")))}."));
        error.WriteLine("warning: the config probably does not describe this recogniser; its modes may not keep their promises here. Train one on this recogniser's output with `nko train`.");
    }
}
