using System.Collections.Immutable;
using Nko.Ctc;
using Nko.Ranker.Configuration;
using Nko.Ranker.Evaluation;
using Nko.Ranker.Features;
using Nko.Ranker.Scoring;
using Nko.Ranker.Training.Fitting;

namespace Nko.Ranker.Training;

/// <summary>
/// Trains the beam-revision stage: beam + LM decode of every row (each with the LM that never saw its sentence),
/// segments against the hypothesis, the key table, the segment model (logistic, λ on dev log-loss) and the threshold
/// sweeps the modes are chosen from (dev with the full fit; train with out-of-fold fits and out-of-fold key counts).
/// </summary>
internal sealed class BeamRevisionTrainer
{
    private const int KeyFolds = 5;
    private static readonly int Width = BeamRevisionFeatures.All.Length;

    private readonly TrainerOptions _options;

    public BeamRevisionTrainer(TrainerOptions options) => _options = options;

    /// <summary>One training or dev row as the stage sees it.</summary>
    public sealed record Row(LogProbMatrix LogProbs, int[] Hypothesis, int[] Reference, string ReferenceText, double? AsrScore, int LmFold);

    public sealed record Result(BeamRevisionConfig Config, ImmutableArray<SweepPoint> DevSweep, ImmutableArray<SweepPoint> TrainSweep, int Segments, int Helpful);

    private sealed class Seg
    {
        public required double[] X { get; init; }
        public required bool Helped { get; init; }
        public required bool Harmed { get; init; }
        public required (string From, string To, string Left, string Right) Key { get; init; }
        public required int Start { get; init; }
        public required int End { get; init; }
        public required int[] Replacement { get; init; }
        public double P { get; set; }
    }

    private sealed record Featurised(Row Row, Seg[] Segments, int Fold);

    public Result Train(IReadOnlyList<Row> train, IReadOnlyList<Row> dev, CrossFittedLanguageModels lms, IProgress<TrainingProgress>? progress)
    {
        BeamSearchOptions search = _options.BeamRevisionSearch;
        CtcVocabulary vocabulary = _options.Vocabulary;
        Featurised[] trainF = Featurise(train, lms, search, vocabulary, "revision train", progress);
        Featurised[] devF = Featurise(dev, lms, search, vocabulary, "revision dev", progress);

        // Key features: train rows from the other sentence folds' counts, dev rows (and the config) from all train rows.
        for (int f = 0; f < KeyFolds; f++)
        {
            var table = new SegmentKeyTable(Count(trainF.Where(r => r.Fold != f)));
            SetKeys(trainF.Where(r => r.Fold == f), table);
        }

        ImmutableArray<SegmentKeyCount> keys = Count(trainF);
        SetKeys(devF, new SegmentKeyTable(keys));

        Seg[] trainSegs = [.. trainF.SelectMany(r => r.Segments)];
        Seg[] devSegs = [.. devF.SelectMany(r => r.Segments)];
        int helpful = trainSegs.Count(s => s.Helped);
        if (trainSegs.Length == 0 || helpful == 0 || helpful == trainSegs.Length)
        {
            throw new TrainingDataException($"The beam-revision segments are all one class ({helpful} helpful of {trainSegs.Length}); the stage needs both.");
        }

        // Standardise (dropping constant columns), pick λ on dev log-loss, fit.
        var kept = new List<int>();
        var means = new List<double>();
        var stds = new List<double>();
        for (int k = 0; k < Width; k++)
        {
            double mean = trainSegs.Average(s => s.X[k]);
            double std = Math.Sqrt(trainSegs.Average(s => (s.X[k] - mean) * (s.X[k] - mean)));
            if (std > 1e-9)
            {
                kept.Add(k);
                means.Add(mean);
                stds.Add(std);
            }
        }

        (double[] xTrain, byte[] yTrain) = Matrix(trainSegs, kept, means, stds);
        (double[] xDev, byte[] yDev) = Matrix(devSegs, kept, means, stds);
        LogisticFit? best = null;
        double bestL2 = _options.L2Grid[0], bestLoss = double.PositiveInfinity;
        foreach (double l2 in _options.L2Grid)
        {
            LogisticFit fit = LogisticRegression.Fit(xTrain, yTrain, kept.Count, l2, tolerance: 1e-10);
            double loss = yDev.Length > 0 ? LogisticRegression.LogLoss(xDev, yDev, kept.Count, fit) : fit.Loss;
            if (loss < bestLoss)
            {
                (best, bestL2, bestLoss) = (fit, l2, loss);
            }
        }

        var config = new BeamRevisionConfig(
            search,
            [.. kept.Select(k => BeamRevisionFeatures.All[k])],
            [.. means],
            [.. stds],
            best!.Weights,
            best.Bias,
            keys);
        var model = new BeamRevisionModel(config);
        foreach (Seg s in devSegs)
        {
            s.P = LogisticRanker.Sigmoid(model.Logit(s.X));
        }

        // Out-of-fold probabilities for the train sweep: refit without each sentence fold (same λ and standardisation).
        for (int f = 0; f < KeyFolds; f++)
        {
            Seg[] fitSegs = [.. trainF.Where(r => r.Fold != f).SelectMany(r => r.Segments)];
            Seg[] held = [.. trainF.Where(r => r.Fold == f).SelectMany(r => r.Segments)];
            if (held.Length == 0)
            {
                continue;
            }

            (double[] x, byte[] y) = Matrix(fitSegs, kept, means, stds);
            LogisticFit fit = y.Any(v => v == 1) && y.Any(v => v == 0) ? LogisticRegression.Fit(x, y, kept.Count, bestL2, tolerance: 1e-10) : best;
            var foldModel = new BeamRevisionModel(config with { Weights = fit.Weights, Bias = fit.Bias });
            foreach (Seg s in held)
            {
                s.P = LogisticRanker.Sigmoid(foldModel.Logit(s.X));
            }
        }

        return new Result(config, Sweep(devF), Sweep(trainF), trainSegs.Length, helpful);
    }

