using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker.Configuration;
using Nko.Ranker.Features;
using Nko.Ranker.Tests.Support;
using TestData = Nko.Ranker.Tests.Support.TestData;

namespace Nko.Ranker.Tests;

/// <summary>Properties of the correction over random thresholds, dev50 rows, and random log-prob matrices and hypotheses.</summary>
[Properties(Arbitrary = [typeof(CorrectionPipelineProperties.Arbitraries)], MaxTest = 100)]
public sealed class CorrectionPipelineProperties
{
    private static CtcDataset Data => TestData.Dev50;

    private static CorrectionPipeline WithThreshold(double threshold, double? minGain = null) =>
        new(HandConfig.Config.WithModes([new OperatingMode("t", threshold, minGain)], "t"));

    /// <summary>The best probability among the first round's candidates, or −∞ when there are none.</summary>
    private static (double Probability, double Gain) BestFirstRound(int row)
    {
        RankerConfig config = HandConfig.Config;
        var evaluator = new CandidateEvaluator();
        evaluator.Reset(Data.GetLogProbs(row), config.Vocabulary.BlankIndex, TestData.AsrScore(Data.Rows[row]));
        int n = evaluator.Evaluate(config.CandidateGenerator, config.Vocabulary.Encode(Data.Rows[row].Hypothesis), 0);
        double best = double.NegativeInfinity, gain = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double p = config.Ranker.Probability(evaluator.GetFeatures(i));
            double g = evaluator.LogLikelihoods[i] - evaluator.HypothesisLogLikelihood;
            if (p > best || (p == best && g > gain))
            {
                (best, gain) = (p, g);
            }
        }

