using Nko.Data;
using Nko.Ranker.Configuration;
using Nko.Testing;

namespace Nko.Ranker.Tests.Support;

/// <summary>The checked-in fixtures and the bundled samples/dev50 dataset, loaded once per test run.</summary>
internal static class TestData
{
    /// <summary>The file name of the hand-built config under Fixtures/.</summary>
    public const string HandBuiltConfigName = "handbuilt_ranker_v1.json";

    private static readonly Lazy<CtcDataset> LazyDev50 = new(() => CtcDataset.Load(Dev50Path));
    private static readonly Lazy<RankerConfig> LazyConfig = new(() => RankerConfig.Load(Fixture(HandBuiltConfigName)));

    /// <summary>The repository root: the first folder above the test assembly that holds Nko.sln.</summary>
    public static string RepositoryRoot => RepositoryPaths.Root;

    /// <summary>The bundled dataset folder samples/dev50.</summary>
    public static string Dev50Path => Path.Combine(RepositoryRoot, "samples", "dev50");

    /// <summary>The bundled samples/dev50 dataset (50 rows, [375, 66], blank = 0).</summary>
    public static CtcDataset Dev50 => LazyDev50.Value;

    /// <summary>The hand-built fixture config (not a trained model).</summary>
    public static RankerConfig HandBuiltConfig => LazyConfig.Value;

    /// <summary>A fixture copied beside the test assembly.</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>The same fixture in the source tree (where regenerated expectations are written).</summary>
    public static string SourceFixture(string name) => Path.Combine(RepositoryRoot, "tests", "Nko.Ranker.Tests", "Fixtures", name);

    /// <summary>The recogniser self-score of a dataset row, or null when the row has none.</summary>
    public static double? AsrScore(CtcDatasetRow row) => double.IsFinite(row.AsrScore) ? row.AsrScore : null;
}
