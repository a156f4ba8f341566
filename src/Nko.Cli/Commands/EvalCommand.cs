using System.Buffers;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Ranker.Evaluation;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko eval --data DIR [--config FILE] [--lm FILE] [--json] [--per-utterance FILE.jsonl]</c>: the seed's table for the baseline (the rows' <c>asr_hyp</c>) and
/// every mode of the config: aggregate CER, its change in percentage points, and better/same/worse over the utterances the
/// mode changed.
/// </summary>
/// <remarks>
/// Aggregate CER = Σ character edit distances / Σ reference lengths. An utterance is changed when the mode's text differs
/// from <c>asr_hyp</c>; it is better, same or worse by its own CER against the baseline's. With <c>--json</c> the output is
/// exactly one object: <c>{"rows": N, "baseline": {"cer": x}, "modes": {"&lt;mode&gt;": {"cer", "delta_pp", "better", "same", "worse", "changed"}}}</c>,
/// modes in the config's order. Every row needs a <c>ref</c>. <c>--per-utterance</c> also writes one JSON line per mode and
/// row (see <see cref="PerUtteranceWriter"/>), all-or-nothing.
/// </remarks>
internal static class EvalCommand
{
    public static Command Create()
    {
        Option<string> data = CliOptions.Data();
        Option<string?> config = RankerConfigLocator.ConfigOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the table." };
        var lm = new Option<string?>("--lm")
        {
            Description = "Evaluate with this language model instead of the config's (ARPA or Nko.Lm binary, any order; the config must be schema 2 or 3): how a config fares with a bigger or different LM.",
        };
        var perUtterance = new Option<string?>("--per-utterance")
        {
            Description = "Also write one JSON line per mode and row to this file: ref, asr_hyp, text, the edits applied, errors before and after, better/same/worse/unchanged.",
        };
        var command = new Command("eval", "Evaluate the baseline and every mode of a ranker config on a dataset with references: CER, delta pp, better/same/worse, changed.")
        {
            data, config, json, lm, perUtterance,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            string? perUtterancePath = parseResult.GetValue(perUtterance);
            if (perUtterancePath is not null)
            {
                OutputFile.Check(perUtterancePath, "--per-utterance");
            }

            (RankerConfig cfg, string source) = RankerConfigLocator.Load(parseResult.GetValue(config));
            if (parseResult.GetValue(lm) is { } lmPath)
            {
                if (cfg.LanguageModelReference is not { } reference)
                {
                    throw new ArgumentException($"--lm: the config '{cfg.Name}' has no language model (schema 1); its features do not use one.");
                }

                Nko.Lm.CharLanguageModel model = LmCliOptions.LoadModel(lmPath);
                cfg = cfg.WithLanguageModel(model, reference with { Path = Path.GetFileName(lmPath), Sha256 = LanguageModelReference.HashOf(File.ReadAllBytes(lmPath)), Order = model.Order });
                source += $", language model {lmPath}";
            }

            string directory = parseResult.GetRequiredValue(data);
            EvalReport report = EvalReport.Run(DatasetCorrection.LoadAndValidate(directory, cfg, requireReferences: true), cfg);
            InputDriftWarning.Write(report.Dataset, cfg, parseResult.InvocationConfiguration.Error);
            if (perUtterancePath is not null)
            {
                using var lines = new JsonLinesWriter();
                PerUtteranceWriter.Write(report, lines);
                OutputFile.WriteBytes(perUtterancePath, lines.WrittenSpan);
            }

            TextWriter stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                report.WriteJson(stdout);
            }
            else
            {
                stdout.WriteLine($"{report.Rows} rows of {directory}; config '{cfg.Name}' ({source}).");
                stdout.WriteLine();
                report.WriteTable(stdout);
            }

            return 0;
        }));
        return command;
    }
}

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
            CorrectionResult[] results = DatasetCorrection.CorrectAll(dataset, pipeline, mode.Name);
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
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = CliJson.NkoEncoder }))
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
        }

        CliJson.WriteUtf8(buffer.WrittenSpan, writer);
        writer.Write('\n');
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

/// <summary>One mode's tally and per-row results.</summary>
/// <param name="Mode">The mode.</param>
/// <param name="Tally">Its CER tally against the baseline.</param>
/// <param name="Results">Its result for every row, in row order.</param>
internal sealed record ModeResult(OperatingMode Mode, CerTally Tally, CorrectionResult[] Results);
