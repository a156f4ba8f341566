using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Ctc;
using Nko.Data;
using Nko.Lm;
using Nko.Ranker.Configuration;
using Nko.Ranker.Features;
using Nko.Ranker.Tests.Support;
using Nko.Testing;
using TestData = Nko.Ranker.Tests.Support.TestData;

namespace Nko.Ranker.Tests.Features;

public sealed class LanguageModelFeatureTests
{
    private static readonly int DeltaIndex = FeatureNames.IndexOf(FeatureNames.LmDeltaSentence);
    private static readonly int OovIndex = FeatureNames.IndexOf(FeatureNames.LmOov);

    // The LM's score of a label sequence, one token per label (space = '|'), with <s> and </s>: the slow twin.
    private static double Sentence(CharLanguageModel lm, CtcVocabulary v, ReadOnlySpan<int> labels)
    {
        int[] tokens = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            tokens[i] = lm.GetTokenId(v.GetSymbol(labels[i]));
        }

        return lm.ScoreTokens(tokens);
    }

    [Fact]
    public void Lm_delta_is_the_candidates_sentence_score_minus_the_hypothesis_on_dev50()
    {
        RankerConfig config = LmFixture.Config();
        CtcVocabulary v = config.Vocabulary;
        CharLanguageModel lm = LmFixture.Lm;
        CtcDataset data = TestData.Dev50;
        var evaluator = new CandidateEvaluator();
        int compared = 0;
        for (int row = 0; row < 10; row++)
        {
            evaluator.Reset(data.GetLogProbs(row), v.BlankIndex, TestData.AsrScore(data.Rows[row]));
            int[] hyp = v.Encode(data.Rows[row].Hypothesis);
            int n = evaluator.Evaluate(config.CandidateGenerator, hyp, 0, lm);
            double hypScore = Sentence(lm, v, hyp);
            for (int i = 0; i < n; i++)
            {
                LabelEdit edit = evaluator.Candidates[i].Edit;
                double expected = Math.Clamp(Sentence(lm, v, edit.Apply(hyp)) - hypScore, -50, 50);
                ReadOnlySpan<double> f = evaluator.GetFeatures(i);
                Assert.True(Math.Abs(f[DeltaIndex] - expected) < 1e-3, $"row {row} candidate {i} {edit}: {f[DeltaIndex]} vs {expected}");
                bool unknown = edit.Kind != EditKind.Delete && lm.GetTokenId(v.GetSymbol(edit.Label)) == lm.UnknownId;
                Assert.Equal(unknown ? 1.0 : 0.0, f[OovIndex]);
                compared++;
            }
        }

        Assert.True(compared > 300, $"only {compared} candidates compared");
    }

    [Fact]
    public void Without_a_language_model_every_lm_feature_is_zero()
    {
        CtcDataset data = TestData.Dev50;
        RankerConfig config = HandConfig.Config;
        var evaluator = new CandidateEvaluator();
        evaluator.Reset(data.GetLogProbs(0), 0, TestData.AsrScore(data.Rows[0]));
        int n = evaluator.Evaluate(config.CandidateGenerator, config.Vocabulary.Encode(data.Rows[0].Hypothesis), 0);
        Assert.True(n > 0);
        for (int k = 0; k < FeatureNames.All.Length; k++)
        {
            if (FeatureNames.NeedsLanguageModel(FeatureNames.All[k]))
            {
                for (int i = 0; i < n; i++)
                {
                    Assert.Equal(0.0, evaluator.GetFeatures(i)[k]);
                }
            }
        }
    }

    // Any label sequence (spaces, labels the LM lacks, doubled spaces) and any single edit: the state-stepping delta
    // equals the difference of the two sentences' scores.
    [Property(MaxTest = 500)]
    public Property State_stepping_gives_the_exact_sentence_difference_for_any_edit()
    {
        CtcVocabulary v = CtcVocabulary.NkoBlankFirst;
        CharLanguageModel lm = LmFixture.Lm;
        Gen<int> label = Gen.Choose(1, v.Count - 1);
        Gen<int> common = Gen.Elements(v.GetId(' '), v.GetId('\u07CA'), v.GetId('\u07D3'), v.GetId('\u07CC'), v.GetId('\u07E3'));
        Gen<int[]> labels = Gen.Frequency((3, common), (1, label)).ArrayOf().Where(a => a.Length <= 40);
        Gen<(int[], LabelEdit)> cases =
            from hyp in labels
            from kind in Gen.Elements(EditKind.Substitute, EditKind.Delete, EditKind.Insert)
            where hyp.Length > 0 || kind == EditKind.Insert
            from position in Gen.Choose(0, kind == EditKind.Insert ? hyp.Length : hyp.Length - 1)
            from newLabel in Gen.Frequency((3, common), (1, label))
            select (hyp, kind switch
            {
                EditKind.Substitute => LabelEdit.Substitute(position, newLabel),
                EditKind.Delete => LabelEdit.Delete(position),
                _ => LabelEdit.Insert(position, newLabel),
            });
        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            (int[] hyp, LabelEdit edit) = c;
            var scorer = new LmEditScorer();
            scorer.SetHypothesis(lm, v, hyp);
            double delta = scorer.Score(edit, out _, out _);
            double expected = Sentence(lm, v, edit.Apply(hyp)) - Sentence(lm, v, hyp);
            Assert.True(Math.Abs(delta - expected) < 1e-3, $"{edit} on [{string.Join(',', hyp)}]: {delta} vs {expected}");
            Assert.True(Math.Abs(scorer.HypothesisLog10 - Sentence(lm, v, hyp)) < 1e-3);
        });
    }

    [Fact]
    public void Evaluating_with_a_language_model_allocates_nothing_after_warm_up()
    {
        RankerConfig config = LmFixture.Config();
        CtcDataset data = TestData.Dev50;
        var evaluator = new CandidateEvaluator();
        int[][] hyps = [.. Enumerable.Range(0, 5).Select(i => config.Vocabulary.Encode(data.Rows[i].Hypothesis))];
        void Run(int i)
        {
            evaluator.Reset(data.GetLogProbs(i), 0, TestData.AsrScore(data.Rows[i]));
            evaluator.Evaluate(config.CandidateGenerator, hyps[i], 1, config.LanguageModel);
        }

        for (int i = 0; i < hyps.Length; i++)
        {
            Run(i);
        }

        for (int i = 0; i < hyps.Length; i++)
        {
            Assert.Equal(0, AllocationProbe.Fewest(() => Run(i)));
        }
    }
}
