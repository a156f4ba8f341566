using System.CommandLine;
using Nko.Ranker.Configuration;
using Nko.Cli.Output;

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
                    throw new CommandLineException($"--lm: the config '{cfg.Name}' has no language model (schema 1); its features do not use one.");
                }

                Nko.Lm.CharLanguageModel model = LmCliOptions.LoadModel(lmPath);
                cfg = cfg.WithLanguageModel(model, reference with { Path = Path.GetFileName(lmPath), Sha256 = LanguageModelReference.HashOf(File.ReadAllBytes(lmPath)), Order = model.Order });
                source += $", language model {lmPath}";
            }

            string directory = parseResult.GetRequiredValue(data);
            EvalReport report = EvalReport.Run(DatasetCorrection.Load(directory, cfg, requireReferences: true), cfg);
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
