using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Nko.Candidates;
using Nko.Ctc;
using Nko.Ranker.Configuration;
using Nko.Ranker.Features;

namespace Nko.Ranker.Tests.Support;

/// <summary>FsCheck generators for random valid configs.</summary>
public static class ConfigArbitraries
{
    public static Arbitrary<RankerConfig> Configs() => ConfigGen().ToArbitrary();

    /// <summary>Any finite double: ordinary, tiny, huge, subnormal, ±0.</summary>
    public static Gen<double> AnyFinite() => Gen.Frequency(
        (6, Gen.Choose(-1_000_000, 1_000_000).Select(i => i / 1000.0)),
        (3, ArbMap.Default.GeneratorFor<NormalFloat>().Select(f => f.Item)),
        (1, Gen.Elements(0.0, -0.0, double.Epsilon, -double.Epsilon, 1e-300, -1e300, 0.1, 1.0 / 3, Math.PI)));

    public static Gen<double> Positive() => Gen.Frequency(
        (6, Gen.Choose(1, 1_000_000).Select(i => i / 1000.0)),
        (1, Gen.Elements(1e-3, 7.0, 1e6, 0.3)));

    public static Gen<RankerConfig> ConfigGen() =>
        from vocabulary in Gen.Elements(CtcVocabulary.NkoBlankFirst, CtcVocabulary.NkoBlankLast)
        from map in MapGen(vocabulary)
        from features in Gen.Shuffle(FeatureNames.All.Where(f => !FeatureNames.NeedsLanguageModel(f)).ToArray()).SelectMany(all => Gen.Choose(1, all.Length).Select(n => all[..n]))
        from means in Gen.ArrayOf(AnyFinite(), features.Length)
        from stds in Gen.ArrayOf(Positive(), features.Length)
        from weights in Gen.ArrayOf(Gen.Choose(-5000, 5000).Select(i => i / 1000.0), features.Length)
        from bias in Gen.Choose(-5000, 5000).Select(i => i / 997.0)
        from modeCount in Gen.Choose(1, 5)
        from thresholds in Gen.ArrayOf(Gen.Frequency((4, Gen.Choose(0, 1000).Select(i => i / 1000.0)), (1, Gen.Elements(0.0, 1.0, 0.123456789012345))), modeCount)
        from gains in Gen.ArrayOf(Gen.Frequency((2, Gen.Constant<double?>(null)), (1, AnyFinite().Select(g => (double?)g))), modeCount)
        from defaultMode in Gen.Choose(0, modeCount - 1)
        from rounds in Gen.Choose(1, RankerConfig.MaxRoundsLimit)
        from options in OptionsGen()
        from provenance in ProvenanceGen()
        let modes = Enumerable.Range(0, modeCount).Select(i => new OperatingMode(i == 0 ? "conservative" : $"mode ߊ {i}", thresholds[i], gains[i])).ToImmutableArray()
        where Folds(means, stds, weights, bias)
        select new RankerConfig(
            "random ߒߞߏ \"config\"", map, [.. features], [.. means], [.. stds], [.. weights], bias, modes, modes[defaultMode].Name, options, rounds, provenance);

    // The config rejects standardisations that overflow; keep the generator inside what it accepts.
    private static bool Folds(double[] means, double[] stds, double[] weights, double bias)
    {
        double folded = bias;
        for (int k = 0; k < means.Length; k++)
        {
            folded -= weights[k] / stds[k] * means[k];
            if (!double.IsFinite(folded))
            {
                return false;
            }
        }

        return true;
    }

    public static Gen<GeneratorOptions> OptionsGen() =>
        from max in Gen.Choose(1, GeneratorOptions.Limit)
        from min in Gen.Frequency((3, Gen.Choose(1, 5)), (1, Gen.Choose(1, int.MaxValue)))
        from k in Gen.Choose(1, GeneratorOptions.Limit)
        from ops in Gen.Choose(1, 7)
        from shortlist in Gen.Frequency((1, Gen.Constant<int?>(null)), (1, Gen.Choose(1, GeneratorOptions.Limit).Select(v => (int?)v)))
        select new GeneratorOptions { MaxCandidates = max, MinCount = min, TopKPerLabel = k, Operations = (EditOperations)ops, Shortlist = shortlist };

    public static Gen<ConfusionMap> MapGen(CtcVocabulary vocabulary)
    {
        int[] labels = [.. Enumerable.Range(0, vocabulary.Count).Where(vocabulary.IsLabel)];
        Gen<int> label = Gen.Elements(labels);
        Gen<int> count = Gen.Frequency((4, Gen.Choose(1, 100)), (1, Gen.Choose(1, 10_000_000)));
        return from subs in Gen.ListOf(from f in label from t in label from c in count select (f, t, c))
               from dels in Gen.ListOf(from l in label from c in count select (l, c))
               from ins in Gen.ListOf(from l in label from x in Gen.Frequency((4, label), (1, Gen.Constant(-1))) from c in count select (l, x, c))
               from hyp in Gen.ListOf(from l in label from c in count select (l, c))
               select Build(vocabulary, subs, dels, ins, hyp);
    }

    private static ConfusionMap Build(
        CtcVocabulary vocabulary, IEnumerable<(int, int, int)> subs, IEnumerable<(int, int)> dels, IEnumerable<(int, int, int)> ins, IEnumerable<(int, int)> hyp)
    {
        var b = new ConfusionMapBuilder();
        foreach ((int f, int t, int c) in subs.Where(s => s.Item1 != s.Item2))
        {
            b.AddSubstitution(f, t, c);
        }

        foreach ((int l, int c) in dels)
        {
            b.AddDeletion(l, c);
        }

        foreach ((int l, int x, int c) in ins)
        {
            b.AddInsertion(l, x, c);
        }

        foreach ((int l, int c) in hyp)
        {
            b.AddHypothesisLabel(l, c);
        }

        return b.Build(vocabulary);
    }

    private static Gen<RankerProvenance> ProvenanceGen() =>
        from full in Gen.Elements(true, false)
        from n in Gen.Choose(0, 100_000)
        from x in AnyFinite()
        select full
            ? new RankerProvenance
            {
                Description = "ߒߞߏ \\ \"quoted\" \u0001 tab\t é 😀",
                Trainer = "test",
                TrainData = "train/",
                DevData = "dev/",
                TrainRows = n,
                DevRows = n / 2,
                TrainingExamples = n * 3,
                PositiveExamples = n / 3,
                L2 = Math.Abs(x),
                GradientNorm = x,
                Iterations = 17,
                DevBaselineCer = 0.4352,
                DevModes = [new ModeMetrics("conservative", 0.4026, -3.26, 381, 15, 0, 396), new ModeMetrics("aggressive", x, -x, 0, 0, 0, 0)],
                Notes = "line one\nline two",
            }
            : new RankerProvenance();
}
