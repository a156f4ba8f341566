using System.Collections.Immutable;
using Nko.Ranker.Configuration;
using Nko.Ranker.Evaluation;

namespace Nko.Ranker.Training;

/// <summary>
/// K-fold cross-validation by sentence: the training rows' distinct (white-space-normalised) references are split into
/// folds; for each fold a config is trained with the same <see cref="TrainerOptions"/> on the other folds' rows and
/// calibrated on the dev rows, and every mode's whole pipeline corrects the held-out rows. Held-out rows whose sentence
/// is in the LM text are corrected with the cross-fitted LM that never saw it (as the trainer featurises them), others with
/// the fold's config's own LM. Deterministic: folds depend only on the references, training on the options.
/// </summary>
public static class CrossValidation
{
    /// <summary>Runs the cross-validation.</summary>
    /// <param name="options">The trainer options every fold trains with.</param>
    /// <param name="train">The rows to split; every sentence is held out exactly once.</param>
    /// <param name="dev">The calibration rows of every fold.</param>
    /// <param name="folds">K ≥ 2, at most the number of distinct sentences.</param>
    /// <param name="progress">Optional progress of each fold's training.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is below 2 or above the number of distinct sentences.</exception>
    public static CrossValidationResult Run(TrainerOptions options, IReadOnlyList<TrainingUtterance> train, IReadOnlyList<TrainingUtterance> dev, int folds, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        string[] sentences = [.. train.Select(r => CrossFittedLanguageModels.Normalise(r.Reference)).Distinct(StringComparer.Ordinal).OrderBy(Fnv1a).ThenBy(s => s, StringComparer.Ordinal)];
        if (folds < 2 || folds > sentences.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"Cross-validation needs between 2 and {sentences.Length} folds (the distinct sentences of the training rows).");
        }

        var foldOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < sentences.Length; i++)
        {
            foldOf[sentences[i]] = i % folds;
        }

        CrossFittedLanguageModels? lms = options.LanguageModelText.IsDefaultOrEmpty ? null
            : CrossFittedLanguageModels.Train(options.LanguageModelText, options.LanguageModelOrder, options.LanguageModelFolds);
        var perFold = new List<Dictionary<string, CerTally>>();
        var total = new Dictionary<string, CerTally>(StringComparer.Ordinal);
        var modeOrder = new List<string>();
        var baseline = new CerTally();
        for (int f = 0; f < folds; f++)
        {
            var fit = train.Where(r => foldOf[CrossFittedLanguageModels.Normalise(r.Reference)] != f).ToList();
            var held = train.Where(r => foldOf[CrossFittedLanguageModels.Normalise(r.Reference)] == f).ToList();
            RankerConfig config = new RankerTrainer(options).Train(fit, dev, progress).Config;
            var tallies = new Dictionary<string, CerTally>(StringComparer.Ordinal);
            var pipelines = new Dictionary<int, CorrectionPipeline>();
            CorrectionPipeline For(int lmFold) => pipelines.TryGetValue(lmFold, out CorrectionPipeline? p) ? p
                : pipelines[lmFold] = new CorrectionPipeline(lmFold < 0 || lms is null ? config : config.WithLanguageModel(lms.For(lmFold), config.LanguageModelReference));
            int[] lmFoldOf = [.. held.Select(r => lms?.FoldOf(r.Reference) ?? -1)];
            foreach (int lmFold in lmFoldOf.Distinct())
            {
                For(lmFold); // built before the parallel loop reads them
            }

            foreach (OperatingMode mode in config.Modes)
            {
                if (!modeOrder.Contains(mode.Name))
                {
                    modeOrder.Add(mode.Name);
                }

                var tally = tallies[mode.Name] = new CerTally();
                CerTally sum = total.TryGetValue(mode.Name, out CerTally? t) ? t : total[mode.Name] = new CerTally();
                var outputs = new string[held.Count];
                Parallel.For(0, held.Count, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism }, i =>
                {
                    TrainingUtterance r = held[i];
                    outputs[i] = pipelines[lmFoldOf[i]].Correct(r.LogProbs, r.Hypothesis, mode.Name, r.AsrScore).Text;
                });
                for (int i = 0; i < held.Count; i++)
                {
                    tally.Add(held[i].Reference, held[i].Hypothesis, outputs[i]);
                    sum.Add(held[i].Reference, held[i].Hypothesis, outputs[i]);
                }
            }

            foreach (TrainingUtterance r in held)
            {
                baseline.Add(r.Reference, r.Hypothesis, r.Hypothesis);
            }

            perFold.Add(tallies);
        }

        static ModeMetrics Metrics(string mode, CerTally t) => new(mode, t.Cer, t.DeltaPp, t.Better, t.Same, t.Worse, t.Changed);
        return new CrossValidationResult(
            train.Count,
            folds,
            baseline.BaselineCer,
            [.. modeOrder.Select(m => new CrossValidationMode(
                Metrics(m, total[m]),
                [.. perFold.Select(fold => fold.TryGetValue(m, out CerTally? t) ? Metrics(m, t) : Metrics(m, new CerTally()))]))]);
    }

    // A fixed hash, so the fold of a sentence does not depend on the order of the rows (FNV-1a over UTF-16 code units).
    private static ulong Fnv1a(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in s)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return h;
    }
}
