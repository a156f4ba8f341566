using System.Globalization;
using Nko.Ctc;
using Nko.Data;
using Nko.Lm;
using Nko.Ranker.Evaluation;
using Nko.Ranker.Training.Fitting;

namespace Nko.Benchmarks.Experiments;

/// <summary>
/// <c>dotnet run -c Release -- beam-experiment [--alpha A] [--beta B] [--beam W] [--nbest N] [--cv-folds K]</c>: how well
/// a ranker can decide, segment by segment, which of the beam + LM decode's differences from the greedy text to take.
/// </summary>
internal static class BeamExperiment
{
    private const int Features = 18;

    public static int Run(string[] args)
    {
        string shared = Path.GetFullPath(Path.Combine(BenchmarkData.RepositoryRoot, "..", "shared", "data"));
        double alpha = double.Parse(Value(args, "--alpha") ?? "0.5", CultureInfo.InvariantCulture);
        double beta = double.Parse(Value(args, "--beta") ?? "2", CultureInfo.InvariantCulture);
        int width = int.Parse(Value(args, "--beam") ?? "16", CultureInfo.InvariantCulture);
        int nbest = int.Parse(Value(args, "--nbest") ?? "8", CultureInfo.InvariantCulture);
        int cvFolds = int.Parse(Value(args, "--cv-folds") ?? "2", CultureInfo.InvariantCulture);
        double l2 = double.Parse(Value(args, "--l2") ?? "0.001", CultureInfo.InvariantCulture);
        string[] text = File.ReadAllLines(Path.Combine(shared, "nko-text", "train.txt"));
        var folds = new LmFolds(text, 6, 5);
        var options = new BeamSearchOptions { BeamWidth = width, LmWeight = alpha, LengthBonus = beta, NBest = nbest };

        List<Utt> train = [.. Load(Path.Combine(shared, "nko-tts-asr", "train-large"), folds, options), .. Load(Path.Combine(shared, "nko-tts-asr", "train"), folds, options)];
        List<Utt> dev = Load(Path.Combine(shared, "nko-tts-asr", "dev"), folds, options);
        Console.WriteLine($"train {train.Count} rows ({train.Sum(u => u.Segments.Count)} segments), dev {dev.Count} rows ({dev.Sum(u => u.Segments.Count)} segments)");

        Report("dev: beam+LM top-1 as is", dev, (u, s) => true);
        Report("dev: oracle segments", dev, (u, s) => s.Gain > 0);
        Report("train: beam+LM top-1 as is", train, (u, s) => true);

        // Key statistics: out-of-fold inside train, full train for dev.
        FillKeys(train, dev, 5);
        Model m = Fit(train, l2);
        Console.WriteLine("weights: " + string.Join(", ", m.Weights.Select(w => w.ToString("F2", CultureInfo.InvariantCulture))) + $" bias {m.Bias:F2}");
        foreach (double t in new[] { 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99 })
        {
            Report($"dev: segments with p >= {t}", dev, (u, s) => m.P(s.X) >= t);
        }

        // Cross-validation by sentence over train.
        string[] sentences = [.. train.Select(u => LmFolds.Norm(u.Reference)).Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal)];
        var foldOf = sentences.Select((s, i) => (s, i % cvFolds)).ToDictionary(x => x.s, x => x.Item2, StringComparer.Ordinal);
        var heldP = new Dictionary<Seg, double>(ReferenceEqualityComparer.Instance);
        for (int f = 0; f < cvFolds; f++)
        {
            FillKeys([.. train.Where(u => foldOf[LmFolds.Norm(u.Reference)] != f)], [.. train.Where(u => foldOf[LmFolds.Norm(u.Reference)] == f)], 5);
            Model mf = Fit([.. train.Where(u => foldOf[LmFolds.Norm(u.Reference)] != f)], l2);
            foreach (Utt u in train.Where(u => foldOf[LmFolds.Norm(u.Reference)] == f))
            {
                foreach (Seg s in u.Segments)
                {
                    heldP[s] = mf.P(s.X);
                }
            }
        }

        foreach (double t in new[] { 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99 })
        {
            Report($"cv: segments with p >= {t}", train, (u, s) => heldP[s] >= t);
        }

