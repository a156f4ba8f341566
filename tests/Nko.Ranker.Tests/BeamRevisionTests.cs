using System.Collections.Immutable;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker.Configuration;
using Nko.Ranker.Evaluation;
using Nko.Ranker.Features;
using Nko.Ranker.Tests.Support;
using TestData = Nko.Ranker.Tests.Support.TestData;

namespace Nko.Ranker.Tests;

/// <summary>The beam-revision stage (schema 3): segments, the config section, and the pipeline with it.</summary>
public sealed class BeamRevisionTests
{
    private static readonly BeamSearchOptions Search = new() { BeamWidth = 8, LmWeight = 0.5, LengthBonus = 2.0, NBest = 4 };

    /// <summary>The LM config plus a stage whose segment model is only a bias: every segment gets probability σ(bias).</summary>
    private static RankerConfig Config(double bias, double? revisionThreshold = 0.5, ImmutableArray<SegmentKeyCount> keys = default)
    {
        RankerConfig lm = LmFixture.Config();
        var stage = new BeamRevisionConfig(Search, [BeamRevisionFeatures.SegmentCtcGain], [0], [1], [0], bias, keys.IsDefault ? [] : keys);
        return lm.WithBeamRevision(stage).WithModes([.. lm.Modes.Select(m => m with { RevisionThreshold = revisionThreshold })], lm.DefaultMode);
    }

