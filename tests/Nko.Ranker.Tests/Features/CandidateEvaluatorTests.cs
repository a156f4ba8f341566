using Nko.Data;
using Nko.Ranker.Configuration;
using Nko.Ranker.Features;
using Nko.Ranker.Tests.Support;

namespace Nko.Ranker.Tests.Features;

public sealed class CandidateEvaluatorTests
{
    // The evaluator reuses its feature rows without clearing them, so every feature must be written for every
    // candidate: a reused evaluator has to give a fresh one's values bit for bit, whatever it evaluated before.
    [Fact]
    public void A_reused_evaluator_gives_a_fresh_evaluators_features_bit_for_bit()
    {
        RankerConfig config = RankerConfig.Load(Path.Combine(TestData.RepositoryRoot, "models", "candidate_ranker_v1.json"));
        CtcDataset data = TestData.Dev50;
        var reused = new CandidateEvaluator();
        int compared = 0;
        for (int row = 0; row < 12; row++)
        {
            int[] hypothesis = config.Vocabulary.Encode(data.Rows[row].Hypothesis);
            for (int round = 0; round < 3; round++)
            {
                var fresh = new CandidateEvaluator();
                fresh.Reset(data.GetLogProbs(row), config.Vocabulary.BlankIndex, TestData.AsrScore(data.Rows[row]));
                reused.Reset(data.GetLogProbs(row), config.Vocabulary.BlankIndex, TestData.AsrScore(data.Rows[row]));
                int n = fresh.Evaluate(config.CandidateGenerator, hypothesis, round);
                Assert.Equal(n, reused.Evaluate(config.CandidateGenerator, hypothesis, round));
                for (int i = 0; i < n; i++)
                {
                    ReadOnlySpan<double> expected = fresh.GetFeatures(i), actual = reused.GetFeatures(i);
                    Assert.Equal(FeatureNames.All.Length, actual.Length);
                    for (int k = 0; k < expected.Length; k++)
                    {
                        Assert.True(
                            BitConverter.DoubleToInt64Bits(expected[k]) == BitConverter.DoubleToInt64Bits(actual[k]),
                            $"row {row} round {round} candidate {i} {FeatureNames.All[k]}: {actual[k]:R} vs fresh {expected[k]:R}");
                    }

                    compared++;
                }

                // The next round of the same row starts from its first candidate's text (any edited text will do).
                if (n > 0)
                {
                    hypothesis = reused.Candidates[0].Edit.Apply(hypothesis);
                }
            }
        }

        Assert.True(compared > 1000, $"only {compared} candidates compared");
    }
}
