using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Lm;
using Nko.Lm.Training;

using Nko.Ctc.Tests.Support;

namespace Nko.Ctc.Tests;

/// <summary>
/// The beam search without pruning against its brute-force twin: every alignment of a tiny matrix enumerated, collapsed
/// and summed per label sequence, each sequence scored with the same language model, α and β.
/// </summary>
public sealed class BeamSearchTwinTests
{
    /// <summary>No pruning at all: every prefix of non-zero probability survives every frame.</summary>
    private static BeamSearchOptions Exhaustive(double alpha, double beta) => new()
    {
        BeamWidth = int.MaxValue,
        TokenLogProbCutoff = double.NegativeInfinity,
        BeamPruning = double.PositiveInfinity,
        LmWeight = alpha,
        LengthBonus = beta,
        NBest = int.MaxValue,
    };

    /// <summary>A small 3-gram over 'a', 'b' and the word separator; 'c' is unknown to it (scored as &lt;unk&gt;).</summary>
    internal static CharLanguageModel TinyLm { get; } = TrainTiny();

    private static CharLanguageModel TrainTiny()
    {
        using var arpa = new StringWriter();
        KneserNeyTrainer.TrainText(["ab ab", "ba a", "abba b", "a b a", "bb", "aab ba"], arpa, new KneserNeyOptions(3));
        return CharLanguageModel.LoadArpa(new StringReader(arpa.ToString()));
    }

    [Property(MaxTest = 150)]
    public Property Exhaustive_search_equals_all_alignments() => Prop.ForAll(ScoringCases.Of(new ScoringCaseShape(MaxFrames: 6, MinClasses: 5, MaxClasses: 5, ZeroChance: 0.5, Sharpness: 1.5)), ArbMap.Default.ArbFor<bool>(), (c, withLm) =>
    {
        int frames = c.Frames;
        CtcVocabulary vocab = CtcVocabulary.Create("ab c", c.Blank);
        LogProbMatrix m = c.Matrix;
        CharLanguageModel? lm = withLm ? TinyLm : null;
        double alpha = withLm ? 0.7 : 0, beta = withLm ? 1.3 : 0;
        var search = new CtcBeamSearch(vocab, lm, Exhaustive(alpha, beta));
        BeamSearchResult result = search.Decode(m);

        List<(int[] Labels, double Ctc, double Lm, double Score)> expected = BruteForce(m, vocab, lm, alpha, beta);
        bool sameCount = result.Hypotheses.Length == expected.Count;
        var byKey = expected.ToDictionary(e => string.Join(",", e.Labels));
        double worst = 0;
        bool allFound = true;
        foreach (BeamHypothesis h in result.Hypotheses)
        {
            if (!byKey.TryGetValue(string.Join(",", h.Labels), out var e))
            {
                allFound = false;
                continue;
            }

            worst = Math.Max(worst, Math.Abs(h.CtcLogProb - e.Ctc));
            worst = Math.Max(worst, Math.Abs(h.LmLogProb - e.Lm));
            worst = Math.Max(worst, Math.Abs(h.Score - e.Score));
        }

        // Sorted by score, best first; the brute force's order agrees wherever scores differ by more than rounding.
        bool sorted = result.Hypotheses.Zip(result.Hypotheses.Skip(1)).All(p => p.First.Score >= p.Second.Score);
        var expectedScores = expected.Select(e => e.Score).OrderDescending().ToArray();
        bool sameScores = result.Hypotheses.Select(h => h.Score).Zip(expectedScores).All(p => Math.Abs(p.First - p.Second) <= 1e-9);

        return (sameCount && allFound && worst <= 1e-9 && sorted && sameScores)
            .Label($"T {frames}: {result.Hypotheses.Length} hypotheses vs {expected.Count}; all found {allFound}; worst {worst}; sorted {sorted}; scores {sameScores}");
    });

    [Property(MaxTest = 60)]
    public Property Pruned_search_scores_are_lower_bounds_of_the_exact_forward() => Prop.ForAll(ScoringCases.Of(new ScoringCaseShape(MaxFrames: 40, MinClasses: 5, MaxClasses: 5, BlankLast: false, Sharpness: 3)), ArbMap.Default.ArbFor<bool>(), (c, withLm) =>
    {
        int frames = c.Frames;
        CtcVocabulary vocab = CtcVocabulary.Create("ab c", 0);
        LogProbMatrix m = c.Matrix;
        var search = new CtcBeamSearch(vocab, withLm ? TinyLm : null, new BeamSearchOptions { BeamWidth = 3, NBest = 3 });
        BeamSearchResult result = search.Decode(m);
        bool ok = result.Hypotheses.All(h => h.CtcLogProb <= CtcForward.LogSpaceLogLikelihood(m, vocab.BlankIndex, h.Labels.AsSpan()) + 1e-9);
        return (ok && result.Hypotheses.Length is >= 1 and <= 3).Label($"{result.Hypotheses.Length} hypotheses");
    });

    /// <summary>Every alignment (C^T of them), collapsed, probabilities summed per label sequence (log-add-exp).</summary>
    private static List<(int[] Labels, double Ctc, double Lm, double Score)> BruteForce(LogProbMatrix m, CtcVocabulary vocab, CharLanguageModel? lm, double alpha, double beta)
    {
        int frames = m.Frames, classes = m.Classes, blank = vocab.BlankIndex;
        var sums = new Dictionary<string, (int[] Labels, double LogP)>();
        int[] path = new int[frames];
        long total = (long)Math.Pow(classes, frames);
        for (long code = 0; code < total; code++)
        {
            long rest = code;
            double logp = 0;
            for (int t = 0; t < frames; t++)
            {
                path[t] = (int)(rest % classes);
                rest /= classes;
                logp += m.Row(t)[path[t]];
            }

            if (double.IsNegativeInfinity(logp))
            {
                continue;
            }

            var labels = new List<int>();
            for (int t = 0; t < frames; t++)
            {
                if (path[t] != blank && (t == 0 || path[t] != path[t - 1]))
                {
                    labels.Add(path[t]);
                }
            }

            string key = string.Join(",", labels);
            sums[key] = sums.TryGetValue(key, out var s) ? (s.Labels, LogAdd(s.LogP, logp)) : ([.. labels], logp);
        }

        var list = new List<(int[], double, double, double)>();
        foreach ((int[] labels, double ctc) in sums.Values)
        {
            double lmLn = 0;
            if (lm is not null)
            {
                LmState state = lm.BeginSentenceState;
                foreach (int label in labels)
                {
                    lmLn += lm.Score(state, lm.GetTokenId(vocab.GetSymbol(label)), out state) * CharLanguageModel.Ln10;
                }

                lmLn += lm.Score(state, lm.EndSentenceId, out _) * CharLanguageModel.Ln10;
            }

            list.Add((labels, ctc, lmLn, ctc + (alpha * lmLn) + (beta * labels.Length)));
        }

        return list;
    }

    private static double LogAdd(double a, double b)
    {
        double max = Math.Max(a, b);
        return max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }
}
