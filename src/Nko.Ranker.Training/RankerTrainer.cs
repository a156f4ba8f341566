// Over 600 lines on purpose: Train reads as one pipeline (encode → confusions → examples → fit → trace → sweep → modes),
// and the private steps below share its records (Encoded, Trace, SweepPoint); the reusable parts already live in
// Alignment/ and Fitting/.
using System.Collections.Immutable;
using System.Globalization;
using Nko.Candidates;
using Nko.Ctc;
using Nko.Ranker.Configuration;
using Nko.Ranker.Evaluation;
using Nko.Ranker.Features;
using Nko.Ranker.Training.Alignment;
using Nko.Ranker.Training.Fitting;

namespace Nko.Ranker.Training;

/// <summary>
/// Learns a ranker config from (hypothesis, reference, log-probs) utterances: confusion maps from Levenshtein
/// alignments, an L2-regularised logistic ranker over candidate features, and operating modes calibrated on dev.
/// </summary>
/// <remarks>
/// Deterministic: the same inputs and options give the same config bytes, whatever the degree of parallelism
/// (per-utterance results are computed independently and combined in utterance order).
/// </remarks>
public sealed class RankerTrainer
{
    private readonly TrainerOptions _options;

    /// <summary>Creates a trainer.</summary>
    public RankerTrainer(TrainerOptions? options = null)
    {
        _options = options ?? new TrainerOptions();
        if (_options.MaxRounds < 1 || _options.MaxRounds > RankerConfig.MaxRoundsLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"MaxRounds must be in [1, {RankerConfig.MaxRoundsLimit}].");
        }

        if (_options.TrainingRounds < 1 || _options.L2Grid.IsDefaultOrEmpty || _options.Thresholds.IsDefaultOrEmpty)
        {
            throw new ArgumentException("TrainingRounds must be ≥ 1 and the L2 and threshold grids non-empty.", nameof(options));
        }

