using System.Globalization;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Ranker.Evaluation;

namespace Nko.Cli.Output;

/// <summary>The evaluation of every mode of a config on a dataset: the numbers of <c>nko eval</c> and <c>nko demo</c>.</summary>
internal sealed class EvalReport
{
    private EvalReport(CtcDataset dataset, RankerConfig config, double baselineCer, IReadOnlyList<ModeResult> modes)
    {
        Dataset = dataset;
        Config = config;
        BaselineCer = baselineCer;
        Modes = modes;
    }

    /// <summary>The evaluated dataset.</summary>
    public CtcDataset Dataset { get; }

    /// <summary>The config.</summary>
    public RankerConfig Config { get; }

    /// <summary>Number of rows.</summary>
    public int Rows => Dataset.Count;

    /// <summary>Aggregate CER of the rows' <c>asr_hyp</c>.</summary>
    public double BaselineCer { get; }

    /// <summary>Each mode's tally and per-row results, in the config's order.</summary>
    public IReadOnlyList<ModeResult> Modes { get; }

    /// <summary>Corrects every row in every mode and tallies CER against the references.</summary>
    public static EvalReport Run(CtcDataset dataset, RankerConfig config)
    {
        var pipeline = new CorrectionPipeline(config);
        var baseline = new CerTally();
        foreach (CtcDatasetRow row in dataset.Rows)
        {
            baseline.Add(row.Reference!, row.Hypothesis, row.Hypothesis);
        }

        var modes = new List<ModeResult>(config.Modes.Length);
        foreach (OperatingMode mode in config.Modes)
        {
            CorrectionResult[] results = DatasetCorrection.CorrectAll(dataset, pipeline, mode);
            var tally = new CerTally();
            for (int i = 0; i < results.Length; i++)
            {
                CtcDatasetRow row = dataset.Rows[i];
                tally.Add(row.Reference!, row.Hypothesis, results[i].Text);
            }

            modes.Add(new ModeResult(mode, tally, results));
        }

        return new EvalReport(dataset, config, baseline.BaselineCer, modes);
    }

    /// <summary>Writes the report as one JSON object (and a newline).</summary>
    public void WriteJson(TextWriter writer)
    {
        CliJson.WriteDocument(writer, json =>
        {
            json.WriteStartObject();
            json.WriteNumber("rows", Rows);
            json.WriteStartObject("baseline");
            json.WriteNumber("cer", BaselineCer);
            json.WriteEndObject();
            json.WriteStartObject("modes");
            foreach (ModeResult m in Modes)
            {
                json.WritePropertyName(m.Mode.Name);
                json.WriteStartObject();
                json.WriteNumber("cer", m.Tally.Cer);
                json.WriteNumber("delta_pp", m.Tally.DeltaPp);
                json.WriteNumber("better", m.Tally.Better);
                json.WriteNumber("same", m.Tally.Same);
                json.WriteNumber("worse", m.Tally.Worse);
                json.WriteNumber("changed", m.Tally.Changed);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        });
    }

    /// <summary>Writes the report as an aligned table.</summary>
    public void WriteTable(TextWriter writer)
    {
        string[] header = ["mode", "threshold", "min gain", "CER", "delta pp", "better", "same", "worse", "changed"];
        var rows = new List<string[]>
        {
            new[] { "baseline", "-", "-", Invariant($"{BaselineCer:F4}"), "-", "-", "-", "-", "-" },
        };
        foreach (ModeResult m in Modes)
        {
            CerTally t = m.Tally;
            rows.Add(
            [
                m.Mode.Name + (m.Mode.Name == Config.DefaultMode ? " *" : string.Empty),
                Invariant($"{m.Mode.Threshold:0.####}"),
                m.Mode.MinCtcGain is { } g ? Invariant($"{g:0.####}") : "-",
                Invariant($"{t.Cer:F4}"),
                Invariant($"{t.DeltaPp:+0.00;-0.00;0.00}"),
                Invariant($"{t.Better}"),
                Invariant($"{t.Same}"),
                Invariant($"{t.Worse}"),
                Invariant($"{t.Changed}"),
            ]);
        }

        int[] widths = [.. header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length)))];
        WriteRow(writer, header, widths);
        WriteRow(writer, [.. widths.Select(w => new string('-', w))], widths);
        foreach (string[] row in rows)
        {
            WriteRow(writer, row, widths);
        }

        writer.WriteLine();
        writer.WriteLine("* default mode. CER = character edit distance / reference length, summed over rows; delta pp: the CER change against the baseline, in percentage points.");
        writer.WriteLine("better/same/worse: the rows a mode changed, by their CER against the baseline's; changed: rows whose text the mode changed.");
        writer.WriteLine("threshold: the least ranker probability a single edit needs (1 = never); min gain: the least CTC gain (nats) it also needs (- = none).");
        if (Config.Modes.Any(m => m.RevisionThreshold is not null))
        {
            writer.WriteLine("Modes with a revision threshold first apply the beam revision's segments at that probability (see the config's modes).");
        }
    }

    private static void WriteRow(TextWriter writer, string[] cells, int[] widths)
    {
        // The mode name is left-aligned, numbers right-aligned.
        writer.Write(cells[0].PadRight(widths[0]));
        for (int c = 1; c < cells.Length; c++)
        {
            writer.Write("  ");
            writer.Write(cells[c].PadLeft(widths[c]));
        }

        writer.WriteLine();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
