using System.CommandLine;
using System.Globalization;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Ranker.Evaluation;
using Nko.Cli.Output;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko compare --data DIR --config A.json --config B.json [--mode M] [--json] [--report DIR]</c>, or one config in two
/// modes (<c>--config A.json --mode aggressive --mode conservative</c>): the CER of both systems on the same rows and the
/// paired difference B − A with a bootstrap interval, a sign test and better/same/worse per utterance (see
/// <see cref="CompareReport"/>).
/// </summary>
/// <remarks>
/// Systems: two configs take <c>--mode</c> for both when given once, one each when given twice, else their default modes;
/// one config needs two <c>--mode</c>s (A in the first, B in the second). With <c>--json</c> the output is exactly one object
/// <c>{"rows", "ref_chars", "baseline_cer", "a": {"name", "config", "mode", "cer", "errors"}, "b": {…}, "delta_pp", "ci95":
/// [low, high], "bootstrap": {"resamples", "seed"}, "sign_test_p", "better", "same", "worse", "text_differs",
/// "most_improved": [{"index", "feat_id", "ref_chars", "errors_a", "errors_b", "ref", "text_a", "text_b"}], "most_worsened": […]}</c>.
/// Every row needs a <c>ref</c>.
/// </remarks>
internal static class CompareCommand
{
    /// <summary>The summary in the report folder.</summary>
    public const string ReadmeName = "README.md";

    /// <summary>The plot in the report folder.</summary>
    public const string PlotName = "compare.png";

    public static Command Create()
    {
        Option<string> data = CliOptions.Data();
        var configs = new Option<string[]>("--config")
        {
            Description = "Ranker config: give two (A, then B), or one with two --mode. Default (none given): the default config, with two --mode.",
            AllowMultipleArgumentsPerToken = false,
        };
        var modes = new Option<string[]>("--mode")
        {
            Description = "Operating mode: once for both configs, or twice (A's, then B's). Default: each config's default mode.",
            AllowMultipleArgumentsPerToken = false,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the text report." };
        var report = new Option<string?>("--report") { Description = $"Also write a report folder: {ReadmeName} (markdown summary) and {PlotName} (per-utterance error change)." };
        var top = new Option<int>("--top") { Description = "How many rows to list that differ most each way (default 5).", DefaultValueFactory = _ => 5 };
        var resamples = new Option<int>("--resamples") { Description = $"Bootstrap resamples (at least 10000; default {PairedBootstrap.DefaultResamples}).", DefaultValueFactory = _ => PairedBootstrap.DefaultResamples };
        var seed = new Option<ulong>("--seed") { Description = $"Seed of the bootstrap's resampling sequence (default {PairedBootstrap.DefaultSeed}).", DefaultValueFactory = _ => PairedBootstrap.DefaultSeed };
        var command = new Command("compare", "Compare two ranker configs (or one config in two modes) on a dataset with references: CER of each, B − A with a paired-bootstrap 95% CI, sign test, better/same/worse per utterance.")
        {
            data, configs, modes, json, report, top, resamples, seed,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            string? reportDir = parseResult.GetValue(report);
            if (reportDir is not null)
            {
                OutputFile.Check(Path.Combine(reportDir, ReadmeName), "--report");
                OutputFile.Check(Path.Combine(reportDir, PlotName), "--report");
            }

            int topRows = parseResult.GetValue(top);
            if (topRows < 0)
            {
                throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"--top must be 0 or more; got {topRows}."));
            }

            int draws = parseResult.GetValue(resamples);
            if (draws < PairedBootstrap.DefaultResamples)
            {
                throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"--resamples must be at least {PairedBootstrap.DefaultResamples}; got {draws}."));
            }

            string directory = parseResult.GetRequiredValue(data);
            (Spec specA, Spec specB) = Resolve(parseResult.GetValue(configs) ?? [], parseResult.GetValue(modes) ?? []);
            (RankerConfig configA, string sourceA) = RankerConfigLocator.Load(specA.Path);
            (RankerConfig configB, string sourceB) = specB.Path == specA.Path ? (configA, sourceA) : RankerConfigLocator.Load(specB.Path);
            OperatingMode modeA = CliOptions.Mode(configA, specA.Mode);
            OperatingMode modeB = CliOptions.Mode(configB, specB.Mode);
            CtcDataset dataset = DatasetCorrection.Load(directory, configA, requireReferences: true);
            if (!ReferenceEquals(configA, configB))
            {
                CliOptions.CheckClasses(dataset, configB.Vocabulary);
            }

            TextWriter error = parseResult.InvocationConfiguration.Error;
            InputDriftWarning.Write(dataset, configA, error);
            if (!ReferenceEquals(configA, configB))
            {
                InputDriftWarning.Write(dataset, configB, error);
            }

            var a = new ComparedSystem(configA.Name, sourceA, modeA.Name, Texts(dataset, configA, modeA));
            var b = new ComparedSystem(configB.Name, sourceB, modeB.Name, ReferenceEquals(configA, configB) && modeA == modeB ? a.Texts : Texts(dataset, configB, modeB));
            CompareReport result = CompareReport.Create(dataset, a, b, draws, parseResult.GetValue(seed), topRows);
            if (reportDir is not null)
            {
                OutputFile.WriteText(Path.Combine(reportDir, ReadmeName), writer => writer.Write(result.Markdown(directory, PlotName)));
                ComparePlot.Save(result, Path.Combine(reportDir, PlotName));
            }

            TextWriter stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                result.WriteJson(stdout);
            }
            else
            {
                result.WriteTable(stdout, directory);
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Which config and mode each system is (a <c>null</c> path: the default config; a <c>null</c> mode: the config's default).</summary>
    internal static (Spec A, Spec B) Resolve(string[] configs, string[] modes)
    {
        if (configs.Length > 2 || modes.Length > 2)
        {
            throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"compare takes at most two --config and two --mode; got {configs.Length} and {modes.Length}."));
        }

        if (configs.Length == 2)
        {
            return (new Spec(configs[0], modes.Length > 0 ? modes[0] : null), new Spec(configs[1], modes.Length switch { 2 => modes[1], 1 => modes[0], _ => null }));
        }

        if (modes.Length != 2)
        {
            throw new CommandLineException("compare needs two systems: --config A --config B, or one --config with two --mode (A's, then B's).");
        }

        string? path = configs.Length == 1 ? configs[0] : null;
        return (new Spec(path, modes[0]), new Spec(path, modes[1]));
    }

    private static string[] Texts(CtcDataset dataset, RankerConfig config, OperatingMode mode) =>
        [.. DatasetCorrection.CorrectAll(dataset, new CorrectionPipeline(config), mode).Select(r => r.Text)];

    /// <summary>One system: a config path and a mode.</summary>
    internal readonly record struct Spec(string? Path, string? Mode);
}
