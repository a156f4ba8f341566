using System.Diagnostics;
using System.Globalization;
using Nko.Candidates;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Ranker.Training;

namespace Nko.Benchmarks.Experiments;

/// <summary>
/// <c>dotnet run -c Release -- sweep-generator [--candidates 80,96,128] [--top-k 2,8] [--min-count 2,3] [--shortlist 0,48] [--seconds 10]</c>:
/// for each combination of generator bounds, the CER and the correction time that models/README.md tabulates.
/// </summary>
/// <remarks>
/// CER: two-fold cross-validation over the nko-ctc-sim train split only (fit on its even rows and calibrate and score
/// on its odd rows, then the other way round; dev untouched), and the dev table of a config trained on train and
/// calibrated on dev as nko train does. Time: the whole conservative correction of the 50 bundled dev rows, in one
/// process that alternates 50-row batches between the swept config and the shipped one (which cancels the drift of a
/// shared machine that separate runs cannot), reported as medians per utterance and their ratio. Not a BenchmarkDotNet
/// benchmark because of that alternation; one thread, Release.
/// </remarks>
internal static class GeneratorSweep
{
    public static int Run(string[] args)
    {
        int[] candidates = Ints(args, "--candidates", [64, 80, 96, 112, 128, 192, 256]);
        int[] topKs = Ints(args, "--top-k", [2]);
        int[] minCounts = Ints(args, "--min-count", [2]);
        int[] shortlists = Ints(args, "--shortlist", [0]); // 0: rescore every candidate
        double seconds = double.Parse(Value(args, "--seconds") ?? "10", CultureInfo.InvariantCulture);
        string shared = Path.GetFullPath(Path.Combine(BenchmarkData.RepositoryRoot, "..", "shared", "data", "nko-ctc-sim"));
        List<TrainingUtterance> train = Load(Path.Combine(shared, "train")), dev = Load(Path.Combine(shared, "dev"));
        var shipped = new CorrectionPipeline(RankerConfig.Load(Path.Combine(BenchmarkData.RepositoryRoot, "models", "candidate_ranker_v1.json")));
        Console.WriteLine("| candidates / top-k / min count / shortlist | CV conservative Δ pp (worse) | dev conservative Δ pp (worse) | median per utterance | shipped config, same run | ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach ((int k, int minCount, int shortlist) in topKs.SelectMany(k => minCounts.SelectMany(c => shortlists.Select(s => (k, c, s)))))
        {
            foreach (int max in candidates)
            {
                var generator = new GeneratorOptions { MaxCandidates = max, TopKPerLabel = k, MinCount = minCount, Shortlist = shortlist > 0 ? shortlist : null };
                (double cv, int cvWorse) = CrossValidate(train, generator);
                TrainingResult full = Train(train, dev, generator);
                ModeMetrics m = full.Config.Provenance.DevModes.First(x => x.Mode == "conservative");
                (double swept, double reference) = Time(new CorrectionPipeline(full.Config), shipped, seconds);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {max} / {k} / {minCount} / {(shortlist > 0 ? shortlist : "all")} | {cv:F2} ({cvWorse}) | {m.DeltaPp:F2} ({m.Worse}) | {swept:F0} µs | {reference:F0} µs | {swept / reference:F2} |"));
            }
        }

        return 0;
    }

    private static (double DeltaPp, int Worse) CrossValidate(List<TrainingUtterance> train, GeneratorOptions generator)
    {
        var even = train.Where((_, i) => i % 2 == 0).ToList();
        var odd = train.Where((_, i) => i % 2 == 1).ToList();
        double sum = 0;
        int worse = 0;
        foreach ((List<TrainingUtterance> fit, List<TrainingUtterance> calibrate) in new[] { (even, odd), (odd, even) })
        {
            ModeMetrics m = Train(fit, calibrate, generator).Config.Provenance.DevModes.First(x => x.Mode == "conservative");
            sum += m.DeltaPp;
            worse += m.Worse;
        }

        return (sum / 2, worse);
    }

    private static TrainingResult Train(List<TrainingUtterance> train, List<TrainingUtterance> dev, GeneratorOptions generator) =>
        new RankerTrainer(new TrainerOptions { Generator = generator }).Train(train, dev);

    // Medians per utterance of alternating 50-row batches (after a warm-up batch of each).
    private static (double A, double B) Time(CorrectionPipeline a, CorrectionPipeline b, double seconds)
    {
        CtcDataset data = BenchmarkData.Sample;
        LogProbMatrix[] matrices = Enumerable.Range(0, data.Count).Select(data.GetLogProbs).ToArray();
        var times = new[] { new List<double>(), new List<double>() };
        var pipelines = new[] { a, b };
        var clock = Stopwatch.StartNew();
        for (int batch = 0; batch < 4 || clock.Elapsed.TotalSeconds < seconds; batch++)
        {
            int which = batch % 2;
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < matrices.Length; i++)
            {
                pipelines[which].Correct(matrices[i], data.Rows[i].Hypothesis, "conservative", data.Rows[i].AsrScore);
            }

            if (batch >= 2)
            {
                times[which].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / matrices.Length);
            }
        }

        return (Median(times[0]), Median(times[1]));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static List<TrainingUtterance> Load(string folder)
    {
        CtcDataset dataset = CtcDataset.Load(folder);
        var rows = new List<TrainingUtterance>(dataset.Count);
        for (int i = 0; i < dataset.Count; i++)
        {
            CtcDatasetRow row = dataset.Rows[i];
            string reference = row.Reference ?? throw new InvalidDataException($"{folder}: row {i} has no reference (\"ref\"); the sweep trains on it.");
            rows.Add(new TrainingUtterance(row.FeatId, row.Hypothesis, reference, dataset.GetLogProbs(i), double.IsFinite(row.AsrScore) ? row.AsrScore : null));
        }

        return rows;
    }

    private static string? Value(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int[] Ints(string[] args, string name, int[] fallback) =>
        Value(args, name) is { } list ? list.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : fallback;
}
