using System.Collections.Immutable;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker.Configuration;
using Nko.Ranker.Tests.Support;

namespace Nko.Ranker.Tests;

/// <summary>The correction pipeline on samples/dev50 with a config built in code (<see cref="HandConfig"/>).</summary>
public sealed class CorrectionPipelineTests
{
    private static readonly CorrectionPipeline Pipeline = new(HandConfig.Config);

    private static CtcDataset Data => TestData.Dev50;

    private static CorrectionResult Correct(int row, string? mode, string? hypothesis = null) =>
        Pipeline.Correct(Data.GetLogProbs(row), hypothesis ?? Data.Rows[row].Hypothesis, mode, TestData.AsrScore(Data.Rows[row]));

    public static TheoryData<string> ModeNames() => [.. HandConfig.ModeNames];

    [Fact]
    public void The_sample_and_the_config_make_a_useful_test_bed()
    {
        // Guard: the modes must span COPY-everything to correcting many rows, or the properties below prove little.
        int always = Enumerable.Range(0, Data.Count).Count(i => Correct(i, "always").Decision == CorrectionDecision.Corrected);
        int mid = Enumerable.Range(0, Data.Count).Count(i => Correct(i, "mid").Decision == CorrectionDecision.Corrected);
        Assert.True(always >= 40, $"always corrected {always}");
        Assert.InRange(mid, 5, always);
        Assert.Contains(Enumerable.Range(0, Data.Count), i => Correct(i, "always").Edits.Length > 1);
    }

    [Fact]
    public void Threshold_one_always_copies()
    {
        for (int i = 0; i < Data.Count; i++)
        {
            CorrectionResult r = Correct(i, "never");
            Assert.Equal(CorrectionDecision.Copy, r.Decision);
            Assert.Equal(Data.Rows[i].Hypothesis, r.Text);
            Assert.Same(Data.Rows[i].Hypothesis, r.Text);
            Assert.Empty(r.Edits);
            Assert.Equal("never", r.Mode);
        }
    }

    [Theory]
    [MemberData(nameof(ModeNames))]
    public void Applied_edits_replayed_on_the_hypothesis_give_the_text(string mode)
    {
        CtcVocabulary v = HandConfig.Vocabulary;
        OperatingMode m = HandConfig.Config.GetMode(mode);
        for (int i = 0; i < Data.Count; i++)
        {
            CorrectionResult r = Correct(i, mode);
            int[] labels = v.Encode(r.Hypothesis);
            for (int k = 0; k < r.Edits.Length; k++)
            {
                AppliedEdit e = r.Edits[k];
                Assert.Equal(k, e.Round);
                Assert.True(m.Accepts(e.Probability, e.CtcGain), $"row {i} edit {k}: p={e.Probability} gain={e.CtcGain}");
                Assert.StartsWith(e.Edit.Kind switch { EditKind.Substitute => "SUB ", EditKind.Delete => "DEL ", _ => "INS " }, e.Description, StringComparison.Ordinal);
                labels = e.Edit.Apply(labels);
            }

            Assert.Equal(r.Text, v.Decode(labels));
            Assert.Equal(r.Edits.IsEmpty ? CorrectionDecision.Copy : CorrectionDecision.Corrected, r.Decision);
            Assert.InRange(r.Edits.Length, 0, HandConfig.Config.MaxRounds);
        }
    }

    [Theory]
    [MemberData(nameof(ModeNames))]
    public void Output_labels_are_always_in_the_vocabulary(string mode)
    {
        CtcVocabulary v = HandConfig.Vocabulary;
        for (int i = 0; i < Data.Count; i++)
        {
            CorrectionResult r = Correct(i, mode);
            Assert.All(r.Text, c => Assert.True(v.TryGetId(c, out int id) && v.IsLabel(id), $"U+{(int)c:X4}"));
        }
    }

    [Fact]
    public void Results_are_identical_on_many_threads()
    {
        string[] modes = [.. HandConfig.ModeNames];
        string[] sequential = new string[Data.Count * modes.Length];
        for (int j = 0; j < sequential.Length; j++)
        {
            sequential[j] = ResultText.Format(Correct(j / modes.Length, modes[j % modes.Length]));
        }

        for (int repeat = 0; repeat < 4; repeat++)
        {
            string[] parallel = new string[sequential.Length];
            Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, j =>
                parallel[j] = ResultText.Format(Correct(j / modes.Length, modes[j % modes.Length])));
            Assert.Equal(sequential, parallel);
        }

