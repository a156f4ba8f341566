using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;

namespace Nko.Cli.Tests;

/// <summary>The hand-built config of Nko.Ranker.Tests and its expectations on dev50, for the correct/eval/demo tests.</summary>
internal static class CorrectionFixtures
{
    private static readonly Lazy<RankerConfig> LazyConfig = new(() => RankerConfig.Load(ConfigPath));

    /// <summary>tests/Nko.Ranker.Tests/Fixtures/handbuilt_ranker_v1.json, copied beside the test assembly.</summary>
    public static string ConfigPath => Fixture("handbuilt_ranker_v1.json");

    /// <summary>The config.</summary>
    public static RankerConfig Config => LazyConfig.Value;

    /// <summary>Every mode's output on every dev50 row, as the library tests check them in.</summary>
    public static string ExpectedOutputsPath => Fixture("dev50_handbuilt_expected.jsonl");

    /// <summary>The evaluation table of the config on dev50, as the library tests check it in.</summary>
    public static string ExpectedEvalPath => Fixture("dev50_handbuilt_eval.json");

    /// <summary>A fixture beside the test assembly.</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>The library's results for every row of <paramref name="dataset"/> in <paramref name="mode"/>, sequentially.</summary>
    public static CorrectionResult[] Direct(CtcDataset dataset, string? mode = null)
    {
        var pipeline = new CorrectionPipeline(Config);
        return [.. Enumerable.Range(0, dataset.Count).Select(i => pipeline.Correct(
            dataset.GetLogProbs(i),
            dataset.Rows[i].Hypothesis,
            mode,
            double.IsFinite(dataset.Rows[i].AsrScore) ? dataset.Rows[i].AsrScore : null))];
    }
}
