using System.Collections.Concurrent;
using System.Collections.Immutable;
using Nko.Candidates;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker.Configuration;
using Nko.Ranker.Evaluation;
using Nko.Ranker.Features;
using Nko.Ranker.Training.Tests.Support;
using Xunit.Abstractions;

namespace Nko.Ranker.Training.Tests;

public sealed class RankerTrainerTests(ITestOutputHelper output)
{
    private static TrainingResult Small => TrainingData.Small;

    [Fact]
    public void Two_runs_give_identical_config_bytes_whatever_the_parallelism()
    {
        var progress = new RecordingProgress();
        byte[] serial = new RankerTrainer(TrainingData.FastOptions(parallelism: 1)).Train(TrainingData.Train30, TrainingData.Dev20, progress).Config.ToUtf8Json();
        byte[] parallel = new RankerTrainer(TrainingData.FastOptions(parallelism: 2)).Train(TrainingData.Train30, TrainingData.Dev20).Config.ToUtf8Json();
        byte[] shared = Small.Config.ToUtf8Json();
        Assert.Equal(serial, parallel);
        Assert.Equal(serial, shared);

        // Long steps report progress, and every stage reaches its total.
        Assert.Equal(["train examples", "dev examples", "fit", "dev sweep", "train sweep"], progress.Stages);
        Assert.All(progress.Reports, r => Assert.InRange(r.Done, 0, r.Total));
        Assert.Contains(new TrainingProgress("train examples", 30, 30), progress.Reports);
        Assert.Contains(new TrainingProgress("dev sweep", 20, 20), progress.Reports);
    }

