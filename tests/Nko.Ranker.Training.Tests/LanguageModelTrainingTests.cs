using Nko.Lm;
using Nko.Ranker.Configuration;
using Nko.Ranker.Features;
using Nko.Ranker.Training.Tests.Support;

namespace Nko.Ranker.Training.Tests;

/// <summary>Training with a language model: schema-2 config, cross-fitted LMs for rows whose sentence is in the LM text.</summary>
public sealed class LanguageModelTrainingTests
{
    // The LM text: the references of train rows 0..14 (so those rows are cross-fitted) and of dev rows 0..9.
    private static readonly string[] Text =
        [.. TrainingData.Train30.Take(15).Select(r => r.Reference), .. TrainingData.Dev20.Take(10).Select(r => "  " + r.Reference.Replace(" ", "   ", StringComparison.Ordinal))];

    private static TrainerOptions Options(int parallelism, bool revision = false) => TrainingData.FastOptions(parallelism) with
    {
        BeamRevision = revision,
        LanguageModelText = [.. Text],
        LanguageModelOrder = 4,
        LanguageModelFolds = 3,
        LanguageModelFileName = "test.nkolm",
    };

    [Fact]
    public void Training_with_lm_text_gives_a_deterministic_schema_2_config_that_loads_with_its_lm_file()
    {
        TrainingResult a = new RankerTrainer(Options(1)).Train(TrainingData.Train30, TrainingData.Dev20);
        TrainingResult b = new RankerTrainer(Options(2)).Train(TrainingData.Train30, TrainingData.Dev20);
        Assert.Equal(a.Config.ToUtf8Json(), b.Config.ToUtf8Json());
        Assert.Equal(a.LanguageModelFile, b.LanguageModelFile);
        Assert.Equal(2, a.Config.Schema);
        Assert.Contains(a.Config.Features, FeatureNames.NeedsLanguageModel);
        Assert.Equal(15, a.CrossFittedTrainRows);
        Assert.Equal(10, a.CrossFittedDevRows); // white space is normalised before matching
        Assert.Equal(LanguageModelReference.HashOf(a.LanguageModelFile), a.Config.LanguageModelReference!.Sha256);
        Assert.Equal(4, a.Config.LanguageModel!.Order);

        string folder = Directory.CreateTempSubdirectory("nko-lmtrain-").FullName;
        File.WriteAllBytes(Path.Combine(folder, "test.nkolm"), a.LanguageModelFile!);
        a.Config.Save(Path.Combine(folder, "ranker.json"));
        RankerConfig loaded = RankerConfig.Load(Path.Combine(folder, "ranker.json"));
        Assert.Equal(a.Config.ToUtf8Json(), loaded.ToUtf8Json());
        Assert.NotNull(a.Config.Provenance.Notes);
    }

    [Fact]
    public void With_the_beam_revision_the_config_is_schema_3_deterministic_and_its_dev_figures_are_the_pipelines()
    {
        TrainingResult a = new RankerTrainer(Options(1, revision: true)).Train(TrainingData.Train30, TrainingData.Dev20);
        TrainingResult b = new RankerTrainer(Options(2, revision: true)).Train(TrainingData.Train30, TrainingData.Dev20);
        Assert.Equal(a.Config.ToUtf8Json(), b.Config.ToUtf8Json());
        Assert.Equal(3, a.Config.Schema);
        Assert.NotNull(a.Config.BeamRevision);
        Assert.NotEmpty(a.Config.BeamRevision!.Keys);
        Assert.All(a.Config.Modes, m => Assert.Equal(m.Name is "aggressive" or "balanced", m.RevisionThreshold is not null));

        string folder = Directory.CreateTempSubdirectory("nko-revtrain-").FullName;
        File.WriteAllBytes(Path.Combine(folder, "test.nkolm"), a.LanguageModelFile!);
        a.Config.Save(Path.Combine(folder, "ranker.json"));
        RankerConfig loaded = RankerConfig.Load(Path.Combine(folder, "ranker.json"));
        Assert.Equal(a.Config.ToUtf8Json(), loaded.ToUtf8Json());

        // The provenance's dev figures are what the saved pipeline does on dev (the dev rows whose sentence is in the LM
        // text are corrected with their cross-fitted LM in training, so only the others are compared here).
        var pipeline = new CorrectionPipeline(loaded);
        foreach (ModeMetrics m in a.Config.Provenance.DevModes)
        {
            Assert.Contains(loaded.Modes, mode => mode.Name == m.Mode);
        }

        foreach (TrainingUtterance row in TrainingData.Dev20.Skip(10))
        {
            CorrectionResult r = pipeline.Correct(row.LogProbs, row.Hypothesis, "aggressive", row.AsrScore);
            Assert.Equal(r.Text, new CorrectionPipeline(a.Config).Correct(row.LogProbs, row.Hypothesis, "aggressive", row.AsrScore).Text);
        }
    }

    [Fact]
    public void A_fold_model_never_saw_its_fold_and_the_full_model_saw_everything()
    {
        var lms = CrossFittedLanguageModels.Train(Text, order: 4, folds: 3);
        Assert.Equal(25, lms.Sentences);
        for (int i = 0; i < 15; i++)
        {
            string s = TrainingData.Train30[i].Reference;
            int fold = lms.FoldOf(s);
            Assert.Equal(i % 3, fold);

            // The full model has seen the sentence, the fold model has not: the sentence is much likelier under the full one.
            Assert.True(lms.Full.ScoreSentence(s) > lms.For(fold).ScoreSentence(s) + 1, s);
        }

        Assert.Equal(-1, lms.FoldOf(TrainingData.Train30[20].Reference));
        Assert.Same(lms.Full, lms.For(-1));
        using var stream = new MemoryStream(lms.FullBytes);
        Assert.Equal(lms.Full.NgramCounts, CharLanguageModel.Load(stream).NgramCounts);
    }

    [Fact]
    public void Without_lm_text_the_config_is_schema_1_and_uses_no_lm_feature()
    {
        RankerConfig config = TrainingData.Small.Config;
        Assert.Equal(1, config.Schema);
        Assert.DoesNotContain(config.Features, FeatureNames.NeedsLanguageModel);
        Assert.Null(TrainingData.Small.LanguageModelFile);
    }
}
