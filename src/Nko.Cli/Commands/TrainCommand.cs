using System.CommandLine;
using System.Globalization;
using Nko.Candidates;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker.Configuration;
using Nko.Ranker.Training;
using Nko.Cli.Output;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko train --train DIR --dev DIR --out FILE [--report DIR] [--dump-features FILE] [--max-candidates N] [--top-k N]
/// [--min-count N] [--shortlist N|all] [--lm-text FILE [--lm-order N] [--lm-folds K] [--no-beam-revision]]</c>: learns confusion maps, fits
/// the logistic ranker and calibrates the modes, writing a schema-1 config (byte-identical for the same inputs); with
/// <c>--lm-text</c>, a schema-2 config with language-model features and its LM file beside it (<c>OUT-STEM.nkolm</c>).
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var train = new Option<string[]>("--train") { Description = "Training dataset folder (rows.jsonl with asr_hyp and ref, logprobs.npy); repeat to train on several (rows in the order given).", Required = true };
        var dev = new Option<string>("--dev") { Description = "Calibration dataset folder (same format).", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the config JSON.", Required = true };
        var report = new Option<string?>("--report") { Description = "Also write a report folder: README.md summary and sweep.png." };
        var dump = new Option<string?>("--dump-features") { Description = "Also write the training matrix as CSV (features in config order, then label)." };
        var description = new Option<string?>("--description") { Description = "Free text recorded in the config's provenance and the report (what the data is, which recogniser produced it)." };
        var maxCandidates = new Option<int?>("--max-candidates") { Description = $"Candidates generated per correction round (default {Defaults.Generator.MaxCandidates}); more buy CER at a proportional cost in time." };
        var topK = new Option<int?>("--top-k") { Description = $"Confusions kept per hypothesis label and per insertion context (default {Defaults.Generator.TopKPerLabel})." };
        var minCount = new Option<int?>("--min-count") { Description = $"Smallest confusion count that licenses an edit (default {Defaults.Generator.MinCount})." };
        var shortlist = new Option<string?>("--shortlist") { Description = $"Substitutions and insertions rescored exactly per round, chosen by their one-frame estimate, or 'all' (default {Describe(Defaults.Generator.Shortlist)}); deletions are always all rescored." };
        var name = new Option<string?>("--name") { Description = $"The config's name (default {Defaults.Name})." };
        var lmText = new Option<string?>("--lm-text") { Description = "Train a character language model on this text (one sentence per line) and give the ranker LM features and the beam-revision stage; the config (schema 3, or 2 with --no-beam-revision) references the LM file written beside --out as OUT-STEM.nkolm. Rows whose reference is a line of the text are featurised with cross-fitted LMs that never saw it." };
        var lmOrder = new Option<int?>("--lm-order") { Description = $"The language model's order (default {Defaults.LanguageModelOrder})." };
        var lmFolds = new Option<int?>("--lm-folds") { Description = $"Folds of the LM text's sentences for cross-fitting (default {Defaults.LanguageModelFolds}; 1 = none)." };
        var folds = new Option<int?>("--folds") { Description = "Also cross-validate: K-fold by sentence over the training rows with the same options (each fold calibrated on --dev), printing every mode's held-out table and its spread over folds. Takes about K more trainings." };
        var noRevision = new Option<bool>("--no-beam-revision") { Description = "With --lm-text, leave out the beam-revision stage (a schema-2 config: LM features for single edits only)." };
        Option<string> blank = CliOptions.Blank();
        var command = new Command("train", "Train and calibrate a ranker config from (hypothesis, reference, log-probs) rows.")
        {
            train, dev, output, report, dump, description, maxCandidates, topK, minCount, shortlist, name, lmText, lmOrder, lmFolds, noRevision, folds, blank,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            // Every output is checked before the data is read and the ranker trained (minutes), not after.
            if (parseResult.GetValue(folds) is < 2)
            {
                throw new CommandLineException("--folds must be at least 2.");
            }

            string outPath = parseResult.GetRequiredValue(output);
            OutputFile.Check(outPath, "--out");
            string? lmTextPath = parseResult.GetValue(lmText);
            string lmFileName = Path.GetFileNameWithoutExtension(outPath) + ".nkolm";
            string lmOutPath = Path.Combine(Path.GetDirectoryName(outPath) ?? string.Empty, lmFileName);
            if (lmTextPath is not null)
            {
                OutputFile.Check(lmOutPath, "--out (its language model file)");
            }
            if (parseResult.GetValue(dump) is { } dumpPath)
            {
                OutputFile.Check(dumpPath, "--dump-features");
            }

            if (parseResult.GetValue(report) is { } reportFolder)
            {
                TrainingReportWriter.Check(reportFolder);
            }

            CtcVocabulary vocabulary = CliOptions.Vocabulary(parseResult.GetValue(blank)!);
            string[] trainDirs = parseResult.GetRequiredValue(train);
            string trainDir = string.Join(" + ", trainDirs);
            string devDir = parseResult.GetRequiredValue(dev);
            TextWriter err = parseResult.InvocationConfiguration.Error;
            GeneratorOptions generator = Generator(parseResult.GetValue(maxCandidates), parseResult.GetValue(topK), parseResult.GetValue(minCount), parseResult.GetValue(shortlist));
            var trainRows = trainDirs.SelectMany(d => Load(d, vocabulary)).ToList();
            var devRows = Load(devDir, vocabulary);
            var trainerOptions = new TrainerOptions
            {
                Vocabulary = vocabulary,
                Generator = generator,
                Description = parseResult.GetValue(description),
                Name = parseResult.GetValue(name) ?? Defaults.Name,
                LanguageModelText = lmTextPath is null ? [] : [.. File.ReadLines(lmTextPath)],
                LanguageModelOrder = Within(parseResult.GetValue(lmOrder) ?? Defaults.LanguageModelOrder, Nko.Lm.CharLanguageModel.MaxOrder, "--lm-order"),
                LanguageModelFolds = Within(parseResult.GetValue(lmFolds) ?? Defaults.LanguageModelFolds, 100, "--lm-folds"),
                LanguageModelFileName = lmFileName,
                BeamRevision = !parseResult.GetValue(noRevision),
            };
            var trainer = new RankerTrainer(trainerOptions);
            TrainingResult result = trainer.Train(trainRows, devRows, TrainProgressReporter.Create(err));
            result = result with { Config = WithDataProvenance(result.Config, trainDirs, devDir, trainRows, trainerOptions, parseResult.GetValue(blank)!) };
            if (result.LanguageModelFile is { } lmBytes)
            {
                OutputFile.WriteBytes(lmOutPath, lmBytes);
            }

            OutputFile.WriteBytes(outPath, result.Config.ToUtf8Json());
            if (parseResult.GetValue(dump) is { } csv)
            {
                TrainingReportWriter.WriteFeaturesCsv(result, csv);
            }

            if (parseResult.GetValue(report) is { } folder)
            {
                TrainingReportWriter.Write(result, folder, trainDir, devDir);
            }

            TextWriter stdout = parseResult.InvocationConfiguration.Output;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"examples {result.Examples} ({result.Positives} positive), l2 {result.Config.Provenance.L2}, gradient norm {result.Config.Provenance.GradientNorm:E2}"));
            if (result.LanguageModelFile is not null)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"language model {lmOutPath} (order {result.Config.LanguageModel!.Order}); cross-fitted rows: train {result.CrossFittedTrainRows} of {result.TrainRows}, dev {result.CrossFittedDevRows} of {result.DevRows}"));
            }

            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dev baseline CER {result.DevBaselineCer:F4}"));
            foreach (var m in result.Config.Provenance.DevModes)
            {
                double threshold = result.Config.GetMode(m.Mode).Threshold;
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{m.Mode,-13} t={threshold,-7} CER {m.Cer:F4} {m.DeltaPp:+0.00;-0.00} pp  better/same/worse {m.Better}/{m.Same}/{m.Worse}  changed {m.Changed}"));
            }

            if (parseResult.GetValue(folds) is { } k)
            {
                CrossValidationResult cv = CrossValidation.Run(trainerOptions, trainRows, devRows, k, TrainProgressReporter.Create(err));
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cross-validation: {cv.Folds} folds by sentence, {cv.Rows} held-out rows, baseline CER {cv.BaselineCer:F4}"));
                foreach (CrossValidationMode m in cv.Modes)
                {
                    ModeMetrics t = m.Total;
                    string spread = string.Join(" / ", m.Folds.Select(f => f.DeltaPp.ToString("+0.00;-0.00", CultureInfo.InvariantCulture)));
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t.Mode,-13} held out CER {t.Cer:F4} {t.DeltaPp:+0.00;-0.00} pp  better/same/worse {t.Better}/{t.Same}/{t.Worse}  changed {t.Changed}  per fold {spread} pp"));
                }
            }

            return 0;
        }));
        return command;
    }

    private static readonly TrainerOptions Defaults = new();

    // The trainer's generator bounds with the options given; each is checked here so the error names the option.
    internal static GeneratorOptions Generator(int? maxCandidates, int? topK, int? minCount, string? shortlist = null)
    {
        GeneratorOptions defaults = Defaults.Generator;
        return defaults with
        {
            MaxCandidates = Within(maxCandidates ?? defaults.MaxCandidates, GeneratorOptions.Limit, "--max-candidates"),
            TopKPerLabel = Within(topK ?? defaults.TopKPerLabel, GeneratorOptions.Limit, "--top-k"),
            MinCount = Within(minCount ?? defaults.MinCount, int.MaxValue, "--min-count"),
            Shortlist = shortlist switch
            {
                null => defaults.Shortlist,
                "all" => null,
                _ when int.TryParse(shortlist, NumberStyles.None, CultureInfo.InvariantCulture, out int n) => Within(n, GeneratorOptions.Limit, "--shortlist"),
                _ => throw new CommandLineException($"--shortlist must be a whole number between 1 and {GeneratorOptions.Limit}, or 'all' (got '{shortlist}')."),
            },
        };
    }

    private static string Describe(int? shortlist) => shortlist is { } n ? n.ToString(CultureInfo.InvariantCulture) : "all";

    private static int Within(int value, int max, string option) =>
        value >= 1 && value <= max
            ? value
            : throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"{option} must be between 1 and {max} (got {value})."));

    // The data's folders, content hash, the tool version and the options (see TrainingProvenance).
    private static RankerConfig WithDataProvenance(RankerConfig config, string[] trainDirs, string devDir, List<TrainingUtterance> trainRows, TrainerOptions options, string blank) =>
        config.WithModes(config.Modes, config.DefaultMode, config.Provenance with
        {
            ToolVersion = TrainingProvenance.ToolVersion(),
            Options = TrainingProvenance.Options(options, blank),
            TrainData = string.Join(" + ", trainDirs.Select(d => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))))),
            DevData = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(devDir))),
            TrainRowsSha256 = TrainingProvenance.Sha256(trainRows),
        });

    internal static List<TrainingUtterance> Load(string folder, CtcVocabulary vocabulary)
    {
        CtcDataset dataset = CliOptions.LoadDataset(folder, vocabulary);
        var rows = new List<TrainingUtterance>(dataset.Count);
        for (int i = 0; i < dataset.Count; i++)
        {
            CtcDatasetRow row = dataset.Rows[i];
            if (row.Reference is null)
            {
                throw new DatasetFormatException($"{folder}: row {i} (0-based; feat_id {row.FeatId}) has no \"ref\"; training needs references.");
            }

            rows.Add(new TrainingUtterance(row.FeatId, row.Hypothesis, row.Reference, dataset.GetLogProbs(i), double.IsFinite(row.AsrScore) ? row.AsrScore : null));
        }

        return rows;
    }
}