    [Fact]
    public void The_written_config_loads_and_saves_to_the_same_bytes()
    {
        byte[] bytes = Small.Config.ToUtf8Json();
        string path = Path.Combine(Path.GetTempPath(), $"nko-trainer-test-{Guid.NewGuid():N}.json");
        try
        {
            Small.Config.Save(path);
            Assert.Equal(bytes, File.ReadAllBytes(path));
            RankerConfig loaded = RankerConfig.Load(path);
            Assert.Equal(bytes, loaded.ToUtf8Json());
            Assert.Equal(["aggressive", "balanced", "conservative", "preservation"], loaded.Modes.Select(m => m.Name));
            Assert.Equal("conservative", loaded.DefaultMode);
            Assert.Equal("test_ranker", loaded.Name);
            Assert.Equal("unit test", loaded.Provenance.Description);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_loaded_config_reproduces_its_recorded_dev_tables_exactly()
    {
        RankerConfig config = RankerConfig.Parse(Small.Config.ToUtf8Json());
        var pipeline = new CorrectionPipeline(config);
        Assert.Equal(config.Modes.Length, config.Provenance.DevModes.Length);
        foreach (ModeMetrics recorded in config.Provenance.DevModes)
        {
            CerTally tally = Evaluate(pipeline, TrainingData.Dev20, recorded.Mode);
            output.WriteLine($"{recorded.Mode}: t = {config.GetMode(recorded.Mode).Threshold}, CER {tally.Cer:F4}, {tally.DeltaPp:+0.00;-0.00} pp, {tally.Better}/{tally.Same}/{tally.Worse}, changed {tally.Changed}");
            Assert.Equal(recorded, tally.ToMetrics(recorded.Mode));
            Assert.Equal(config.Provenance.DevBaselineCer!.Value, tally.BaselineCer, 1e-15);
        }
    }

    [Fact]
    public void Every_sweep_point_is_what_the_pipeline_does_at_that_threshold()
    {
        AssertSweepIsThePipeline(Small.DevSweep, Small.TrainSweep, minGain: null);

        // The sweep is ordered by threshold, and accepting fewer edits as the threshold rises.
        Assert.Equal(TrainingData.FastOptions().Thresholds, Small.DevSweep.Select(p => p.Threshold));
        for (int i = 1; i < Small.DevSweep.Length; i++)
        {
            Assert.True(Small.DevSweep[i].AcceptedEdits <= Small.DevSweep[i - 1].AcceptedEdits);
        }
    }

    // Each sweep point against the pipeline correcting dev and train at that threshold (and minimum gain).
    private static void AssertSweepIsThePipeline(ImmutableArray<SweepPoint> devSweep, ImmutableArray<SweepPoint> trainSweep, double? minGain)
    {
        ImmutableArray<OperatingMode> modes = [.. devSweep.Select((p, i) => new OperatingMode($"t{i}", p.Threshold, minGain))];
        var pipeline = new CorrectionPipeline(Small.Config.WithModes(modes, "t0"));
        for (int i = 0; i < modes.Length; i++)
        {
            SweepPoint p = devSweep[i];
            CerTally dev = Evaluate(pipeline, TrainingData.Dev20, modes[i].Name);
            Assert.Equal((p.Cer, p.DeltaPp, p.Better, p.Same, p.Worse, p.Changed), (dev.Cer, dev.DeltaPp, dev.Better, dev.Same, dev.Worse, dev.Changed));
            CerTally train = Evaluate(pipeline, TrainingData.Train30, modes[i].Name);
            SweepPoint t = trainSweep[i];
            Assert.Equal((t.Cer, t.DeltaPp, t.Better, t.Same, t.Worse, t.Changed), (train.Cer, train.DeltaPp, train.Better, train.Same, train.Worse, train.Changed));
            Assert.True(p.HelpfulEdits + p.HarmfulEdits <= p.AcceptedEdits);
        }
    }

    [Fact]
    public void Every_gated_sweep_point_is_what_the_pipeline_does_with_a_minimum_gain_of_zero()
    {
        Assert.Equal(Small.DevSweep.Length, Small.DevSweepGated.Length);
        AssertSweepIsThePipeline(Small.DevSweepGated, Small.TrainSweepGated, minGain: 0);
        for (int i = 0; i < Small.DevSweepGated.Length; i++)
        {
            // The gate only stops correction earlier.
            Assert.True(Small.DevSweepGated[i].AcceptedEdits <= Small.DevSweep[i].AcceptedEdits);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_gain_gate_is_kept_only_where_it_lowers_the_conservative_CER(bool shortlisted)
    {
        // Shortlisting from a wide pool is where the gate tends to pay; the plain bounds are where it tends not to.
        TrainerOptions options = TrainingData.FastOptions() with
        {
            Generator = shortlisted ? new GeneratorOptions { MaxCandidates = 256, TopKPerLabel = 4, Shortlist = 16 } : new TrainerOptions().Generator,
        };
        TrainingResult on = new RankerTrainer(options).Train(TrainingData.Train30, TrainingData.Dev20);
        TrainingResult off = new RankerTrainer(options with { CalibrateMinCtcGain = false }).Train(TrainingData.Train30, TrainingData.Dev20);
        Assert.True(off.DevSweepGated.IsEmpty && off.TrainSweepGated.IsEmpty);
        Assert.All(off.Config.Modes, m => Assert.Null(m.MinCtcGain));
        Assert.Equal(on.DevSweep.Select(Key), off.DevSweep.Select(Key));

        OperatingMode conservative = on.Config.GetMode("conservative");
        ModeMetrics gated = on.Config.Provenance.DevModes.Single(m => m.Mode == "conservative");
        ModeMetrics plain = off.Config.Provenance.DevModes.Single(m => m.Mode == "conservative");
        output.WriteLine($"shortlisted {shortlisted}: gate {conservative.MinCtcGain?.ToString() ?? "none"}, {gated.DeltaPp:+0.00;-0.00} pp vs {plain.DeltaPp:+0.00;-0.00} pp without");
        if (conservative.MinCtcGain is { } g)
        {
            Assert.Equal(0, g);
            Assert.Equal(0, on.Config.GetMode("preservation").MinCtcGain);
            Assert.True(gated.DeltaPp < plain.DeltaPp);
            int i = on.DevSweepGated.Select(p => p.Threshold).ToList().IndexOf(conservative.Threshold);
            Assert.Equal((0, 0), (on.DevSweepGated[i].Worse, on.TrainSweepGated[i].Worse));
            Assert.Equal(on.DevSweepGated[i].DeltaPp, gated.DeltaPp);
        }
        else
        {
            Assert.Equal(off.Config.ToUtf8Json(), on.Config.ToUtf8Json());
        }

        Assert.Null(on.Config.GetMode("aggressive").MinCtcGain);
        Assert.Null(on.Config.GetMode("balanced").MinCtcGain);

        static (double, double, int, int, int, int, int) Key(SweepPoint p) => (p.Threshold, p.Cer, p.Better, p.Same, p.Worse, p.Changed, p.AcceptedEdits);
    }

    [Fact]
    public void The_gated_choice_replaces_conservative_and_preservation_only_when_its_conservative_CER_is_lower()
    {
        // Synthetic sweeps over 0.05 … 0.95: the plain sweep has a worse utterance up to 0.7 (its safe run starts late,
        // with a small reduction); the gated one is safe from 0.3 on with a larger reduction.
        double[] thresholds = [.. Enumerable.Range(1, 19).Select(i => i / 20.0)];
        ImmutableArray<SweepPoint> Points(Func<double, int> worse, Func<double, double> delta) =>
            [.. thresholds.Select(t => new SweepPoint(t, 0.4 + (delta(t) / 100), delta(t), 10, 0, worse(t), 10, 20, 18, worse(t)))];
        ImmutableArray<SweepPoint> plain = Points(t => t <= 0.7 ? 1 : 0, t => -10 * (1 - t));
        ImmutableArray<SweepPoint> gated = Points(t => t < 0.3 ? 1 : 0, t => -8 * (1 - t) - 1);
        var trainer = new RankerTrainer(TrainingData.FastOptions() with { Thresholds = [.. thresholds] });

        ImmutableArray<OperatingMode> modes = trainer.ChooseModes(plain, plain, gated, gated);
        Assert.Equal(0, modes.Single(m => m.Name == "conservative").MinCtcGain);
        Assert.Equal(0, modes.Single(m => m.Name == "preservation").MinCtcGain);
        double t = modes.Single(m => m.Name == "conservative").Threshold;
        Assert.InRange(t, 0.3, 0.95);
        Assert.Null(modes.Single(m => m.Name == "aggressive").MinCtcGain);

        // The other way round the plain choice stands, and so it does with no gated sweep at all.
        ImmutableArray<OperatingMode> kept = trainer.ChooseModes(gated, gated, plain, plain);
        Assert.All(kept, m => Assert.Null(m.MinCtcGain));
        Assert.Equal(kept.ToArray(), trainer.ChooseModes(gated, gated, [], []).ToArray());
    }

    [Fact]
    public void The_modes_follow_the_documented_rules()
    {
        RankerConfig config = Small.Config;
        ImmutableArray<SweepPoint> dev = Small.DevSweep, train = Small.TrainSweep;
        int At(string mode) => dev.Select(p => p.Threshold).ToList().IndexOf(config.GetMode(mode).Threshold);
        int aggressive = At("aggressive"), balanced = At("balanced"), conservative = At("conservative"), preservation = At("preservation");
        Assert.All((int[])[aggressive, balanced, conservative, preservation], i => Assert.True(i >= 0));

        // aggressive: the lowest dev CER, ties to the stricter threshold.
        double best = dev.Min(p => p.DeltaPp);
        Assert.Equal(best, dev[aggressive].DeltaPp);
        Assert.DoesNotContain(dev.Skip(aggressive + 1), p => p.DeltaPp == best);

        // balanced: at most 1% of changed utterances worse, the lowest CER among those.
        Assert.True(dev[balanced].Worse <= 0.01 * dev[balanced].Changed);
        Assert.Equal(dev.Where(p => p.Worse <= 0.01 * p.Changed).Min(p => p.DeltaPp), dev[balanced].DeltaPp);

        // conservative and preservation: nothing worse on dev or train; preservation is at least as strict.
        foreach (int i in (int[])[conservative, preservation])
        {
            Assert.Equal(0, dev[i].Worse);
            Assert.Equal(0, train[i].Worse);
        }

        Assert.True(preservation >= conservative);
        Assert.True(conservative >= aggressive);
        Assert.Equal(dev[conservative].Cer, config.Provenance.DevModes.Single(m => m.Mode == "conservative").Cer);
    }

    [Fact]
    public void The_result_describes_the_training_matrix_and_the_fit()
    {
        TrainingResult r = Small;
        RankerConfig c = r.Config;
        int d = c.Features.Length;
        Assert.Equal(c.Features.ToArray(), r.FeatureColumns.ToArray());
        Assert.Equal(r.Labels.Length, r.Examples);
        Assert.Equal(r.Examples * d, r.FeatureMatrix.Length);
        Assert.Equal(r.Labels.Count(l => l == 1), r.Positives);
        Assert.All(r.Labels, l => Assert.True(l <= 1));
        Assert.InRange(r.Positives, 1, r.Examples - 1);
        Assert.InRange(r.DevPositives, 0, r.DevExamples);
        Assert.Equal(30, r.TrainRows);
        Assert.Equal(20, r.DevRows);
        Assert.All(c.Features, f => Assert.Contains(f, FeatureNames.All));

        // Means and stds are the training columns' (population std); constant columns were dropped.
        for (int k = 0; k < d; k++)
        {
            double[] column = [.. Enumerable.Range(0, r.Examples).Select(i => r.FeatureMatrix[(i * d) + k])];
            double mean = column.Average();
            double std = Math.Sqrt(column.Average(v => (v - mean) * (v - mean)));
            Assert.Equal(mean, c.Means[k], 1e-9 * (1 + Math.Abs(mean)));
            Assert.Equal(std, c.Stds[k], 1e-9 * (1 + std));
            Assert.True(c.Stds[k] > 1e-9);
        }

        // λ is the grid value with the lowest dev log-loss, and recorded with the fit's convergence.
        Assert.Equal(TrainingData.FastOptions().L2Grid, r.L2Search.Select(s => s.L2));
        Assert.Equal(r.L2Search.MinBy(s => s.DevLogLoss).L2, c.Provenance.L2);
        Assert.True(c.Provenance.GradientNorm <= 1e-6, $"gradient norm {c.Provenance.GradientNorm}");
        Assert.Equal(r.Examples, c.Provenance.TrainingExamples);
        Assert.Equal(r.Positives, c.Provenance.PositiveExamples);
        Assert.Equal(30, c.Provenance.TrainRows);
        Assert.Equal(20, c.Provenance.DevRows);
        Assert.Equal(r.DevBaselineCer, c.Provenance.DevBaselineCer);
        output.WriteLine($"{r.Examples} examples ({r.Positives} positive), {d} features, λ = {c.Provenance.L2}, gradient norm {c.Provenance.GradientNorm:E2} after {c.Provenance.Iterations} iterations");
    }

    [Fact]
    public void The_confusion_maps_are_the_counted_train_alignments()
    {
        CtcVocabulary v = CtcVocabulary.NkoBlankFirst;
        ConfusionMap expected = RankerTrainer.CountConfusions(TrainingData.Train30.Select(u => (v.Encode(u.Hypothesis), v.Encode(u.Reference))), v, TrainingData.FastOptions().Generator.MinCount);
        ConfusionMap actual = Small.Config.Confusions;
        Assert.Equal(expected.Substitutions.ToArray(), actual.Substitutions.ToArray());
        Assert.Equal(expected.Deletions.ToArray(), actual.Deletions.ToArray());
        Assert.Equal(expected.Insertions.ToArray(), actual.Insertions.ToArray());
        Assert.Equal(expected.HypothesisLabelCounts.ToArray(), actual.HypothesisLabelCounts.ToArray());
        Assert.All(actual.Substitutions, s => Assert.True(s.Count >= 2));
    }

    [Fact]
    public void The_first_training_rows_are_the_first_utterances_candidates_labelled_by_edit_distance()
    {
        RankerConfig c = Small.Config;
        CtcVocabulary v = c.Vocabulary;
        TrainingUtterance u = TrainingData.Train30[0];
        int[] hypothesis = v.Encode(u.Hypothesis), reference = v.Encode(u.Reference);
        var evaluator = new CandidateEvaluator();
        evaluator.Reset(u.LogProbs, v.BlankIndex, u.AsrScore);
        int n = evaluator.Evaluate(c.CandidateGenerator, hypothesis, 0);
        Assert.True(n > 0);
        int d = c.Features.Length;
        int[] columns = [.. c.Features.Select(FeatureNames.IndexOf)];
        int before = EditDistance.Levenshtein<int>(hypothesis, reference);
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> features = evaluator.GetFeatures(i);
            for (int k = 0; k < d; k++)
            {
                Assert.Equal(features[columns[k]], Small.FeatureMatrix[(i * d) + k]);
            }

            bool helps = EditDistance.Levenshtein<int>(evaluator.Candidates[i].Edit.Apply(hypothesis), reference) < before;
            Assert.Equal(helps ? 1 : 0, Small.Labels[i]);
        }
    }

    [Fact]
    public void Out_of_vocabulary_text_names_the_split_row_and_id()
    {
        List<TrainingUtterance> train = [.. TrainingData.Train30];
        train[3] = train[3] with { Hypothesis = train[3].Hypothesis + "x" };
        var e = Assert.Throws<TrainingDataException>(() => new RankerTrainer(TrainingData.FastOptions()).Train(train, TrainingData.Dev20));
        Assert.Contains($"train row 3 ({train[3].Id}) hypothesis", e.Message, StringComparison.Ordinal);
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
        Assert.IsType<OutOfVocabularyException>(e.InnerException);

        List<TrainingUtterance> dev = [.. TrainingData.Dev20];
        dev[5] = dev[5] with { Reference = "abc" };
        e = Assert.Throws<TrainingDataException>(() => new RankerTrainer(TrainingData.FastOptions()).Train(TrainingData.Train30, dev));
        Assert.Contains($"dev row 5 ({dev[5].Id}) reference", e.Message, StringComparison.Ordinal);
        Assert.Contains("'a'", e.Message, StringComparison.Ordinal);

        List<TrainingUtterance> missing = [.. TrainingData.Train30];
        missing[6] = missing[6] with { Reference = null! };
        e = Assert.Throws<TrainingDataException>(() => new RankerTrainer(TrainingData.FastOptions()).Train(missing, TrainingData.Dev20));
        Assert.Contains($"train row 6 ({missing[6].Id}) has no reference", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_probs_with_the_wrong_class_count_or_bad_values_name_the_row()
    {
        List<TrainingUtterance> train = [.. TrainingData.Train30];
        train[7] = train[7] with { LogProbs = new LogProbMatrix(new float[375 * 65], 375, 65) };
        var e = Assert.Throws<TrainingDataException>(() => new RankerTrainer(TrainingData.FastOptions()).Train(train, TrainingData.Dev20));
        Assert.Contains($"train row 7 ({train[7].Id}) log-probs", e.Message, StringComparison.Ordinal);
        Assert.Contains("65 classes", e.Message, StringComparison.Ordinal);

        float[] nan = new float[375 * 66];
        nan[(10 * 66) + 3] = float.NaN;
        train = [.. TrainingData.Train30];
        train[2] = train[2] with { LogProbs = new LogProbMatrix(nan, 375, 66) };
        e = Assert.Throws<TrainingDataException>(() => new RankerTrainer(TrainingData.FastOptions()).Train(train, TrainingData.Dev20));
        Assert.Contains($"train row 2 ({train[2].Id})", e.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidLogProbsException>(e.InnerException);

        train = [.. TrainingData.Train30];
        train[1] = train[1] with { LogProbs = default };
        e = Assert.Throws<TrainingDataException>(() => new RankerTrainer(TrainingData.FastOptions()).Train(train, TrainingData.Dev20));
        Assert.Contains("train row 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_splits_and_null_rows_are_rejected()
    {
        var trainer = new RankerTrainer(TrainingData.FastOptions());
        Assert.Contains("training split is empty", Assert.Throws<TrainingDataException>(() => trainer.Train([], TrainingData.Dev20)).Message, StringComparison.Ordinal);
        Assert.Contains("dev split is empty", Assert.Throws<TrainingDataException>(() => trainer.Train(TrainingData.Train30, [])).Message, StringComparison.Ordinal);
        List<TrainingUtterance> train = [.. TrainingData.Train30];
        train[4] = null!;
        Assert.Contains("train row 4 is null", Assert.Throws<TrainingDataException>(() => trainer.Train(train, TrainingData.Dev20)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => trainer.Train(null!, TrainingData.Dev20));
        Assert.Throws<ArgumentNullException>(() => trainer.Train(TrainingData.Train30, null!));
    }

    [Fact]
    public void Training_data_of_one_class_is_rejected_with_the_counts()
    {
        // Hypotheses equal to their references: nothing to learn, no helpful candidate.
        List<TrainingUtterance> perfect = [.. TrainingData.Train30.Select(u => u with { Hypothesis = u.Reference })];
        var e = Assert.Throws<TrainingDataException>(() => new RankerTrainer(TrainingData.FastOptions()).Train(perfect, TrainingData.Dev20));
        Assert.Contains("all one class", e.Message, StringComparison.Ordinal);
        Assert.Contains("0 positive", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_are_rejected_up_front()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RankerTrainer(new TrainerOptions { MaxRounds = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RankerTrainer(new TrainerOptions { MaxRounds = RankerConfig.MaxRoundsLimit + 1 }));
        Assert.Throws<ArgumentException>(() => new RankerTrainer(new TrainerOptions { TrainingRounds = 0 }));
        Assert.Throws<ArgumentException>(() => new RankerTrainer(new TrainerOptions { L2Grid = [] }));
        Assert.Throws<ArgumentException>(() => new RankerTrainer(new TrainerOptions { Thresholds = [] }));
    }

    [SharedDataFact]
    public void The_shipped_config_reproduces_its_recorded_dev_tables_on_nko_ctc_sim_dev()
    {
        RankerConfig config = RankerConfig.Load(Path.Combine(TrainingData.RepositoryRoot, "models", "candidate_ranker_v1.json"));
        CtcDataset dataset = CtcDataset.Load(Path.Combine(TrainingData.SharedSim!, "dev"));
        ImmutableArray<TrainingUtterance> dev = TrainingData.Rows(dataset, 0, dataset.Count);
        Assert.Equal(config.Provenance.DevRows, dev.Length);
        var pipeline = new CorrectionPipeline(config);
        foreach (ModeMetrics recorded in config.Provenance.DevModes)
        {
            CerTally tally = Evaluate(pipeline, dev, recorded.Mode);
            output.WriteLine($"{recorded.Mode}: CER {tally.Cer:F4}, {tally.DeltaPp:+0.00;-0.00} pp, {tally.Better}/{tally.Same}/{tally.Worse}, changed {tally.Changed}");
            Assert.Equal(recorded, tally.ToMetrics(recorded.Mode));
        }
    }

    private static CerTally Evaluate(CorrectionPipeline pipeline, IReadOnlyList<TrainingUtterance> rows, string mode)
    {
        var results = new string[rows.Count];
        Parallel.For(0, rows.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
            results[i] = pipeline.Correct(rows[i].LogProbs, rows[i].Hypothesis, mode, rows[i].AsrScore).Text);
        var tally = new CerTally();
        for (int i = 0; i < rows.Count; i++)
        {
            tally.Add(rows[i].Reference, rows[i].Hypothesis, results[i]);
        }

        return tally;
    }

    private sealed class RecordingProgress : IProgress<TrainingProgress>
    {
        private readonly ConcurrentQueue<TrainingProgress> _reports = new();

        public IReadOnlyList<TrainingProgress> Reports => [.. _reports];

        public IReadOnlyList<string> Stages => [.. _reports.Select(r => r.Stage).Distinct()];

        public void Report(TrainingProgress value) => _reports.Enqueue(value);
    }
}
