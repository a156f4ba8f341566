using Nko.Ranker.Configuration;
using Nko.Ranker.Evaluation;
using Nko.Ranker.Training.Tests.Support;

namespace Nko.Ranker.Training.Tests;

/// <summary>K-fold cross-validation by sentence.</summary>
public sealed class CrossValidationTests
{
    [Fact]
    public void Every_row_is_held_out_once_the_pool_sums_the_folds_and_the_result_is_deterministic()
    {
        CrossValidationResult a = CrossValidation.Run(TrainingData.FastOptions(1), TrainingData.Train30, TrainingData.Dev20, folds: 3);
        CrossValidationResult b = CrossValidation.Run(TrainingData.FastOptions(2), TrainingData.Train30, TrainingData.Dev20, folds: 3);
        Assert.Equal(30, a.Rows);
        Assert.Equal(3, a.Folds);
        Assert.Equal(a.Modes.Select(m => m.Total), b.Modes.Select(m => m.Total));

        // The baseline is the held-out rows' own CER: every row once.
        var tally = new CerTally();
        foreach (TrainingUtterance r in TrainingData.Train30)
        {
            tally.Add(r.Reference, r.Hypothesis, r.Hypothesis);
        }

        Assert.Equal(tally.BaselineCer, a.BaselineCer, 12);
        foreach (CrossValidationMode m in a.Modes)
        {
            Assert.Equal(3, m.Folds.Length);
            Assert.Equal(m.Total.Changed, m.Folds.Sum(f => f.Changed));
            Assert.Equal(m.Total.Worse, m.Folds.Sum(f => f.Worse));
            Assert.Equal(m.Total.Better, m.Folds.Sum(f => f.Better));
        }
    }

    [Fact]
    public void Folds_outside_two_to_the_sentence_count_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CrossValidation.Run(TrainingData.FastOptions(1), TrainingData.Train30, TrainingData.Dev20, folds: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CrossValidation.Run(TrainingData.FastOptions(1), TrainingData.Train30, TrainingData.Dev20, folds: 31));
    }
}
