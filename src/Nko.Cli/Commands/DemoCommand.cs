using System.CommandLine;
using System.Globalization;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Ranker.Evaluation;
using Nko.Cli.Output;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko demo [--config FILE] [--data DIR]</c>: evaluates the config on the bundled sample (samples/dev50) and prints the
/// table and five corrected examples (hypothesis → corrected, with the reference).
/// </summary>
/// <remarks>
/// The sample is found as <c>samples/dev50</c> in the current directory or a parent, else beside or above the nko
/// executable (so it works from anywhere in a clone). Examples come from the default mode, the rows whose edit distance to
/// the reference fell most first; other modes fill in when the default mode corrected fewer than five rows.
/// </remarks>
internal static class DemoCommand
{
    /// <summary>The bundled sample, relative to the repository root.</summary>
    public const string SamplePath = "samples/dev50";

    /// <summary>How many examples the demo prints.</summary>
    public const int ExampleCount = 5;

    public static Command Create()
    {
        Option<string?> config = RankerConfigLocator.ConfigOption();
        var data = new Option<string?>("--data") { Description = $"Dataset folder to use instead of the bundled {SamplePath}." };
        var command = new Command("demo", $"Correct the bundled sample ({SamplePath}): the evaluation table of every mode and {ExampleCount} corrected examples.")
        {
            config, data,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            (RankerConfig cfg, string source) = RankerConfigLocator.Load(parseResult.GetValue(config));
            string directory = parseResult.GetValue(data) ?? FindSample();
            EvalReport report = EvalReport.Run(DatasetCorrection.Load(directory, cfg, requireReferences: true), cfg);
            Write(report, directory, source, parseResult.InvocationConfiguration.Output);
            return 0;
        }));
        return command;
    }

    /// <summary>Writes the demo's text: what ran, the table, and the examples.</summary>
    internal static void Write(EvalReport report, string directory, string source, TextWriter writer)
    {
        RankerConfig cfg = report.Config;
        writer.WriteLine($"nko demo: correcting {report.Rows} utterances of {directory}");
        if (IsBundledSample(directory))
        {
            writer.WriteLine("These are the first 50 rows of nko-ctc-sim/dev, the split the built-in config (models/candidate_ranker_v1.json) was calibrated on: with that config the table is not a held-out estimate (models/README.md has held-out figures).");
        }

        writer.WriteLine($"config '{cfg.Name}' ({source}), default mode '{cfg.DefaultMode}'");
        if (cfg.Provenance.Description is { Length: > 0 } description)
        {
            writer.WriteLine(description);
        }

        writer.WriteLine();
        report.WriteTable(writer);
        writer.WriteLine();
        List<(ModeResult Mode, int Row)> examples = PickExamples(report);
        if (examples.Count == 0)
        {
            writer.WriteLine("No mode corrected any utterance of this sample.");
            return;
        }

        writer.WriteLine($"{examples.Count} corrected examples, the largest gains of the default mode (not a random sample): the edits applied, the edit distance to the reference before → after, then hypothesis, corrected text and reference:");
        foreach ((ModeResult mode, int row) in examples)
        {
            CtcDatasetRow r = report.Dataset.Rows[row];
            CorrectionResult result = mode.Results[row];
            int before = EditDistance.Levenshtein(r.Reference!, r.Hypothesis);
            int after = EditDistance.Levenshtein(r.Reference!, result.Text);
            writer.WriteLine();
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  row {row} ({r.FeatId}), {mode.Mode.Name}: {string.Join(", ", result.Edits.Select(e => e.Description))}; edit distance {before} → {after}"));
            writer.WriteLine($"    hypothesis  {result.Hypothesis}");
            writer.WriteLine($"    corrected   {result.Text}");
            writer.WriteLine($"    reference   {r.Reference}");
        }
    }

    /// <summary>Up to <see cref="ExampleCount"/> corrected rows: the default mode's first, by improvement then row.</summary>
    internal static List<(ModeResult Mode, int Row)> PickExamples(EvalReport report)
    {
        var picked = new List<(ModeResult, int)>();
        var seen = new HashSet<int>();
        IEnumerable<ModeResult> order = report.Modes.Where(m => m.Mode.Name == report.Config.DefaultMode)
            .Concat(report.Modes.Where(m => m.Mode.Name != report.Config.DefaultMode));
        foreach (ModeResult mode in order)
        {
            var rows = Enumerable.Range(0, report.Rows)
                .Where(i => mode.Results[i].Decision == CorrectionDecision.Corrected && !seen.Contains(i))
                .Select(i =>
                {
                    CtcDatasetRow r = report.Dataset.Rows[i];
                    return (Row: i, Gain: EditDistance.Levenshtein(r.Reference!, r.Hypothesis) - EditDistance.Levenshtein(r.Reference!, mode.Results[i].Text));
                })
                .OrderByDescending(x => x.Gain)
                .ThenBy(x => x.Row);
            foreach ((int row, _) in rows)
            {
                if (picked.Count == ExampleCount)
                {
                    return picked;
                }

                picked.Add((mode, row));
                seen.Add(row);
            }
        }

        return picked;
    }

    private static bool IsBundledSample(string directory) =>
        Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar).EndsWith(Path.Combine("samples", "dev50"), StringComparison.Ordinal);

    private static string FindSample() =>
        RankerConfigLocator.FindUpwards(Directory.GetCurrentDirectory(), SamplePath)
        ?? RankerConfigLocator.FindUpwards(AppContext.BaseDirectory, SamplePath)
        ?? throw new DirectoryNotFoundException($"Cannot find the bundled sample {SamplePath} in '{Directory.GetCurrentDirectory()}', beside nko, or in their parents. Run from a clone of the repository or pass --data DIR.");
}
