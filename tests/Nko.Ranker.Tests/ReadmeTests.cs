using System.Text.Json;
using System.Text.RegularExpressions;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker.Configuration;
using Nko.Ranker.Features;
using Nko.Ranker.Tests.Support;

namespace Nko.Ranker.Tests;

/// <summary>The package README's feature table, schema table and example, kept honest.</summary>
public sealed partial class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "src", "Nko.Ranker", "README.md"));

    [GeneratedRegex(@"^\| `([a-z0-9_\.\[\]]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableKey();

    private static string[] TableKeys(string sectionTitle)
    {
        int start = Readme.IndexOf(sectionTitle, StringComparison.Ordinal);
        Assert.True(start >= 0, sectionTitle);
        int end = Readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        string section = Readme[start..(end < 0 ? Readme.Length : end)];
        return [.. TableKey().Matches(section).Select(m => m.Groups[1].Value)];
    }

    [Fact]
    public void The_feature_table_lists_every_feature_in_order() =>
        Assert.Equal(FeatureNames.All.AsEnumerable(), TableKeys("## Features"));

    [Fact]
    public void The_schema_table_lists_exactly_the_paths_a_full_config_has_in_save_order()
    {
        // A config using every optional field: the fixture (min_ctc_gain, insertions with and without "after") plus a
        // generator shortlist, a language model, a beam-revision stage (schema 3) and full provenance.
        RankerConfig fixture = TestData.HandBuiltConfig;
        RankerConfig full = new(
            fixture.Name,
            fixture.Confusions,
            fixture.Features,
            fixture.Means,
            fixture.Stds,
            fixture.Weights,
            fixture.Bias,
            fixture.Modes,
            fixture.DefaultMode,
            fixture.Generator with { Shortlist = 8 },
            fixture.MaxRounds,
            new RankerProvenance
            {
                Description = "d", Trainer = "t", ToolVersion = "v", Options = "o", TrainData = "a", DevData = "b", TrainRows = 1, DevRows = 1,
                TrainRowsSha256 = new string('a', 64), TrainingExamples = 1,
                PositiveExamples = 1, L2 = 1, GradientNorm = 1, Iterations = 1, DevBaselineCer = 0.5,
                DevModes = [new ModeMetrics("conservative", 0.4, -1, 1, 0, 0, 1)], Notes = "n",
            },
            LmFixture.Lm,
            new LanguageModelReference("lm.nkolm", new string('0', 64), LmFixture.Lm.Order));
        full = full
            .WithBeamRevision(new BeamRevisionConfig(
                new Nko.Ctc.BeamSearchOptions(), [BeamRevisionFeatures.SegmentCtcGain], [0], [1], [1], 0,
                [new SegmentKeyCount("ߊ", "ߋ", "ߓ", "", 1, 1), new SegmentKeyCount("ߊ", "ߋ", null, null, 1, 2)]))
            .WithModes([.. full.Modes.Select(m => m with { MinCtcGain = m.MinCtcGain ?? 0, RevisionThreshold = 0.5 })], full.DefaultMode)
            .WithInputProfile(Nko.Ranker.Profiling.InputProfile.Build([new(-0.3, 0.6, 0.1, 3), new(-0.2, 0.7, 0.12, 2.5)]));
        using JsonDocument doc = JsonDocument.Parse(full.ToUtf8Json());
        var paths = new List<string>();
        Collect(doc.RootElement, prefix: null, paths);
        Assert.Equal(paths, TableKeys("## The config file"));
    }

    private static void Collect(JsonElement element, string? prefix, List<string> paths)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in element.EnumerateObject())
            {
                string path = prefix is null ? p.Name : $"{prefix}.{p.Name}";
                if (!paths.Contains(path))
                {
                    paths.Add(path);
                }

                Collect(p.Value, path, paths);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in element.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object))
            {
                Collect(item, prefix + "[]", paths);
            }
        }
    }

    [Fact]
    public void The_example_runs_as_written()
    {
        // The README's example with the fixture config and dev50 row 1 for the recogniser's output.
        CtcDataset data = TestData.Dev50;
        float[] values = data.GetLogProbs(1).Span.ToArray();
        string asrHyp = data.Rows[1].Hypothesis;
        double asrScore = data.Rows[1].AsrScore;
        var output = new StringWriter();

        RankerConfig config = RankerConfig.Load(TestData.Fixture(TestData.HandBuiltConfigName));
        ICorrectionPipeline pipeline = new CorrectionPipeline(config);
        var logProbs = new LogProbMatrix(values, frames: 375, classes: config.Vocabulary.Count);
        CorrectionResult result = pipeline.Correct(new CorrectionRequest(logProbs)
        {
            Hypothesis = asrHyp,
            AsrScore = asrScore,
            Mode = "conservative",
        });

        output.WriteLine($"{result.Decision}: {result.Hypothesis} → {result.Text}");
        foreach (AppliedEdit edit in result.Edits)
        {
            output.WriteLine($"  round {edit.Round}: {edit.Description}  p={edit.Probability:F3}  gain={edit.CtcGain:F2} nats");
        }

        Assert.Equal(
            $"Corrected: {asrHyp} → {asrHyp[..19]}\u07CA{asrHyp[20..]}\n  round 0: SUB 19 '\u07CD'→'\u07CA'  p=0.914  gain=0.52 nats\n",
            output.ToString().ReplaceLineEndings("\n"));
    }
}
