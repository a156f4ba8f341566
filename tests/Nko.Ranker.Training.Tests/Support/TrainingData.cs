using System.Collections.Immutable;
using Nko.Data;
using Nko.Testing;

namespace Nko.Ranker.Training.Tests.Support;

/// <summary>Training utterances from the bundled samples/dev50 (50 rows) and, when present, ../shared's nko-ctc-sim.</summary>
internal static class TrainingData
{
    private static readonly Lazy<CtcDataset> LazyDev50 = new(() => CtcDataset.Load(Dev50Path));
    private static readonly Lazy<TrainingResult> LazySmall = new(() => new RankerTrainer(FastOptions()).Train(Train30, Dev20));

    /// <summary>The repository root: the first folder above the test assembly that holds Nko.sln.</summary>
    public static string RepositoryRoot => RepositoryPaths.Root;

    /// <summary>samples/dev50.</summary>
    public static string Dev50Path => Path.Combine(RepositoryRoot, "samples", "dev50");

    /// <summary>The bundled dataset (blank first, [375, 66]).</summary>
    public static CtcDataset Dev50 => LazyDev50.Value;

    /// <summary>Rows 0..29 of dev50: a small training split.</summary>
    public static IReadOnlyList<TrainingUtterance> Train30 => field ??= Rows(Dev50, 0, 30);

    /// <summary>Rows 30..49 of dev50: a small calibration split.</summary>
    public static IReadOnlyList<TrainingUtterance> Dev20 => field ??= Rows(Dev50, 30, 20);

    /// <summary>One training run on Train30/Dev20 with <see cref="FastOptions"/>, shared by the tests that only read it.</summary>
    public static TrainingResult Small => LazySmall.Value;

    /// <summary>The nko-ctc-sim folder of ../shared (or $NKO_SHARED_DATA), or null when it is absent.</summary>
    public static string? SharedSim { get; } = FindShared();

    /// <summary>Small grids and few rounds: a run on 30 + 20 utterances takes a second or two.</summary>
    public static TrainerOptions FastOptions(int parallelism = 2) => new()
    {
        Name = "test_ranker",
        TrainingRounds = 3,
        MaxRounds = 8,
        L2Grid = [1e-3, 1e-2, 1e-1],
        Thresholds = [.. Enumerable.Range(1, 19).Select(i => i / 20.0), 0.99],
        ConservativeMarginSteps = 2,
        MaxDegreeOfParallelism = parallelism,
        Description = "unit test",
    };

    /// <summary>Rows [start, start + count) of a dataset as training utterances.</summary>
    public static ImmutableArray<TrainingUtterance> Rows(CtcDataset dataset, int start, int count)
    {
        var rows = ImmutableArray.CreateBuilder<TrainingUtterance>(count);
        for (int i = start; i < start + count; i++)
        {
            CtcDatasetRow row = dataset.Rows[i];
            rows.Add(new TrainingUtterance(row.FeatId, row.Hypothesis, row.Reference!, dataset.GetLogProbs(i), double.IsFinite(row.AsrScore) ? row.AsrScore : null));
        }

        return rows.MoveToImmutable();
    }

    private static string? FindShared()
    {
        string? root = Environment.GetEnvironmentVariable("NKO_SHARED_DATA");
        if (string.IsNullOrEmpty(root))
        {
            try
            {
                root = Path.Combine(RepositoryRoot, "..", "shared", "data", "nko-ctc-sim");
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        root = Path.GetFullPath(root);
        return File.Exists(Path.Combine(root, "dev", "logprobs.npy")) ? root : null;
    }
}

/// <summary>A fact skipped when ../shared/data/nko-ctc-sim (or $NKO_SHARED_DATA) is absent.</summary>
internal sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (TrainingData.SharedSim is null)
        {
            Skip = "Needs ../shared/data/nko-ctc-sim (or NKO_SHARED_DATA pointing at it).";
        }
    }
}