    private Featurised[] Featurise(IReadOnlyList<Row> rows, CrossFittedLanguageModels lms, BeamSearchOptions search, CtcVocabulary vocabulary, string stage, IProgress<TrainingProgress>? progress)
    {
        // Sentence folds for the out-of-fold key counts: distinct normalised references in row order, i mod k.
        var foldOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Row r in rows)
        {
            foldOf.TryAdd(CrossFittedLanguageModels.Normalise(r.ReferenceText), foldOf.Count % KeyFolds);
        }

        var result = new Featurised[rows.Count];
        int done = 0;
        Parallel.For(
            0,
            rows.Count,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism },
            () => new BeamRevisionEvaluator(),
            (i, _, evaluator) =>
            {
                Row row = rows[i];
                Nko.Lm.CharLanguageModel lm = lms.For(row.LmFold);
                var beam = new CtcBeamSearch(vocabulary, lm, search);
                double asr = row.AsrScore ?? CandidateEvaluator.EstimateAsrScore(row.LogProbs, vocabulary.BlankIndex);
                int n = evaluator.Evaluate(row.LogProbs, vocabulary, row.Hypothesis, asr, beam, lm, SegmentKeyTable.Empty);
                int baseline = EditDistance.Levenshtein<int>(row.Hypothesis, row.Reference);
                var segs = new Seg[n];
                for (int s = 0; s < n; s++)
                {
                    BeamRevisionEvaluator.Segment seg = evaluator.Segments[s];
                    int after = EditDistance.Levenshtein(evaluator.Apply(row.Hypothesis, evaluator.Best, seg), row.Reference);
                    segs[s] = new Seg
                    {
                        X = evaluator.Rows.Slice(s * Width, Width).ToArray(),
                        Helped = after < baseline,
                        Harmed = after > baseline,
                        Key = BeamRevisionEvaluator.KeyOf(vocabulary, row.Hypothesis, evaluator.Best, seg),
                        Start = seg.Start,
                        End = seg.End,
                        Replacement = evaluator.Best.Slice(seg.ReplacementStart, seg.ReplacementLength).ToArray(),
                    };
                }

                result[i] = new Featurised(row, segs, foldOf[CrossFittedLanguageModels.Normalise(row.ReferenceText)]);
                progress?.Report(new TrainingProgress(stage, Interlocked.Increment(ref done), rows.Count));
                return evaluator;
            },
            _ => { });
        return result;
    }

    private static ImmutableArray<SegmentKeyCount> Count(IEnumerable<Featurised> rows) =>
        SegmentKeyTable.Count(rows.SelectMany(r => r.Segments).Select(s => (s.Key.From, s.Key.To, s.Key.Left, s.Key.Right, s.Helped)));

    private static void SetKeys(IEnumerable<Featurised> rows, SegmentKeyTable table)
    {
        foreach (Seg s in rows.SelectMany(r => r.Segments))
        {
            BeamRevisionEvaluator.WriteKeyFeatures(s.X, table.Get(s.Key.From, s.Key.To, null, null), table.Get(s.Key.From, s.Key.To, s.Key.Left, s.Key.Right));
        }
    }

    private static (double[] X, byte[] Y) Matrix(Seg[] segs, List<int> kept, List<double> means, List<double> stds)
    {
        int d = kept.Count;
        double[] x = new double[segs.Length * d];
        byte[] y = new byte[segs.Length];
        for (int i = 0; i < segs.Length; i++)
        {
            for (int k = 0; k < d; k++)
            {
                x[(i * d) + k] = (segs[i].X[kept[k]] - means[k]) / stds[k];
            }

            y[i] = segs[i].Helped ? (byte)1 : (byte)0;
        }

        return (x, y);
    }

    // Each threshold applies, per row, every segment whose probability reaches it (segments are disjoint).
    private ImmutableArray<SweepPoint> Sweep(Featurised[] rows)
    {
        var points = ImmutableArray.CreateBuilder<SweepPoint>(_options.Thresholds.Length);
        foreach (double threshold in _options.Thresholds)
        {
            var tally = new CerTally();
            int accepted = 0, helped = 0, harmed = 0;
            foreach (Featurised r in rows)
            {
                var take = r.Segments.Where(s => threshold < 1.0 && s.P >= threshold).ToList();
                int before = EditDistance.Levenshtein<int>(r.Row.Hypothesis, r.Row.Reference);
                int[] output = ApplyAll(r.Row.Hypothesis, take);
                tally.Add(r.Row.Reference.Length, before, EditDistance.Levenshtein<int>(output, r.Row.Reference), !output.AsSpan().SequenceEqual(r.Row.Hypothesis));
                accepted += take.Count;
                helped += take.Count(s => s.Helped);
                harmed += take.Count(s => s.Harmed);
            }

            points.Add(new SweepPoint(threshold, tally.Cer, tally.DeltaPp, tally.Better, tally.Same, tally.Worse, tally.Changed, accepted, helped, harmed));
        }

        return points.MoveToImmutable();
    }

    private static int[] ApplyAll(int[] hypothesis, List<Seg> segments)
    {
        if (segments.Count == 0)
        {
            return hypothesis;
        }

        var output = new List<int>(hypothesis.Length + 8);
        int at = 0;
        foreach (Seg s in segments)
        {
            output.AddRange(hypothesis.AsSpan(at, s.Start - at));
            output.AddRange(s.Replacement);
            at = s.End;
        }

        output.AddRange(hypothesis.AsSpan(at));
        return [.. output];
    }
}
