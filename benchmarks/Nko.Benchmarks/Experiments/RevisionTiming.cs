using System.Diagnostics;
using System.Globalization;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;

namespace Nko.Benchmarks.Experiments;

/// <summary>
/// <c>dotnet run -c Release -- revision-timing</c>: a rough split (Stopwatch, median of 7 passes over the first 50
/// nko-tts-asr dev rows) of where the beam-revision stage's time goes. The targets are measured with BenchmarkDotNet
/// (<c>'*LmCorrectionBenchmarks*'</c>); this only says which part to look at.
/// </summary>
internal static class RevisionTiming
{
    public static int Run()
    {
        var config = RankerConfig.Load(Path.Combine(BenchmarkData.RepositoryRoot, "models", "nko-tts", "ranker.json"));
        CtcDataset data = CtcDataset.Load(Path.GetFullPath(Path.Combine(BenchmarkData.RepositoryRoot, "..", "shared", "data", "nko-tts-asr", "dev")));
        var rows = Enumerable.Range(0, 50).Select(i => (Lp: data.GetLogProbs(i), Hyp: data.Rows[i].Hypothesis)).ToArray();
        var search = new CtcBeamSearch(config.Vocabulary, config.LanguageModel, config.BeamRevision!.Search);
        var scorer = new CtcScorer();
        var pipeline = new CorrectionPipeline(config);
        double Time(Action<int> body)
        {
            var passes = new List<double>();
            for (int pass = 0; pass < 8; pass++)
            {
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < rows.Length; i++)
                {
                    body(i);
                }

                passes.Add(clock.Elapsed.TotalMicroseconds / rows.Length);
            }

            passes.RemoveAt(0); // warm-up
            passes.Sort();
            return passes[passes.Count / 2];
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"beam decode (width {search.Options.BeamWidth}, {search.Options.NBest}-best, LM): {Time(i => search.Decode(rows[i].Lp)):F0} µs"));
        int[][] labels = [.. rows.Select(r => config.Vocabulary.Encode(r.Hyp))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CtcScorer reset: {Time(i => scorer.Reset(rows[i].Lp, 0)):F0} µs"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CtcScorer reset + 10 likelihoods: {Time(i => { scorer.Reset(rows[i].Lp, 0); for (int k = 0; k < 10; k++) { scorer.LogLikelihood(labels[i]); } }):F0} µs"));
        foreach (string mode in new[] { "aggressive", "balanced", "conservative" })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"whole correction, {mode}: {Time(i => pipeline.Correct(rows[i].Lp, rows[i].Hyp, mode)):F0} µs"));
        }

        return 0;
    }
}