        return (best, gain);
    }

    [Property]
    public void COPY_exactly_when_no_candidate_clears_the_threshold(DevRow row, Threshold t)
    {
        (double best, _) = BestFirstRound(row.Index);
        CorrectionResult r = WithThreshold(t.Value).Correct(Data.GetLogProbs(row.Index), Data.Rows[row.Index].Hypothesis, asrScore: TestData.AsrScore(Data.Rows[row.Index]));
        bool clears = t.Value < 1 && best >= t.Value;
        Assert.Equal(clears ? CorrectionDecision.Corrected : CorrectionDecision.Copy, r.Decision);
        if (clears)
        {
            Assert.Equal(best, r.Edits[0].Probability);
        }
    }

    [Property]
    public void A_threshold_just_above_the_best_candidate_copies(DevRow row)
    {
        (double best, double gain) = BestFirstRound(row.Index);
        if (double.IsNegativeInfinity(best))
        {
            return;
        }

        LogProbMatrix lp = Data.GetLogProbs(row.Index);
        string hyp = Data.Rows[row.Index].Hypothesis;
        double? score = TestData.AsrScore(Data.Rows[row.Index]);
        Assert.Equal(CorrectionDecision.Copy, WithThreshold(Math.BitIncrement(best)).Correct(lp, hyp, asrScore: score).Decision);
        Assert.Equal(CorrectionDecision.Corrected, WithThreshold(best).Correct(lp, hyp, asrScore: score).Decision);
        Assert.Equal(CorrectionDecision.Copy, WithThreshold(best, minGain: Math.BitIncrement(Math.Clamp(gain, -1e300, 1e300))).Correct(lp, hyp, asrScore: score).Decision);
    }

    [Property]
    public void A_higher_threshold_applies_a_prefix_of_the_edits(DevRow row, Threshold a, Threshold b)
    {
        (double low, double high) = a.Value <= b.Value ? (a.Value, b.Value) : (b.Value, a.Value);
        LogProbMatrix lp = Data.GetLogProbs(row.Index);
        string hyp = Data.Rows[row.Index].Hypothesis;
        ImmutableArray<AppliedEdit> more = WithThreshold(low).Correct(lp, hyp).Edits;
        ImmutableArray<AppliedEdit> fewer = WithThreshold(high).Correct(lp, hyp).Edits;
        Assert.True(fewer.Length <= more.Length);
        Assert.Equal(more.Take(fewer.Length), fewer.AsEnumerable());
    }

    [Property(MaxTest = 300)]
    public void Random_matrices_and_hypotheses_keep_every_invariant(Utterance u)
    {
        var pipeline = new CorrectionPipeline(HandConfig.Config);
        CtcVocabulary v = HandConfig.Vocabulary;
        foreach (string mode in HandConfig.ModeNames)
        {
            CorrectionResult r = pipeline.Correct(u.Matrix, u.Hypothesis, mode);
            Assert.Equal(u.Hypothesis, r.Hypothesis);
            int[] labels = v.Encode(r.Hypothesis);
            foreach (AppliedEdit e in r.Edits)
            {
                Assert.False(double.IsNaN(e.Probability) || double.IsNaN(e.CtcGain));
                Assert.True(HandConfig.Config.GetMode(mode).Accepts(e.Probability, e.CtcGain));
                labels = e.Edit.Apply(labels);
            }

            Assert.Equal(r.Text, v.Decode(labels));
            Assert.All(labels, id => Assert.True(v.IsLabel(id)));
            Assert.Equal(ResultText.Format(r), ResultText.Format(pipeline.Correct(u.Matrix, u.Hypothesis, mode)));
            if (mode == "never")
            {
                Assert.Equal(CorrectionDecision.Copy, r.Decision);
                Assert.Equal(u.Hypothesis, r.Text);
            }
        }

        // Without a hypothesis: greedy decode of the same matrix.
        CorrectionResult g = pipeline.Correct(u.Matrix, null, "low");
        Assert.Equal(v.Decode(GreedyDecoder.Decode(u.Matrix, v.BlankIndex).Labels.AsSpan()), g.Hypothesis);
    }

    /// <summary>A row of samples/dev50.</summary>
    public sealed record DevRow(int Index);

    /// <summary>A threshold in [0, 1], often at a boundary.</summary>
    public sealed record Threshold(double Value);

    /// <summary>A random normalised log-prob matrix over the N'Ko vocabulary and a hypothesis over the map's labels.</summary>
    public sealed record Utterance(LogProbMatrix Matrix, string Hypothesis)
    {
        public override string ToString() => $"T={Matrix.Frames} hyp=\"{Hypothesis}\" (len {Hypothesis.Length})";
    }

    public static class Arbitraries
    {
        private const int C = 66;

        public static Arbitrary<DevRow> Rows() => Gen.Choose(0, 49).Select(i => new DevRow(i)).ToArbitrary();

        public static Arbitrary<Threshold> Thresholds() =>
            Gen.Frequency(
                (6, Gen.Choose(0, 100_000).Select(i => i / 100_000.0)),
                (1, Gen.Elements(0.0, 1.0, 0.5, Math.BitDecrement(1.0), double.Epsilon)))
            .Select(t => new Threshold(t)).ToArbitrary();

        public static Arbitrary<Utterance> Utterances()
        {
            // Labels the hand-built map knows (so candidates exist), plus a few it does not.
            char[] alphabet = [' ', '\u07CA', '\u07CB', '\u07CC', '\u07CD', '\u07D0', '\u07E3', '\u07DE', '\u07EB', '\u07D3', '\u07F2'];
            Gen<float> logit = Gen.Frequency(
                (10, Gen.Choose(-8000, 8000).Select(i => i / 1000f)),
                (1, Gen.Constant(float.NegativeInfinity)),
                (1, Gen.Choose(20000, 40000).Select(i => i / 1000f)));
            return (from frames in Gen.Choose(1, 48)
                    from logits in Gen.ArrayOf(logit, frames * C)
                    from length in Gen.Frequency((8, Gen.Choose(0, Math.Max(0, frames / 2))), (1, Gen.Choose(0, frames + 4)))
                    from hyp in Gen.ArrayOf(Gen.Elements(alphabet), length)
                    select new Utterance(Normalise(logits, frames), new string(hyp))).ToArbitrary();
        }

        private static LogProbMatrix Normalise(float[] logits, int frames)
        {
            // Every frame needs one finite value for log-softmax.
            for (int t = 0; t < frames; t++)
            {
                if (float.IsNegativeInfinity(logits[t * C]))
                {
                    logits[t * C] = 0;
                }
            }

            float[] values = new float[logits.Length];
            LogProbMatrix.LogSoftmax(logits, values, C);
            return new LogProbMatrix(values, frames, C);
        }
    }
}
