using Nko.Candidates;
using Nko.Ctc;
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

    // The shortlist's slow twin: estimate every substitution and insertion, sort by (estimate descending, generator
    // order), keep the first `keep`, and put them back in generator order with every deletion.
    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(40)]
    [InlineData(60_000)]
    public void The_shortlist_keeps_every_deletion_and_the_best_estimated_substitutions_and_insertions(int keep)
    {
        RankerConfig config = RankerConfig.Load(Path.Combine(TestData.RepositoryRoot, "models", "candidate_ranker_v1.json"));
        CtcDataset data = TestData.Dev50;
        var generator = new CandidateGenerator(config.Confusions, config.Generator with { MaxCandidates = 256, TopKPerLabel = 4, Shortlist = keep });
        var full = new CandidateGenerator(config.Confusions, generator.Options with { Shortlist = null });
        var evaluator = new CandidateEvaluator();
        var scorer = new CtcScorer();
        int dropped = 0;
        for (int row = 0; row < 10; row++)
        {
            LogProbMatrix m = data.GetLogProbs(row);
            int[] hypothesis = config.Vocabulary.Encode(data.Rows[row].Hypothesis);
            evaluator.Reset(m, config.Vocabulary.BlankIndex, TestData.AsrScore(data.Rows[row]));
            int n = evaluator.Evaluate(generator, hypothesis, 0);

            Candidate[] all = full.Generate(hypothesis);
            scorer.Reset(m, config.Vocabulary.BlankIndex);
            scorer.SetHypothesis(hypothesis);
            var order = Enumerable.Range(0, all.Length).ToArray();
            int[] subIns = [.. order.Where(i => all[i].Kind != EditKind.Delete)];
            double[] estimates = new double[subIns.Length];
            scorer.EstimateEdits([.. subIns.Select(i => all[i].Edit)], estimates);
            var chosen = subIns.Select((i, at) => (Index: i, Estimate: estimates[at]))
                .OrderByDescending(x => x.Estimate).ThenBy(x => x.Index).Take(keep).Select(x => x.Index).ToHashSet();
            Candidate[] expected = [.. order.Where(i => all[i].Kind == EditKind.Delete || chosen.Contains(i)).Select(i => all[i])];

            Assert.Equal(expected, evaluator.Candidates.ToArray());
            Assert.Equal(n, expected.Length);
            double[] exact = new double[n];
            scorer.ScoreEdits([.. expected.Select(c => c.Edit)], exact);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(exact[i]), BitConverter.DoubleToInt64Bits(evaluator.LogLikelihoods[i]));
            }

            dropped += all.Length - n;
        }

        Assert.True(keep > 1000 ? dropped == 0 : dropped > 0, $"{dropped} candidates dropped");
    }
}