    [Fact]
    public void Segments_rebuild_the_beam_text_and_are_separated_by_matches() =>
        Prop.ForAll(Gen.Choose(1, 4).ArrayOf().Select(a => a.Take(24).ToArray()).ToArbitrary(), Gen.Choose(1, 4).ArrayOf().Select(a => a.Take(24).ToArray()).ToArbitrary(), (a, b) =>
        {
            var evaluator = new BeamRevisionEvaluator();
            int n = evaluator.AlignForTesting(a, b);
            ReadOnlySpan<BeamRevisionEvaluator.Segment> segs = evaluator.Segments;
            var rebuilt = new List<int>();
            int at = 0, cost = 0;
            for (int s = 0; s < n; s++)
            {
                Assert.True(segs[s].Start >= at && segs[s].End >= segs[s].Start);
                Assert.True(segs[s].End > segs[s].Start || segs[s].ReplacementLength > 0, "a segment changes something");
                Assert.True(s == 0 || segs[s].Start > at || segs[s].ReplacementStart > segs[s - 1].ReplacementStart + segs[s - 1].ReplacementLength, "segments are separated by a matched label");
                rebuilt.AddRange(a[at..segs[s].Start]);
                rebuilt.AddRange(b.AsSpan(segs[s].ReplacementStart, segs[s].ReplacementLength).ToArray());
                cost += Math.Max(segs[s].End - segs[s].Start, segs[s].ReplacementLength);
                at = segs[s].End;
            }

            rebuilt.AddRange(a[at..]);
            Assert.Equal(b, rebuilt);

            // The alignment is a minimal one: a segment of r removed and i inserted labels costs max(r, i) edits, and the
            // segments together cost exactly the Levenshtein distance of the reference DP (any worse cut would cost more).
            Assert.Equal(EditDistance.Levenshtein<int>(a, b), cost);
            Assert.Equal(a.SequenceEqual(b), n == 0);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_schema_3_config_round_trips_byte_for_byte()
    {
        RankerConfig config = Config(0.3, 0.7, [new SegmentKeyCount("ߊ", "ߋ", null, null, 3, 5), new SegmentKeyCount("ߊ", "", "ߓ", "", 1, 2)]);
        string folder = Directory.CreateTempSubdirectory("nko-rev-").FullName;
        File.WriteAllBytes(Path.Combine(folder, "hand.nkolm"), LmFixture.LmBytes());
        string path = Path.Combine(folder, "config.json");
        config.Save(path);
        byte[] saved = File.ReadAllBytes(path);
        RankerConfig loaded = RankerConfig.Load(path);
        Assert.Equal(3, loaded.Schema);
        Assert.Equal(saved, loaded.ToUtf8Json());
        Assert.Equal(0.7, loaded.GetMode().RevisionThreshold);
        Assert.Equal(2, loaded.BeamRevision!.Keys.Length);
        Assert.Equal(Search.NBest, loaded.BeamRevision.Search.NBest);
        Assert.Contains("\"schema_version\": 3,", Encoding.UTF8.GetString(saved), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"seg_ctc_gain\"", "\"no_such\"", "$.beam_revision.features[0]")]
    [InlineData("\"schema_version\": 3", "\"schema_version\": 2", "$.beam_revision")]
    [InlineData("\"seen\": 5", "\"seen\": 2", "$.beam_revision.keys[0]")]
    [InlineData("\"beam_width\": 8", "\"beam_width\": 0", "$.beam_revision.beam_width")]
    [InlineData("\"revision_threshold\": 0.5", "\"revision_threshold\": 1.5", "$.modes[0].revision_threshold")]
    public void A_bad_stage_is_rejected_with_its_path(string from, string to, string jsonPath)
    {
        RankerConfig config = Config(0.3, 0.5, [new SegmentKeyCount("ߊ", "ߋ", null, null, 3, 5)]);
        string folder = Directory.CreateTempSubdirectory("nko-rev-").FullName;
        File.WriteAllBytes(Path.Combine(folder, "hand.nkolm"), LmFixture.LmBytes());
        string json = Encoding.UTF8.GetString(config.ToUtf8Json());
        Assert.Contains(from, json, StringComparison.Ordinal);
        string path = Path.Combine(folder, "config.json");
        File.WriteAllText(path, json.Replace(from, to, StringComparison.Ordinal));
        var e = Assert.Throws<RankerConfigException>(() => RankerConfig.Load(path));
        Assert.Equal(jsonPath, e.JsonPath);
    }

    [Fact]
    public void A_stage_needs_a_language_model()
    {
        var stage = new BeamRevisionConfig(Search, [BeamRevisionFeatures.SegmentCtcGain], [0], [1], [0], 0, []);
        Assert.Equal("$.beam_revision", Assert.Throws<RankerConfigException>(() => HandConfig.Config.WithBeamRevision(stage)).JsonPath);
    }

    [Fact]
    public void Accepting_every_segment_gives_the_beam_text_and_the_logged_edits_replay_it()
    {
        RankerConfig config = Config(bias: 30);
        var pipeline = new CorrectionPipeline(config);
        var beam = new CtcBeamSearch(config.Vocabulary, config.LanguageModel, Search);
        int revisedRows = 0;
        for (int i = 0; i < 20; i++)
        {
            LogProbMatrix lp = TestData.Dev50.GetLogProbs(i);
            string hypothesis = TestData.Dev50.Rows[i].Hypothesis;
            CorrectionResult r = pipeline.Correct(new CorrectionRequest(lp) { Hypothesis = hypothesis, Mode = config.DefaultMode });
            string beamText = config.Vocabulary.Decode(beam.Decode(lp).Best!.Labels.AsSpan());
            var revisionEdits = r.Edits.Where(e => e.Source == EditSource.BeamRevision).ToList();
            int[] labels = config.Vocabulary.Encode(hypothesis);
            foreach (AppliedEdit e in revisionEdits)
            {
                labels = e.Edit.Apply(labels);
            }

            // After the revision the text is the beam's; the single-edit rounds that follow start from it.
            Assert.Equal(beamText, config.Vocabulary.Decode(labels));
            foreach (AppliedEdit e in r.Edits.Where(e => e.Source == EditSource.Candidate))
            {
                labels = e.Edit.Apply(labels);
            }

            Assert.Equal(r.Text, config.Vocabulary.Decode(labels));
            Assert.True(r.Edits.TakeWhile(e => e.Source == EditSource.BeamRevision).Count() == revisionEdits.Count, "revision edits come first");
            revisedRows += revisionEdits.Count > 0 ? 1 : 0;
        }

        Assert.True(revisedRows > 0, "the beam differs from greedy on some dev50 rows");
    }

    [Fact]
    public void A_mode_below_every_probability_or_without_a_threshold_does_not_revise()
    {
        foreach (RankerConfig config in new[] { Config(bias: -30), Config(bias: 30, revisionThreshold: null), Config(bias: 30, revisionThreshold: 1.0) })
        {
            var pipeline = new CorrectionPipeline(config);
            for (int i = 0; i < 10; i++)
            {
                CorrectionResult r = pipeline.Correct(TestData.Dev50.GetLogProbs(i), TestData.Dev50.Rows[i].Hypothesis, config.DefaultMode);
                Assert.DoesNotContain(r.Edits, e => e.Source == EditSource.BeamRevision);
            }
        }
    }

    [Fact]
    public void Revision_is_deterministic_across_threads()
    {
        var pipeline = new CorrectionPipeline(Config(bias: 0.2, revisionThreshold: 0.5));
        string[] Run() => [.. Enumerable.Range(0, 30).AsParallel().AsOrdered().WithDegreeOfParallelism(4)
            .Select(i => ResultText.Format(pipeline.Correct(TestData.Dev50.GetLogProbs(i), TestData.Dev50.Rows[i].Hypothesis, "low")))];
        string[] sequential = [.. Enumerable.Range(0, 30).Select(i => ResultText.Format(pipeline.Correct(TestData.Dev50.GetLogProbs(i), TestData.Dev50.Rows[i].Hypothesis, "low")))];
        Assert.Equal(sequential, Run());
        Assert.Equal(sequential, Run());
    }
}