        if (_options.LanguageModelOrder < 1 || _options.LanguageModelOrder > Nko.Lm.CharLanguageModel.MaxOrder || _options.LanguageModelFolds < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"LanguageModelOrder must be in [1, {Nko.Lm.CharLanguageModel.MaxOrder}] and LanguageModelFolds ≥ 1.");
        }
    }

    /// <summary>Trains and calibrates a config.</summary>
    /// <exception cref="TrainingDataException">The data cannot produce a ranker; the message says why and where.</exception>
    public TrainingResult Train(IReadOnlyList<TrainingUtterance> train, IReadOnlyList<TrainingUtterance> dev, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        if (train.Count == 0)
        {
            throw new TrainingDataException("The training split is empty.");
        }

        if (dev.Count == 0)
        {
            throw new TrainingDataException("The dev split is empty.");
        }

        CtcVocabulary vocabulary = _options.Vocabulary;
        Encoded[] trainRows = Encode(train, "train", vocabulary);
        Encoded[] devRows = Encode(dev, "dev", vocabulary);

        // 0. Language models: the full one for the config, and the cross-fitted ones for rows whose sentence is in the text.
        CrossFittedLanguageModels? lms = null;
        LanguageModelReference? lmReference = null;
        if (!_options.LanguageModelText.IsDefaultOrEmpty)
        {
            progress?.Report(new TrainingProgress("language models", 0, 1));
            lms = CrossFittedLanguageModels.Train(_options.LanguageModelText, _options.LanguageModelOrder, _options.LanguageModelFolds);
            lmReference = new LanguageModelReference(_options.LanguageModelFileName, LanguageModelReference.HashOf(lms.FullBytes), _options.LanguageModelOrder);
            foreach (Encoded row in trainRows.Concat(devRows))
            {
                row.LmFold = lms.FoldOf(row.ReferenceText);
            }
        }

        // 1. Confusion maps from the train alignments.
        ConfusionMap map = CountConfusions(trainRows, vocabulary, _options.Generator.MinCount);
        var generator = new CandidateGenerator(map, _options.Generator);

        // 2. Training and dev examples over every feature.
        (double[] trainAll, byte[] trainLabels) = BuildExamples(trainRows, generator, lms, "train examples", progress);
        (double[] devAll, byte[] devLabels) = BuildExamples(devRows, generator, lms, "dev examples", progress);
        int positives = trainLabels.Count(l => l == 1);
        if (trainLabels.Length == 0 || positives == 0 || positives == trainLabels.Length)
        {
            throw new TrainingDataException(string.Create(
                CultureInfo.InvariantCulture,
                $"The training candidates are all one class ({positives} positive of {trainLabels.Length}); a ranker needs both helpful and unhelpful candidates. Check that hypotheses and references differ and the confusion maps license edits."));
        }

        // 3. Standardise (drop constant features) and fit with λ chosen on dev log-loss.
        int all = FeatureNames.All.Length;
        var kept = new List<int>();
        var means = new List<double>();
        var stds = new List<double>();
        for (int k = 0; k < all; k++)
        {
            if (_options.ExcludedFeatures.Contains(FeatureNames.All[k], StringComparer.Ordinal))
            {
                continue;
            }

            (double mean, double std) = MeanStd(trainAll, all, k);
            if (std > 1e-9)
            {
                kept.Add(k);
                means.Add(mean);
                stds.Add(std);
            }
        }

        int d = kept.Count;
        double[] xTrain = Standardise(trainAll, all, kept, means, stds, out double[] rawTrain);
        double[] xDev = Standardise(devAll, all, kept, means, stds, out _);
        var search = ImmutableArray.CreateBuilder<(double, double)>();
        LogisticFit? best = null;
        double bestL2 = double.NaN, bestLoss = double.PositiveInfinity;
        foreach (double l2 in _options.L2Grid)
        {
            progress?.Report(new TrainingProgress("fit", search.Count, _options.L2Grid.Length));
            LogisticFit fit = LogisticRegression.Fit(xTrain, trainLabels, d, l2, tolerance: 1e-10);
            double loss = devLabels.Length > 0 ? LogisticRegression.LogLoss(xDev, devLabels, d, fit) : fit.Loss;
            search.Add((l2, loss));
            if (loss < bestLoss)
            {
                bestLoss = loss;
                best = fit;
                bestL2 = l2;
            }
        }

        ImmutableArray<string> features = [.. kept.Select(k => FeatureNames.All[k])];
        var draft = new RankerConfig(
            _options.Name,
            map,
            features,
            [.. means],
            [.. stds],
            best!.Weights,
            best.Bias,
            [new OperatingMode("trace", 0.0)],
            "trace",
            _options.Generator,
            _options.MaxRounds,
            null,
            lms?.Full,
            lmReference);

        // 4. Calibrate the modes on dev by sweeping thresholds over one traced correction per utterance (each row with
        // the language model its features were fitted with).
        Trace[] devTraces = TraceAll(draft, lms, devRows, "dev sweep", progress);
        Trace[] trainTraces = TraceAll(draft, lms, trainRows, "train sweep", progress);
        ImmutableArray<SweepPoint> devSweep = Sweep(devTraces, minGain: null);
        ImmutableArray<SweepPoint> trainSweep = Sweep(trainTraces, minGain: null);
        ImmutableArray<SweepPoint> devGated = _options.CalibrateMinCtcGain ? Sweep(devTraces, minGain: 0) : [];
        ImmutableArray<SweepPoint> trainGated = _options.CalibrateMinCtcGain ? Sweep(trainTraces, minGain: 0) : [];
        double baseline = devSweep.Length > 0 ? devSweep[0].Cer - (devSweep[0].DeltaPp / 100.0) : 0;
        ImmutableArray<OperatingMode> modes = ChooseModes(devSweep, trainSweep, devGated, trainGated);
        BeamRevisionTrainer.Result? revision = null;
        if (lms is not null && _options.BeamRevision)
        {
            BeamRevisionTrainer.Row ToRow(Encoded r) => new(r.Source.LogProbs, r.Hypothesis, r.Reference, r.ReferenceText, r.Source.AsrScore, r.LmFold);
            revision = new BeamRevisionTrainer(_options).Train([.. trainRows.Select(ToRow)], [.. devRows.Select(ToRow)], lms, progress);
            ImmutableArray<OperatingMode> revisionModes = ChooseModes(revision.DevSweep, revision.TrainSweep, [], []);
            modes = [.. modes.Select(m => m with
            {
                RevisionThreshold = m.Name is "conservative" or "preservation" && !_options.ReviseInSafeModes ? null : revisionModes.First(r => r.Name == m.Name).Threshold,
            })];
            draft = draft.WithBeamRevision(revision.Config);
        }

        var metrics = modes.Select(m => (m.MinCtcGain is null ? devSweep : devGated).First(p => p.Threshold == m.Threshold) is var p
            ? new ModeMetrics(m.Name, p.Cer, p.DeltaPp, p.Better, p.Same, p.Worse, p.Changed)
            : null!).ToImmutableArray();
        if (revision is not null)
        {
            // With the stage, a mode's dev figures are those of the whole pipeline (revision, then single edits).
            metrics = EvaluateModes(draft.WithModes(modes, "conservative"), lms!, devRows);
        }

        var provenance = new RankerProvenance
        {
            Description = _options.Description,
            Trainer = "Nko.Ranker.Training " + typeof(RankerTrainer).Assembly.GetName().Version?.ToString(3),
            TrainRows = train.Count,
            DevRows = dev.Count,
            TrainingExamples = trainLabels.Length,
            PositiveExamples = positives,
            L2 = bestL2,
            GradientNorm = best.GradientNorm,
            Iterations = best.Iterations,
            DevBaselineCer = baseline,
            DevModes = metrics,
            Notes = lms is null ? null : string.Create(
                CultureInfo.InvariantCulture,
                $"Character {_options.LanguageModelOrder}-gram LM (interpolated modified Kneser-Ney) on {lms.Sentences} distinct sentences; rows whose reference is one of them were featurised with {_options.LanguageModelFolds}-fold cross-fitted LMs that never saw it ({trainRows.Count(r => r.LmFold >= 0)} of {trainRows.Length} train rows, {devRows.Count(r => r.LmFold >= 0)} of {devRows.Length} dev rows); the others with the full LM, which the config references."),
        };
        var measurements = trainRows.Select(r => Profiling.InputMeasurement.Measure(r.Source.LogProbs, vocabulary.BlankIndex, r.Hypothesis.Length, r.Source.AsrScore)).ToList();
        RankerConfig config = draft.WithModes(modes, "conservative", provenance).WithInputProfile(Profiling.InputProfile.Build(measurements));
        return new TrainingResult
        {
            Options = _options,
            Config = config,
            TrainRows = train.Count,
            DevRows = dev.Count,
            Examples = trainLabels.Length,
            Positives = positives,
            DevExamples = devLabels.Length,
            DevPositives = devLabels.Count(l => l == 1),
            L2Search = search.ToImmutable(),
            DevSweep = devSweep,
            TrainSweep = trainSweep,
            DevSweepGated = devGated,
            TrainSweepGated = trainGated,
            DevBaselineCer = baseline,
            FeatureColumns = features,
            FeatureMatrix = rawTrain,
            Labels = trainLabels,
            LanguageModelFile = lms?.FullBytes,
            CrossFittedTrainRows = trainRows.Count(r => r.LmFold >= 0),
            CrossFittedDevRows = devRows.Count(r => r.LmFold >= 0),
        };
    }

    /// <summary>Counts substitutions, insertions and deletions of the recogniser from hypothesis-reference alignments.</summary>
    public static ConfusionMap CountConfusions(IEnumerable<(int[] Hypothesis, int[] Reference)> pairs, CtcVocabulary vocabulary, int minCount)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var builder = new ConfusionMapBuilder();
        var raw = new ConfusionMapBuilder();
        foreach ((int[] hyp, int[] reference) in pairs)
        {
            raw.AddHypothesis(hyp);
            foreach (AlignmentOp op in LevenshteinAligner.Align(hyp, reference))
            {
                switch (op.Kind)
                {
                    case AlignmentOpKind.Substitution:
                        raw.AddSubstitution(op.HypothesisLabel, op.ReferenceLabel);
                        break;
                    case AlignmentOpKind.Insertion:
                        raw.AddDeletion(op.HypothesisLabel);
                        break;
                    case AlignmentOpKind.Deletion:
                        raw.AddInsertion(op.ReferenceLabel, op.LeftContext);
                        break;
                }
            }
        }

        ConfusionMap full = raw.Build(vocabulary);
        foreach (SubstitutionEntry s in full.Substitutions.Where(s => s.Count >= minCount))
        {
            builder.AddSubstitution(s.From, s.To, s.Count);
        }

        foreach (DeletionEntry e in full.Deletions.Where(e => e.Count >= minCount))
        {
            builder.AddDeletion(e.Label, e.Count);
        }

        foreach (InsertionEntry e in full.Insertions.Where(e => e.Count >= minCount))
        {
            builder.AddInsertion(e.Label, e.LeftContext, e.Count);
        }

        for (int id = 0; id < vocabulary.Count; id++)
        {
            int c = full.GetHypothesisLabelCount(id);
            if (c > 0)
            {
                builder.AddHypothesisLabel(id, c);
            }
        }

        return builder.Build(vocabulary);
    }

    private static ConfusionMap CountConfusions(Encoded[] rows, CtcVocabulary vocabulary, int minCount) =>
        CountConfusions(rows.Select(r => (r.Hypothesis, r.Reference)), vocabulary, minCount);

    private sealed record Encoded(TrainingUtterance Source, int[] Hypothesis, int[] Reference, string ReferenceText)
    {
        // The cross-fitted LM fold whose model never saw this row's sentence; −1: the full model.
        public int LmFold { get; set; } = -1;
    }

    private Encoded[] Encode(IReadOnlyList<TrainingUtterance> rows, string split, CtcVocabulary vocabulary)
    {
        var result = new Encoded[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            TrainingUtterance u = rows[i] ?? throw new TrainingDataException($"{split} row {i} is null.");
            if (u.Hypothesis is null || u.Reference is null)
            {
                throw new TrainingDataException($"{split} row {i} ({u.Id}) has no {(u.Hypothesis is null ? "hypothesis" : "reference")}.");
            }

            // Name the part that failed: an out-of-vocabulary character in the hypothesis and in the reference read alike.
            string part = "log-probs";
            try
            {
                u.LogProbs.Validate(vocabulary);
                part = "hypothesis";
                int[] hypothesis = vocabulary.Encode(u.Hypothesis);
                part = "reference";
                result[i] = new Encoded(u, hypothesis, vocabulary.Encode(u.Reference), u.Reference);
            }
            catch (ArgumentException e)
            {
                throw new TrainingDataException($"{split} row {i} ({u.Id}) {part}: {e.Message}", e);
            }
        }

        return result;
    }

    private (double[] Features, byte[] Labels) BuildExamples(Encoded[] rows, CandidateGenerator generator, CrossFittedLanguageModels? lms, string stage, IProgress<TrainingProgress>? progress)
    {
        int all = FeatureNames.All.Length;
        var perRow = new (List<double> X, List<byte> Y)[rows.Length];
        int done = 0;
        Parallel.For(
            0,
            rows.Length,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism },
            () => new CandidateEvaluator(),
            (i, _, evaluator) =>
            {
                Encoded row = rows[i];
                var x = new List<double>();
                var y = new List<byte>();
                evaluator.Reset(row.Source.LogProbs, _options.Vocabulary.BlankIndex, row.Source.AsrScore);
                int[] current = row.Hypothesis;
                Nko.Lm.CharLanguageModel? lm = lms?.For(row.LmFold);
                for (int round = 0; round < _options.TrainingRounds; round++)
                {
                    int n = evaluator.Evaluate(generator, current, round, lm);
                    if (n == 0)
                    {
                        break;
                    }

                    int before = EditDistance.Levenshtein<int>(current, row.Reference);
                    int bestIndex = -1;
                    double bestGain = double.NegativeInfinity;
                    for (int c = 0; c < n; c++)
                    {
                        int[] edited = evaluator.Candidates[c].Edit.Apply(current);
                        bool helps = EditDistance.Levenshtein<int>(edited, row.Reference) < before;
                        x.AddRange(evaluator.GetFeatures(c));
                        y.Add(helps ? (byte)1 : (byte)0);
                        double gain = evaluator.LogLikelihoods[c] - evaluator.HypothesisLogLikelihood;
                        if (helps && gain > bestGain)
                        {
                            bestGain = gain;
                            bestIndex = c;
                        }
                    }

                    if (bestIndex < 0)
                    {
                        break;
                    }

                    // Later rounds start from the text after the most CTC-supported helpful edit.
                    current = evaluator.Candidates[bestIndex].Edit.Apply(current);
                }

                perRow[i] = (x, y);
                progress?.Report(new TrainingProgress(stage, Interlocked.Increment(ref done), rows.Length));
                return evaluator;
            },
            _ => { });
        int total = perRow.Sum(r => r.Y.Count);
        double[] features = new double[total * all];
        byte[] labels = new byte[total];
        int at = 0;
        foreach ((List<double> x, List<byte> y) in perRow)
        {
            x.CopyTo(features, at * all);
            y.CopyTo(labels, at);
            at += y.Count;
        }

        return (features, labels);
    }

    private static (double Mean, double Std) MeanStd(double[] x, int stride, int column)
    {
        int n = x.Length / stride;
        double sum = 0;
        for (int r = 0; r < n; r++)
        {
            sum += x[(r * stride) + column];
        }

        double mean = sum / n, sq = 0;
        for (int r = 0; r < n; r++)
        {
            double v = x[(r * stride) + column] - mean;
            sq += v * v;
        }

        return (mean, Math.Sqrt(sq / n));
    }

    private static double[] Standardise(double[] x, int stride, List<int> kept, List<double> means, List<double> stds, out double[] raw)
    {
        int n = x.Length / stride, d = kept.Count;
        double[] z = new double[n * d];
        raw = new double[n * d];
        for (int r = 0; r < n; r++)
        {
            for (int k = 0; k < d; k++)
            {
                double v = x[(r * stride) + kept[k]];
                raw[(r * d) + k] = v;
                z[(r * d) + k] = (v - means[k]) / stds[k];
            }
        }

        return z;
    }

    // ChangedAfter[s]: whether the text after s + 1 edits differs from the hypothesis (edits can cancel out, e.g. an
    // insertion undone by a later deletion); "changed" is about the text, as CerTally and `nko eval` count it.
    private sealed record Trace(int ReferenceLength, int BaselineEdits, double[] Probabilities, double[] Gains, int[] EditsAfter, bool[] ChangedAfter, bool[] Helpful, bool[] Harmful);

    private Trace[] TraceAll(RankerConfig draft, CrossFittedLanguageModels? lms, Encoded[] rows, string stage, IProgress<TrainingProgress>? progress)
    {
        // Index 0: the draft (full LM or none); f + 1: the draft with fold f's LM.
        CorrectionPipeline[] pipelines = [new CorrectionPipeline(draft), .. (lms?.Folds ?? []).Select(lm => new CorrectionPipeline(draft.WithLanguageModel(lm, draft.LanguageModelReference)))];
        var traces = new Trace[rows.Length];
        int done = 0;
        Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism }, i =>
        {
            Encoded row = rows[i];
            CorrectionPipeline pipeline = pipelines[row.LmFold + 1];
            CorrectionResult result = pipeline.Correct(row.Source.LogProbs, row.Source.Hypothesis, "trace", row.Source.AsrScore);
            int steps = result.Edits.Length;
            double[] probabilities = new double[steps];
            double[] gains = new double[steps];
            int[] after = new int[steps];
            bool[] helpful = new bool[steps];
            bool[] harmful = new bool[steps];
            bool[] changed = new bool[steps];
            int[] current = row.Hypothesis;
            int previous = EditDistance.Levenshtein<int>(current, row.Reference);
            int baseline = previous;
            for (int s = 0; s < steps; s++)
            {
                AppliedEdit e = result.Edits[s];
                current = e.Edit.Apply(current);
                int now = EditDistance.Levenshtein<int>(current, row.Reference);
                probabilities[s] = e.Probability;
                gains[s] = e.CtcGain;
                after[s] = now;
                changed[s] = !current.AsSpan().SequenceEqual(row.Hypothesis);
                helpful[s] = now < previous;
                harmful[s] = now > previous;
                previous = now;
            }

            traces[i] = new Trace(row.Reference.Length, baseline, probabilities, gains, after, changed, helpful, harmful);
            progress?.Report(new TrainingProgress(stage, Interlocked.Increment(ref done), rows.Length));
        });
        return traces;
    }

    private ImmutableArray<ModeMetrics> EvaluateModes(RankerConfig config, CrossFittedLanguageModels lms, Encoded[] rows)
    {
        CorrectionPipeline[] pipelines = [new CorrectionPipeline(config), .. lms.Folds.Select(lm => new CorrectionPipeline(config.WithLanguageModel(lm, config.LanguageModelReference)))];
        var result = ImmutableArray.CreateBuilder<ModeMetrics>(config.Modes.Length);
        foreach (OperatingMode mode in config.Modes)
        {
            var outputs = new int[rows.Length][];
            Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism }, i =>
            {
                Encoded row = rows[i];
                CorrectionResult r = pipelines[row.LmFold + 1].Correct(row.Source.LogProbs, row.Source.Hypothesis, mode.Name, row.Source.AsrScore);
                outputs[i] = config.Vocabulary.Encode(r.Text);
            });
            var tally = new CerTally();
            for (int i = 0; i < rows.Length; i++)
            {
                int before = EditDistance.Levenshtein<int>(rows[i].Hypothesis, rows[i].Reference);
                tally.Add(rows[i].Reference.Length, before, EditDistance.Levenshtein<int>(outputs[i], rows[i].Reference), !outputs[i].AsSpan().SequenceEqual(rows[i].Hypothesis));
            }

            result.Add(new ModeMetrics(mode.Name, tally.Cer, tally.DeltaPp, tally.Better, tally.Same, tally.Worse, tally.Changed));
        }

        return result.MoveToImmutable();
    }

    // With minGain, correction also stops at the first edit whose CTC gain is below it (OperatingMode.Accepts): the
    // traced sequence of best edits does not depend on either bound, only where it stops.
    private ImmutableArray<SweepPoint> Sweep(Trace[] traces, double? minGain)
    {
        var points = ImmutableArray.CreateBuilder<SweepPoint>(_options.Thresholds.Length);
        foreach (double threshold in _options.Thresholds)
        {
            var tally = new CerTally();
            int accepted = 0, helpful = 0, harmful = 0;
            foreach (Trace t in traces)
            {
                int applied = 0;
                while (applied < t.Probabilities.Length && t.Probabilities[applied] >= threshold && threshold < 1.0
                    && (minGain is not { } g || t.Gains[applied] >= g))
                {
                    applied++;
                }

                int edits = applied == 0 ? t.BaselineEdits : t.EditsAfter[applied - 1];
                tally.Add(t.ReferenceLength, t.BaselineEdits, edits, applied > 0 && t.ChangedAfter[applied - 1]);
                accepted += applied;
                for (int s = 0; s < applied; s++)
                {
                    helpful += t.Helpful[s] ? 1 : 0;
                    harmful += t.Harmful[s] ? 1 : 0;
                }
            }

            points.Add(new SweepPoint(threshold, tally.Cer, tally.DeltaPp, tally.Better, tally.Same, tally.Worse, tally.Changed, accepted, helpful, harmful));
        }

        return points.MoveToImmutable();
    }

    internal ImmutableArray<OperatingMode> ChooseModes(
        ImmutableArray<SweepPoint> dev, ImmutableArray<SweepPoint> train, ImmutableArray<SweepPoint> devGated, ImmutableArray<SweepPoint> trainGated)
    {
        // Lowest CER wins; ties go to the stricter threshold (later in the ascending grid).
        static SweepPoint BestOf(IEnumerable<SweepPoint> points, SweepPoint fallback) =>
            points.Aggregate((SweepPoint?)null, (best, p) => best is null || p.DeltaPp <= best.DeltaPp ? p : best) ?? fallback;

        SweepPoint strictest = dev[^1];
        SweepPoint aggressive = BestOf(dev, strictest);
        SweepPoint balanced = BestOf(dev.Where(p => p.Worse <= _options.BalancedMaxWorseShare * p.Changed), strictest);
        (int conservative, int preservation) = ChooseSafe(dev, train);
        double? minGain = null;
        if (!devGated.IsDefaultOrEmpty)
        {
            // The gate only ever stops correction earlier, so it is kept only where it buys a lower conservative CER.
            (int gatedConservative, int gatedPreservation) = ChooseSafe(devGated, trainGated);
            if (devGated[gatedConservative].DeltaPp < dev[conservative].DeltaPp)
            {
                (conservative, preservation, minGain) = (gatedConservative, gatedPreservation, 0.0);
            }
        }

        return
        [
            new OperatingMode("aggressive", aggressive.Threshold),
            new OperatingMode("balanced", balanced.Threshold),
            new OperatingMode("conservative", dev[conservative].Threshold, minGain),
            new OperatingMode("preservation", dev[preservation].Threshold, minGain),
        ];
    }

    // Conservative and preservation live inside a run of consecutive thresholds where no dev and no train utterance
    // gets worse. Conservative takes the run containing the best zero-worse CER and, within it, the strictest threshold
    // that keeps ConservativeShare of that CER reduction while staying MarginSteps from the run's edges: distance from
    // the worse boundary is what keeps it at zero worse on unseen data. Preservation: stricter, inside the same run, and
    // the first threshold whose accepted edits are at least PreservationMinPrecision "correct" (not increasing the edit
    // distance); else the run's strict margin end. Both are the strictest threshold when no threshold is safe.
    private (int Conservative, int Preservation) ChooseSafe(ImmutableArray<SweepPoint> dev, ImmutableArray<SweepPoint> train)
    {
        bool Safe(int i) => dev[i].Worse == 0 && train[i].Worse == 0;
        int bestSafe = -1;
        for (int i = 0; i < dev.Length; i++)
        {
            if (Safe(i) && dev[i].Changed > 0 && (bestSafe < 0 || dev[i].DeltaPp <= dev[bestSafe].DeltaPp))
            {
                bestSafe = i;
            }
        }

        int conservativeIndex = dev.Length - 1, preservationIndex = dev.Length - 1;
        if (bestSafe >= 0)
        {
            int lo = bestSafe, hi = bestSafe;
            while (lo > 0 && Safe(lo - 1))
            {
                lo--;
            }

            while (hi < dev.Length - 1 && Safe(hi + 1))
            {
                hi++;
            }

            int margin = Math.Min(_options.ConservativeMarginSteps, (hi - lo) / 2);
            int first = Math.Max(bestSafe, lo + margin), last = Math.Max(first, hi - margin);
            double target = _options.ConservativeShare * dev[bestSafe].DeltaPp;
            conservativeIndex = first;
            for (int i = first; i <= last; i++)
            {
                if (dev[i].DeltaPp <= target)
                {
                    conservativeIndex = i;
                }
            }

            preservationIndex = last;
            for (int i = conservativeIndex + 1; i <= last; i++)
            {
                if (dev[i].Safety >= _options.PreservationMinPrecision && train[i].Safety >= _options.PreservationMinPrecision)
                {
                    preservationIndex = i;
                    break;
                }
            }
        }

        return (conservativeIndex, preservationIndex);
    }
}