        // Many threads sharing one pipeline, each running every row in a different order.
        var threads = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            var order = Enumerable.Range(0, sequential.Length).OrderBy(j => (j * 7919 + t * 104729) % sequential.Length).ToArray();
            return order.All(j => ResultText.Format(Correct(j / modes.Length, modes[j % modes.Length])) == sequential[j]);
        })).ToArray();
        Assert.All(threads, t => Assert.True(t.Result));
    }

    [Fact]
    public void Results_are_deterministic_across_pipelines_and_reloaded_configs()
    {
        var reloaded = new CorrectionPipeline(RankerConfig.Parse(HandConfig.Config.ToUtf8Json()));
        for (int i = 0; i < Data.Count; i++)
        {
            foreach (string mode in HandConfig.ModeNames)
            {
                string first = ResultText.Format(Correct(i, mode));
                Assert.Equal(first, ResultText.Format(Correct(i, mode)));
                Assert.Equal(first, ResultText.Format(reloaded.Correct(Data.GetLogProbs(i), Data.Rows[i].Hypothesis, mode, TestData.AsrScore(Data.Rows[i]))));
            }
        }
    }

    [Fact]
    public void Without_a_hypothesis_the_pipeline_greedy_decodes_the_same_matrix()
    {
        CtcVocabulary v = HandConfig.Vocabulary;
        for (int i = 0; i < Data.Count; i++)
        {
            LogProbMatrix lp = Data.GetLogProbs(i);
            string greedy = v.Decode(GreedyDecoder.Decode(lp, v.BlankIndex).Labels.AsSpan());
            double? score = TestData.AsrScore(Data.Rows[i]);
            CorrectionResult omitted = Pipeline.Correct(new CorrectionRequest(lp) { AsrScore = score, Mode = "low" });
            CorrectionResult given = Pipeline.Correct(new CorrectionRequest(lp) { Hypothesis = greedy, AsrScore = score, Mode = "low" });
            Assert.Equal(greedy, omitted.Hypothesis);
            Assert.Equal(ResultText.Format(given), ResultText.Format(omitted));
        }
    }

    [Fact]
    public void The_default_mode_is_used_when_none_is_given()
    {
        CorrectionResult r = Pipeline.Correct(Data.GetLogProbs(3), Data.Rows[3].Hypothesis);
        Assert.Equal(HandConfig.Config.DefaultMode, r.Mode);
        Assert.Equal(ResultText.Format(Correct(3, HandConfig.Config.DefaultMode)), ResultText.Format(Pipeline.Correct(new CorrectionRequest(Data.GetLogProbs(3)) { Hypothesis = Data.Rows[3].Hypothesis, AsrScore = TestData.AsrScore(Data.Rows[3]) })));
    }

    [Fact]
    public void Out_of_vocabulary_hypothesis_is_rejected()
    {
        var e = Assert.Throws<OutOfVocabularyException>(() => Pipeline.Correct(Data.GetLogProbs(0), "\u07CA\u07CBx\u07CC"));
        Assert.Equal('x', e.Character);
        Assert.Equal(2, e.Position);
        Assert.Throws<OutOfVocabularyException>(() => Pipeline.Correct(Data.GetLogProbs(0), "\u07CA\u200B"));
    }

    [Fact]
    public void Wrong_class_count_is_rejected_clearly()
    {
        float[] data = new float[375 * 65];
        var e = Assert.Throws<ArgumentException>(() => Pipeline.Correct(new LogProbMatrix(data, 375, 65), "\u07CA"));
        Assert.Contains("65 classes", e.Message, StringComparison.Ordinal);
        Assert.Contains("66", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(float.NaN, 10, 3)]
    [InlineData(float.PositiveInfinity, 0, 65)]
    [InlineData(float.NaN, 374, 0)]
    public void Invalid_log_probs_are_rejected_clearly(float value, int frame, int cls)
    {
        float[] data = Data.GetLogProbs(0).Span.ToArray();
        data[(frame * 66) + cls] = value;
        var e = Assert.Throws<InvalidLogProbsException>(() => Pipeline.Correct(new LogProbMatrix(data, 375, 66), Data.Rows[0].Hypothesis));
        Assert.Equal(frame, e.Frame);
        Assert.Equal(cls, e.ClassIndex);
        Assert.Contains($"frame {frame}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_infinity_log_probs_are_valid()
    {
        float[] data = Data.GetLogProbs(0).Span.ToArray();
        for (int t = 0; t < 375; t++)
        {
            data[(t * 66) + 40] = float.NegativeInfinity;
        }

        CorrectionResult r = Pipeline.Correct(new LogProbMatrix(data, 375, 66), Data.Rows[0].Hypothesis, "always");
        Assert.DoesNotContain(HandConfig.Vocabulary.GetSymbol(40), r.Text.Except(Data.Rows[0].Hypothesis));
    }

    [Fact]
    public void Default_matrix_and_non_finite_asr_score_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Pipeline.Correct(default(LogProbMatrix), "\u07CA"));
        Assert.Throws<ArgumentException>(() => Pipeline.Correct(Data.GetLogProbs(0), "\u07CA", asrScore: double.NaN));
        Assert.Throws<ArgumentException>(() => Pipeline.Correct(Data.GetLogProbs(0), "\u07CA", asrScore: double.NegativeInfinity));
    }

    [Fact]
    public void Unknown_mode_lists_the_modes()
    {
        var e = Assert.Throws<ArgumentException>(() => Pipeline.Correct(Data.GetLogProbs(0), Data.Rows[0].Hypothesis, "Mid"));
        Assert.Contains("'Mid'", e.Message, StringComparison.Ordinal);
        Assert.Contains("always, low, mid, high, never", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_and_single_label_hypotheses_work()
    {
        foreach (string hyp in new[] { string.Empty, " ", "\u07CA", "\u07CD" })
        {
            CorrectionResult r = Pipeline.Correct(Data.GetLogProbs(4), hyp, "always");
            Assert.Equal(hyp, r.Hypothesis);
            Assert.All(r.Text, c => Assert.True(HandConfig.Vocabulary.TryGetId(c, out _)));
        }
    }

    [Fact]
    public void A_hypothesis_longer_than_the_frames_allow_is_handled()
    {
        // 1000 labels cannot be aligned to 375 frames: the hypothesis and every candidate have likelihood zero.
        string hyp = string.Concat(Enumerable.Repeat("\u07CA\u07CB", 500));
        foreach (string mode in HandConfig.ModeNames)
        {
            CorrectionResult r = Pipeline.Correct(Data.GetLogProbs(0), hyp, mode);
            Assert.Equal(hyp, r.Hypothesis);
            Assert.All(r.Edits, e => Assert.False(double.IsNaN(e.Probability)));
        }
    }

    [Fact]
    public void A_tiny_matrix_works()
    {
        float[] data = new float[66];
        Array.Fill(data, MathF.Log(1f / 66));
        CorrectionResult r = Pipeline.Correct(new LogProbMatrix(data, 1, 66), "\u07CA", "always");
        Assert.True(r.Text.Length <= 1);
    }

    [Fact]
    public void Blank_last_configs_work_on_blank_last_matrices()
    {
        // Permute dev50 row 5 to the blank-last convention and build the same config over the blank-last vocabulary.
        RankerConfig c = HandConfig.Config;
        ImmutableArray<OperatingMode> modes = HandConfig.Modes;
        CtcVocabulary last = CtcVocabulary.NkoBlankLast;
        var map = Nko.Candidates.ConfusionMap.Create(
            last,
            [.. c.Confusions.Substitutions.Select(s => s with { From = s.From - 1, To = s.To - 1 })],
            [.. c.Confusions.Deletions.Select(d => d with { Label = d.Label - 1 })],
            [.. c.Confusions.Insertions.Select(i => i with { Label = i.Label - 1, LeftContext = i.LeftContext < 0 ? -1 : i.LeftContext - 1 })],
            [.. c.Confusions.HypothesisLabelCounts.Skip(1), 0]);
        var blankLast = new CorrectionPipeline(new RankerConfig(c.Name, map, c.Features, c.Means, c.Stds, c.Weights, c.Bias, modes, c.DefaultMode, c.Generator, c.MaxRounds));
        ReadOnlySpan<float> first = Data.GetLogProbs(5).Span;
        float[] permuted = new float[first.Length];
        for (int t = 0; t < 375; t++)
        {
            first.Slice((t * 66) + 1, 65).CopyTo(permuted.AsSpan(t * 66));
            permuted[(t * 66) + 65] = first[t * 66];
        }

        foreach (string mode in HandConfig.ModeNames)
        {
            CorrectionResult a = Correct(5, mode);
            CorrectionResult b = blankLast.Correct(new LogProbMatrix(permuted, 375, 66), Data.Rows[5].Hypothesis, mode, TestData.AsrScore(Data.Rows[5]));
            Assert.Equal(a.Text, b.Text);
            Assert.Equal(a.Edits.Select(e => (e.Description, e.Probability, e.CtcGain)), b.Edits.Select(e => (e.Description, e.Probability, e.CtcGain)));
        }
    }
}