        return 0;
    }

    // Empirical precision of each segment key (greedy labels > replacement) among training segments, smoothed; the fit
    // rows get out-of-fold values (by sentence), the scored rows the values over all fit rows.
    private static void FillKeys(List<Utt> fit, List<Utt> scored, int k)
    {
        static Dictionary<string, (int Pos, int N)> Count(IEnumerable<Utt> rows)
        {
            var d = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
            foreach (Seg s in rows.SelectMany(u => u.Segments))
            {
                foreach (string key in (string[])[s.Key, "C" + s.Context])
                {
                    d.TryGetValue(key, out var c);
                    d[key] = (c.Item1 + (s.Gain > 0 ? 1 : 0), c.Item2 + 1);
                }
            }

            return d;
        }

        static void Set(IEnumerable<Utt> rows, Dictionary<string, (int Pos, int N)> d)
        {
            foreach (Seg s in rows.SelectMany(u => u.Segments))
            {
                d.TryGetValue(s.Key, out var c);
                s.X[14] = (c.Pos + 1.0) / (c.N + 2.0);
                s.X[15] = Math.Log(1 + c.N);
                d.TryGetValue("C" + s.Context, out var cc);
                s.X[16] = (cc.Pos + 2.0 * s.X[14]) / (cc.N + 2.0);
                s.X[17] = Math.Log(1 + cc.N);
            }
        }

        var folds = fit.GroupBy(u => LmFolds.Norm(u.Reference)).Select((g, i) => (g, i % k)).ToList();
        for (int f = 0; f < k; f++)
        {
            Set(folds.Where(x => x.Item2 == f).SelectMany(x => x.g), Count(folds.Where(x => x.Item2 != f).SelectMany(x => x.g)));
        }

        Set(scored, Count(fit));
    }

    private static void Report(string name, List<Utt> rows, Func<Utt, Seg, bool> take)
    {
        var tally = new CerTally();
        foreach (Utt u in rows)
        {
            var chosen = u.Segments.Where(s => take(u, s)).ToList();
            int[] output = Apply(u.Greedy, chosen);
            int before = EditDistance.Levenshtein<int>(u.Greedy, u.Ref);
            int after = EditDistance.Levenshtein<int>(output, u.Ref);
            tally.Add(u.Ref.Length, before, after, !output.AsSpan().SequenceEqual(u.Greedy));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-36} CER {tally.BaselineCer:F4} -> {tally.Cer:F4} ({tally.DeltaPp:+0.00;-0.00} pp) {tally.Better}/{tally.Same}/{tally.Worse} of {tally.Changed} changed"));
    }

    private static int[] Apply(int[] greedy, List<Seg> segments)
    {
        var result = new List<int>(greedy.Length + 8);
        int at = 0;
        foreach (Seg s in segments.OrderBy(s => s.Start))
        {
            result.AddRange(greedy.AsSpan(at, s.Start - at));
            result.AddRange(s.Replacement);
            at = s.End;
        }

        result.AddRange(greedy.AsSpan(at));
        return [.. result];
    }

    private sealed record Model(double[] Mean, double[] Scale, double[] Weights, double Bias)
    {
        public double P(double[] x)
        {
            double z = Bias;
            for (int k = 0; k < x.Length; k++)
            {
                z += Weights[k] * (x[k] - Mean[k]) / Scale[k];
            }

            return 1 / (1 + Math.Exp(-z));
        }
    }

    private static Model Fit(List<Utt> rows, double l2)
    {
        var segs = rows.SelectMany(u => u.Segments).ToList();
        var mean = new double[Features];
        var scale = new double[Features];
        for (int k = 0; k < Features; k++)
        {
            mean[k] = segs.Average(s => s.X[k]);
            double var = segs.Average(s => (s.X[k] - mean[k]) * (s.X[k] - mean[k]));
            scale[k] = var > 0 ? Math.Sqrt(var) : 1;
        }

        var x = new double[segs.Count * Features];
        var y = new byte[segs.Count];
        for (int i = 0; i < segs.Count; i++)
        {
            for (int k = 0; k < Features; k++)
            {
                x[i * Features + k] = (segs[i].X[k] - mean[k]) / scale[k];
            }

            y[i] = segs[i].Gain > 0 ? (byte)1 : (byte)0;
        }

        LogisticFit fit = LogisticRegression.Fit(x, y, Features, l2);
        return new Model(mean, scale, [.. fit.Weights], fit.Bias);
    }

    private sealed record Seg(int Start, int End, int[] Replacement, int Gain, double[] X)
    {
        public string Key { get; init; } = "";

        public string Context { get; init; } = "";
    }

    private sealed record Utt(string Reference, int[] Greedy, int[] Ref, List<Seg> Segments);

    private static List<Utt> Load(string folder, LmFolds folds, BeamSearchOptions options)
    {
        CtcDataset dataset = CtcDataset.Load(folder);
        var result = new Utt[dataset.Count];
        CtcVocabulary v = CtcVocabulary.NkoBlankFirst;
        int space0 = v.Encode(" ")[0];
        Parallel.For(0, dataset.Count, i =>
        {
            CtcDatasetRow row = dataset.Rows[i];
            LogProbMatrix lp = dataset.GetLogProbs(i);
            CharLanguageModel lm = folds.For(folds.FoldOf(row.Reference!));
            var search = new CtcBeamSearch(v, lm, options);
            BeamSearchResult r = search.Decode(lp);
            int[] greedy = v.Encode(row.Hypothesis);
            int[] reference = v.Encode(row.Reference!);
            int[] best = [.. r.Hypotheses[0].Labels];
            double margin = r.Hypotheses.Length > 1 ? r.Hypotheses[0].Score - r.Hypotheses[1].Score : 10;
            double ctcG = CtcForward.LogLikelihood(lp, v.BlankIndex, greedy);
            double lmG = lm.ScoreSentence(v.Decode(greedy)) * CharLanguageModel.Ln10;
            double ctcB = CtcForward.LogLikelihood(lp, v.BlankIndex, best);
            double lmB = lm.ScoreSentence(v.Decode(best)) * CharLanguageModel.Ln10;
            int baseErr = EditDistance.Levenshtein<int>(greedy, reference);
            var raw = Segments(greedy, best);
            var segs = new List<Seg>();
            foreach ((int s, int e, int[] rep) in raw)
            {
                int[] applied = Apply(greedy, [new Seg(s, e, rep, 0, [])]);
                double ctc = CtcForward.LogLikelihood(lp, v.BlankIndex, applied);
                double lmS = lm.ScoreSentence(v.Decode(applied)) * CharLanguageModel.Ln10;
                int agree = 0;
                foreach (BeamHypothesis h in r.Hypotheses)
                {
                    ReadOnlySpan<int> hl = h.Labels.AsSpan();
                    if (EditDistance.Levenshtein<int>(applied, hl) < EditDistance.Levenshtein<int>(greedy, hl))
                    {
                        agree++;
                    }
                }

                bool space = rep.Contains(space0) || greedy.AsSpan(s, e - s).Contains(space0);
                double dctc = double.IsFinite(ctc - ctcG) ? Math.Clamp(ctc - ctcG, -50, 50) : -50;
                double[] x =
                [
                    dctc, lmS - lmG, Math.Clamp(ctcB - ctcG, -50, 50), lmB - lmG, raw.Count, e - s, rep.Length, space ? 1 : 0,
                    (double)agree / r.Hypotheses.Length, row.AsrScore, Math.Min(margin, 10), greedy.Length,
                    dctc + options.LmWeight * (lmS - lmG) + options.LengthBonus * (rep.Length - (e - s)),
                    Math.Abs(rep.Length - (e - s)), 0, 0, 0, 0,
                ];
                segs.Add(new Seg(s, e, rep, baseErr - EditDistance.Levenshtein<int>(applied, reference), x) { Key = string.Join(',', greedy[s..e]) + ">" + string.Join(',', rep), Context = (s > 0 ? greedy[s - 1] : -1) + "|" + string.Join(',', greedy[s..e]) + ">" + string.Join(',', rep) + "|" + (e < greedy.Length ? greedy[e] : -1) });
            }

            result[i] = new Utt(row.Reference!, greedy, reference, segs);
        });
        return [.. result];
    }

    // Maximal runs of non-matching alignment steps between greedy and best (Levenshtein, matches preferred).
    private static List<(int Start, int End, int[] Replacement)> Segments(int[] a, int[] b)
    {
        int n = a.Length, m = b.Length;
        var d = new int[n + 1, m + 1];
        for (int i = 0; i <= n; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= m; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= n; i++)
        {
            for (int j = 1; j <= m; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        // Backtrace from the end; collect ops in reverse.
        var ops = new List<(int I, int J, bool Match)>();
        {
            int i = n, j = m;
            while (i > 0 || j > 0)
            {
                if (i > 0 && j > 0 && a[i - 1] == b[j - 1] && d[i, j] == d[i - 1, j - 1])
                {
                    ops.Add((i - 1, j - 1, true));
                    i--; j--;
                }
                else if (i > 0 && j > 0 && d[i, j] == d[i - 1, j - 1] + 1)
                {
                    ops.Add((i - 1, j - 1, false));
                    i--; j--;
                }
                else if (i > 0 && d[i, j] == d[i - 1, j] + 1)
                {
                    ops.Add((i - 1, j, false));
                    i--;
                }
                else
                {
                    ops.Add((i, j - 1, false));
                    j--;
                }
            }
        }

        ops.Reverse();
        var segments = new List<(int, int, int[])>();
        int ai = 0, bj = 0, k = 0;
        while (k < ops.Count)
        {
            if (ops[k].Match)
            {
                ai++; bj++; k++;
                continue;
            }

            int s = ai, t = bj;
            while (k < ops.Count && !ops[k].Match)
            {
                k++;
            }

            // Recompute the ends from the next match (or the ends of the sequences).
            int ea = k < ops.Count ? ops[k].I : n;
            int eb = k < ops.Count ? ops[k].J : m;
            segments.Add((s, ea, b[t..eb]));
            ai = ea; bj = eb;
        }

        return segments;
    }

    private static string? Value(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
