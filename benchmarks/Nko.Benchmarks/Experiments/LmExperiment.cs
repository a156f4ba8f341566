using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Nko.Ctc;
using Nko.Data;
using Nko.Lm;
using Nko.Lm.Training;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Ranker.Evaluation;
using Nko.Ranker.Training;

namespace Nko.Benchmarks.Experiments;

/// <summary>
/// <c>dotnet run -c Release -- lm-experiment [--variants none,lm] [--cv-folds 2] [--exclude f1,f2] [--save DIR]
/// [--candidates N] [--top-k K] [--min-count C] [--shortlist S] [--max-rounds R] [--training-rounds R] [--cv-only]
/// [--no-revision] [--revise-safe-modes]</c>: the tables
/// of models/README.md for the bundled recogniser (nko-tts-asr): a config trained on train-large + train and calibrated
/// on dev (its dev table), and cross-validation by sentence over the training rows (fit on one half of the sentences,
/// calibrate on dev, score the held-out half with every mode), with and without the language-model features.
/// </summary>
/// <remarks>
/// Held-out rows are scored with the LM that never saw their sentence (the trainer's 5-fold assignment over the
/// distinct nko-text sentences), as a test utterance would be. Each held-out row is traced once (threshold 0) and the
/// modes' thresholds and CTC-gain gates are applied to the trace, as the trainer's calibration does.
/// </remarks>
internal static class LmExperiment
{
    public static int Run(string[] args)
    {
        bool revision = !args.Contains("--no-revision");
        string shared = Path.GetFullPath(Path.Combine(BenchmarkData.RepositoryRoot, "..", "shared", "data"));
        string[] variants = (Value(args, "--variants") ?? "none,lm").Split(',');
        int cvFolds = int.Parse(Value(args, "--cv-folds") ?? "2", CultureInfo.InvariantCulture);
        string[] exclude = Value(args, "--exclude") is { } ex ? ex.Split(',') : [];
        string? save = Value(args, "--save");
        int rounds = int.Parse(Value(args, "--training-rounds") ?? "6", CultureInfo.InvariantCulture);
        bool skipFull = args.Contains("--cv-only");
        List<TrainingUtterance> train = [.. Load(Path.Combine(shared, "nko-tts-asr", "train-large")), .. Load(Path.Combine(shared, "nko-tts-asr", "train"))];
        List<TrainingUtterance> dev = Load(Path.Combine(shared, "nko-tts-asr", "dev"));
        string[] text = File.ReadAllLines(Path.Combine(shared, "nko-text", "train.txt"));
        Console.WriteLine($"train {train.Count} rows, dev {dev.Count} rows, LM text {text.Length} lines");

        // The simulated-emission config on this recogniser's dev, for comparison.
        var shipped = RankerConfig.Load(Path.Combine(BenchmarkData.RepositoryRoot, "models", "candidate_ranker_v1.json"));
        Console.WriteLine("\nshipped simulated-emission config on nko-tts-asr/dev:");
        PrintTable(EvaluateModes(shipped, dev, _ => null));

        foreach (string variant in variants)
        {
            bool lm = variant == "lm";
            TrainerOptions defaults = new();
            TrainerOptions options = new()
            {
                Generator = defaults.Generator with
                {
                    MaxCandidates = int.Parse(Value(args, "--candidates") ?? defaults.Generator.MaxCandidates.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                    TopKPerLabel = int.Parse(Value(args, "--top-k") ?? defaults.Generator.TopKPerLabel.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                    MinCount = int.Parse(Value(args, "--min-count") ?? defaults.Generator.MinCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                    Shortlist = Value(args, "--shortlist") is { } sl ? int.Parse(sl, CultureInfo.InvariantCulture) : null,
                },
                MaxRounds = int.Parse(Value(args, "--max-rounds") ?? defaults.MaxRounds.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                LanguageModelText = lm ? [.. text] : [],
                ExcludedFeatures = [.. exclude],
                TrainingRounds = rounds,
                Name = "nko_tts_ranker",
                BeamRevision = revision,
                ReviseInSafeModes = args.Contains("--revise-safe-modes"),
            };
            var clock = Stopwatch.StartNew();
            if (!skipFull)
            {
                TrainingResult full = new RankerTrainer(options).Train(train, dev);
                Console.WriteLine($"\n== variant {variant}: trained on {train.Count}, calibrated on dev ({clock.Elapsed.TotalSeconds:F0} s); features {full.Config.Features.Length}, l2 {full.Config.Provenance.L2}, cross-fitted train rows {full.CrossFittedTrainRows}");
                Console.WriteLine($"modes: {string.Join(", ", full.Config.Modes.Select(m => $"{m.Name} t={m.Threshold} gate={m.MinCtcGain?.ToString(CultureInfo.InvariantCulture) ?? "-"}"))}");
                Console.WriteLine($"dev baseline CER {full.DevBaselineCer:F4}");
                foreach (ModeMetrics m in full.Config.Provenance.DevModes)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {m.Mode} | {m.Cer:F4} | {m.DeltaPp:+0.00;-0.00} | {m.Better}/{m.Same}/{m.Worse} | {m.Changed} |"));
                }

                Console.WriteLine("weights: " + string.Join(", ", full.Config.Features.Select((f, k) => string.Create(CultureInfo.InvariantCulture, $"{f} {full.Config.Weights[k]:F3}"))));
                if (save is not null)
                {
                    string folder = Path.Combine(save, variant);
                    Directory.CreateDirectory(folder);
                    if (full.LanguageModelFile is { } bytes)
                    {
                        File.WriteAllBytes(Path.Combine(folder, options.LanguageModelFileName), bytes);
                    }

                    full.Config.Save(Path.Combine(folder, "ranker.json"));
                }
            }

            // Cross-validation by sentence over the training rows.
            string[] sentences = [.. train.Select(r => Norm(r.Reference)).Distinct(StringComparer.Ordinal).OrderBy(s => Hash(s)).ThenBy(s => s, StringComparer.Ordinal)];
            var foldOfSentence = sentences.Select((s, i) => (s, i % cvFolds)).ToDictionary(x => x.s, x => x.Item2, StringComparer.Ordinal);
            LmFolds? folds = lm ? new LmFolds(text, options.LanguageModelOrder, options.LanguageModelFolds) : null;
            var traces = new List<Trace>();
            var thresholdsUsed = new List<string>();
            var perFoldModes = new List<ImmutableArray<OperatingMode>>();
            var heldOutByFold = new List<List<Trace>>();
            var pipelineTallies = new Dictionary<string, CerTally>(StringComparer.Ordinal);
            for (int f = 0; f < cvFolds; f++)
            {
                clock.Restart();
                var fit = train.Where(r => foldOfSentence[Norm(r.Reference)] != f).ToList();
                var held = train.Where(r => foldOfSentence[Norm(r.Reference)] == f).ToList();
                RankerConfig config = new RankerTrainer(options).Train(fit, dev).Config;
                if (config.BeamRevision is not null)
                {
                    // The whole pipeline per mode on the held-out rows (revision, then single edits), each row with its LM.
                    foreach (OperatingMode mode in config.Modes)
                    {
                        CerTally tally = pipelineTallies.TryGetValue(mode.Name, out var t) ? t : pipelineTallies[mode.Name] = new CerTally();
                        var pipelines = new Dictionary<int, CorrectionPipeline>();
                        foreach (TrainingUtterance r in held)
                        {
                            int lmFold = folds?.FoldOf(r.Reference) ?? -1;
                            CorrectionPipeline p = pipelines.TryGetValue(lmFold, out var q) ? q
                                : pipelines[lmFold] = new CorrectionPipeline(folds is null ? config : config.WithLanguageModel(folds.For(lmFold), config.LanguageModelReference));
                            CorrectionResult c = p.Correct(r.LogProbs, r.Hypothesis, mode.Name, r.AsrScore);
                            tally.Add(r.Reference.Length, EditDistance.Levenshtein(r.Hypothesis, r.Reference), EditDistance.Levenshtein(c.Text, r.Reference), !string.Equals(c.Text, r.Hypothesis, StringComparison.Ordinal));
                        }
                    }
                }

                RankerConfig traceConfig = config.WithModes([new OperatingMode("trace", 0.0)], "trace");
                List<Trace> heldTraces = TraceRows(traceConfig, held, folds);
                traces.AddRange(heldTraces);
                heldOutByFold.Add(heldTraces);
                perFoldModes.Add(config.Modes);
                thresholdsUsed.Add(string.Join(", ", config.Modes.Select(m => $"{m.Name} {m.Threshold}{(m.MinCtcGain is null ? "" : " gated")}")));
                Console.WriteLine($"cv fold {f}: fit {fit.Count}, held out {held.Count} ({clock.Elapsed.TotalSeconds:F0} s); {thresholdsUsed[^1]}");
            }

            Console.WriteLine($"\n-- variant {variant}: {cvFolds}-fold CV by sentence over the {train.Count} training rows (each fold calibrated on dev, scored on its held-out rows)");
            string[] modeNames = ["aggressive", "balanced", "conservative", "preservation"];
            var tallies = modeNames.ToDictionary(m => m, _ => new CerTally());
            for (int f = 0; f < cvFolds; f++)
            {
                foreach (OperatingMode mode in perFoldModes[f])
                {
                    foreach (Trace t in heldOutByFold[f])
                    {
                        t.AddTo(tallies[mode.Name], mode.Threshold, mode.MinCtcGain);
                    }
                }
            }

            var baseline = new CerTally();
            foreach (Trace t in traces)
            {
                t.AddTo(baseline, 1.0, null);
            }

            Console.WriteLine($"held-out baseline CER {baseline.Cer:F4}");
            foreach (string m in modeNames)
            {
                CerTally t = tallies[m];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {m} | {t.Cer:F4} | {t.DeltaPp:+0.00;-0.00} | {t.Better}/{t.Same}/{t.Worse} | {t.Changed} |"));
            }

            if (pipelineTallies.Count > 0)
            {
                Console.WriteLine("whole pipeline per mode (beam revision, then single edits) on the held-out rows:");
                foreach ((string m, CerTally t) in pipelineTallies)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {m} | {t.Cer:F4} | {t.DeltaPp:+0.00;-0.00} | {t.Better}/{t.Same}/{t.Worse} | {t.Changed} |"));
                }
            }

            // The held-out sweep: what each threshold would have given (plain and gated), to see where zero-worse lies.
            Console.WriteLine("held-out sweep (threshold: plain Δ pp worse/changed | gated Δ pp worse/changed):");
            foreach (double th in new[] { 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999 })
            {
                var plain = new CerTally();
                var gated = new CerTally();
                foreach (Trace t in traces)
                {
                    t.AddTo(plain, th, null);
                    t.AddTo(gated, th, 0.0);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {th}: {plain.DeltaPp:+0.00;-0.00} {plain.Worse}/{plain.Changed} | {gated.DeltaPp:+0.00;-0.00} {gated.Worse}/{gated.Changed}"));
            }
        }

        return 0;
    }

    private static void PrintTable(List<(string Mode, CerTally Tally)> rows)
    {
        foreach ((string mode, CerTally t) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {mode} | {t.Cer:F4} | {t.DeltaPp:+0.00;-0.00} | {t.Better}/{t.Same}/{t.Worse} | {t.Changed} |"));
        }
    }

    private static List<(string Mode, CerTally Tally)> EvaluateModes(RankerConfig config, List<TrainingUtterance> rows, Func<TrainingUtterance, CharLanguageModel?> _)
    {
        var result = new List<(string, CerTally)>();
        var pipeline = new CorrectionPipeline(config);
        var baseline = new CerTally();
        foreach (OperatingMode mode in config.Modes)
        {
            var tally = new CerTally();
            foreach (TrainingUtterance r in rows)
            {
                CorrectionResult c = pipeline.Correct(r.LogProbs, r.Hypothesis, mode.Name, r.AsrScore);
                tally.Add(r.Reference.Length, EditDistance.Levenshtein(r.Hypothesis, r.Reference), EditDistance.Levenshtein(c.Text, r.Reference), !string.Equals(c.Text, r.Hypothesis, StringComparison.Ordinal));
            }

            result.Add((mode.Name, tally));
        }

        return result;
    }

    private static List<Trace> TraceRows(RankerConfig traceConfig, List<TrainingUtterance> rows, LmFolds? folds)
    {
        var pipelines = new Dictionary<int, CorrectionPipeline>();
        CorrectionPipeline For(int fold) => pipelines.TryGetValue(fold, out var p) ? p
            : pipelines[fold] = new CorrectionPipeline(folds is null ? traceConfig : traceConfig.WithLanguageModel(folds.For(fold), traceConfig.LanguageModelReference));
        var traces = new Trace[rows.Count];
        int[] foldOf = [.. rows.Select(r => folds?.FoldOf(r.Reference) ?? -1)];
        foreach (int f in foldOf.Distinct())
        {
            For(f);
        }

        Parallel.For(0, rows.Count, i =>
        {
            TrainingUtterance r = rows[i];
            CorrectionResult c = pipelines[foldOf[i]].Correct(r.LogProbs, r.Hypothesis, "trace", r.AsrScore);
            CtcVocabulary v = traceConfig.Vocabulary;
            int[] current = v.Encode(r.Hypothesis);
            int[] reference = v.Encode(r.Reference);
            int baseEdits = EditDistance.Levenshtein<int>(current, reference);
            var probs = new double[c.Edits.Length];
            var gains = new double[c.Edits.Length];
            var after = new int[c.Edits.Length];
            var changed = new bool[c.Edits.Length];
            int[] hyp = current;
            for (int s = 0; s < c.Edits.Length; s++)
            {
                current = c.Edits[s].Edit.Apply(current);
                probs[s] = c.Edits[s].Probability;
                gains[s] = c.Edits[s].CtcGain;
                after[s] = EditDistance.Levenshtein<int>(current, reference);
                changed[s] = !current.AsSpan().SequenceEqual(hyp);
            }

            traces[i] = new Trace(reference.Length, baseEdits, probs, gains, after, changed);
        });
        return [.. traces];
    }

    private sealed record Trace(int ReferenceLength, int BaselineEdits, double[] Probabilities, double[] Gains, int[] EditsAfter, bool[] ChangedAfter)
    {
        public void AddTo(CerTally tally, double threshold, double? minGain)
        {
            int applied = 0;
            while (applied < Probabilities.Length && Probabilities[applied] >= threshold && threshold < 1.0 && (minGain is not { } g || Gains[applied] >= g))
            {
                applied++;
            }

            tally.Add(ReferenceLength, BaselineEdits, applied == 0 ? BaselineEdits : EditsAfter[applied - 1], applied > 0 && ChangedAfter[applied - 1]);
        }
    }

    private static string Norm(string s) => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static ulong Hash(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in s)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return h;
    }

    private static List<TrainingUtterance> Load(string folder)
    {
        CtcDataset dataset = CtcDataset.Load(folder);
        var rows = new List<TrainingUtterance>(dataset.Count);
        for (int i = 0; i < dataset.Count; i++)
        {
            CtcDatasetRow row = dataset.Rows[i];
            rows.Add(new TrainingUtterance(row.FeatId, row.Hypothesis, row.Reference!, dataset.GetLogProbs(i), double.IsFinite(row.AsrScore) ? row.AsrScore : null));
        }

        return rows;
    }

    private static string? Value(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
