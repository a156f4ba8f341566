using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Nko.Ctc;

namespace Nko.Candidates.Tests.Support;

/// <summary>A random generator input: vocabulary, map, options and a hypothesis.</summary>
public sealed record Scenario(CtcVocabulary Vocabulary, ConfusionMap Map, GeneratorOptions Options, int[] Hypothesis)
{
    public CandidateGenerator CreateGenerator() => new(Map, Options, Vocabulary);

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"blank={Vocabulary.BlankIndex} hyp=[{string.Join(",", Hypothesis)}] opts=(max {Options.MaxCandidates}, min {Options.MinCount}, k {Options.TopKPerLabel}, {Options.Operations}) " +
        $"subs=[{string.Join(" ", Map.Substitutions.Select(e => $"{e.From}>{e.To}:{e.Count}"))}] " +
        $"dels=[{string.Join(" ", Map.Deletions.Select(e => $"{e.Label}:{e.Count}"))}] " +
        $"ins=[{string.Join(" ", Map.Insertions.Select(e => $"{e.LeftContext}+{e.Label}:{e.Count}"))}]");
}

/// <summary>FsCheck arbitraries: small alphabets (so runs, repeats and merged edits are common), small counts (so ties are common).</summary>
public static class Arbitraries
{
    private static readonly CtcVocabulary[] Vocabularies = [CtcVocabulary.NkoBlankFirst, CtcVocabulary.NkoBlankLast];

    public static Arbitrary<Scenario> Scenarios() => ScenarioGen().ToArbitrary();

    public static Gen<Scenario> ScenarioGen() =>
        from vocabulary in Gen.Elements(Vocabularies)
        from alphabet in AlphabetGen(vocabulary)
        from length in Gen.Frequency((1, Gen.Choose(0, 1)), (6, Gen.Sized(size => Gen.Choose(0, Math.Min(size, 40)))))
        from hypothesis in Gen.ArrayOf(Gen.Elements(alphabet), length)
        from map in MapGen(vocabulary, alphabet)
        from options in OptionsGen()
        select new Scenario(vocabulary, map, options, hypothesis);

    /// <summary>
    /// Inputs shaped like the shipped config's (max 128, min 2, top 8, all operations, ~46-label hypotheses): larger
    /// alphabets, hundreds of entries with tied counts, runs of equal labels; so there are hundreds of licensed edits
    /// and MaxCandidates cuts through a bucket of tied counts.
    /// </summary>
    public static Gen<Scenario> LargeScenarioGen() =>
        from vocabulary in Gen.Elements(Vocabularies)
        from alphabet in LargeAlphabetGen(vocabulary)
        from length in Gen.Choose(20, 100)
        from runs in Gen.ArrayOf(RunGen(alphabet), length)
        from map in LargeMapGen(vocabulary, alphabet)
        from options in LargeOptionsGen()
        select new Scenario(vocabulary, map, options, [.. runs.SelectMany(r => r).Take(length)]);

    public static Gen<int[]> AlphabetGen(CtcVocabulary vocabulary)
    {
        int[] labels = [.. Enumerable.Range(0, vocabulary.Count).Where(vocabulary.IsLabel)];
        int space = vocabulary.GetId(' ');
        return from n in Gen.Choose(1, 6)
               from picked in Gen.ArrayOf(Gen.Elements(labels), n)
               from withSpace in Gen.Elements(true, false)
               select withSpace ? picked.Append(space).Distinct().ToArray() : picked.Distinct().ToArray();
    }

    public static Gen<ConfusionMap> MapGen(CtcVocabulary vocabulary, int[] alphabet)
    {
        int[] labels = [.. Enumerable.Range(0, vocabulary.Count).Where(vocabulary.IsLabel)];

        // Mostly labels of the alphabet, sometimes any label of the vocabulary.
        Gen<int> label = Gen.Frequency((6, Gen.Elements(alphabet)), (1, Gen.Elements(labels)));
        Gen<int> count = Gen.Frequency((4, Gen.Choose(1, 4)), (1, Gen.Choose(1, 1000)));
        Gen<int> context = Gen.Frequency((4, label), (1, Gen.Constant(-1)));
        Gen<(int, int, int)> sub = from f in label from t in label from c in count select (f, t, c);
        Gen<(int, int)> del = from l in label from c in count select (l, c);
        Gen<(int, int, int)> ins = from l in label from x in context from c in count select (l, x, c);
        return from subs in Gen.ListOf(sub)
               from dels in Gen.ListOf(del)
               from inss in Gen.ListOf(ins)
               select Build(vocabulary, subs, dels, inss);
    }

    public static Gen<GeneratorOptions> OptionsGen() =>
        from max in Gen.Frequency((3, Gen.Choose(1, 12)), (2, Gen.Choose(13, 300)))
        from min in Gen.Choose(1, 3)
        from k in Gen.Choose(1, 5)
        from ops in Gen.Frequency((3, Gen.Constant(EditOperations.All)), (2, Gen.Choose(0, 7).Select(i => (EditOperations)i)))
        select new GeneratorOptions { MaxCandidates = max, MinCount = min, TopKPerLabel = k, Operations = ops };

    private static Gen<int[]> LargeAlphabetGen(CtcVocabulary vocabulary)
    {
        int[] labels = [.. Enumerable.Range(0, vocabulary.Count).Where(vocabulary.IsLabel)];
        return from n in Gen.Choose(8, 40)
               from picked in Gen.ArrayOf(Gen.Elements(labels), n)
               select picked.Distinct().ToArray();
    }

    private static Gen<int[]> RunGen(int[] alphabet) =>
        from label in Gen.Elements(alphabet)
        from length in Gen.Frequency((5, Gen.Constant(1)), (1, Gen.Choose(2, 4)))
        select Enumerable.Repeat(label, length).ToArray();

    private static Gen<ConfusionMap> LargeMapGen(CtcVocabulary vocabulary, int[] alphabet)
    {
        int[] labels = [.. Enumerable.Range(0, vocabulary.Count).Where(vocabulary.IsLabel)];
        Gen<int> label = Gen.Frequency((8, Gen.Elements(alphabet)), (1, Gen.Elements(labels)));
        Gen<int> count = Gen.Frequency((4, Gen.Choose(1, 12)), (2, Gen.Choose(1, 60)), (1, Gen.Choose(1, 5000)));
        Gen<int> context = Gen.Frequency((8, label), (1, Gen.Constant(-1)));
        Gen<(int, int, int)> sub = from f in label from t in label from c in count select (f, t, c);
        Gen<(int, int)> del = from l in label from c in count select (l, c);
        Gen<(int, int, int)> ins = from l in label from x in context from c in count select (l, x, c);
        return from subCount in Gen.Choose(0, 600)
               from subs in Gen.ArrayOf(sub, subCount)
               from delCount in Gen.Choose(0, 40)
               from dels in Gen.ArrayOf(del, delCount)
               from insCount in Gen.Choose(0, 400)
               from inss in Gen.ArrayOf(ins, insCount)
               select Build(vocabulary, subs, dels, inss);
    }

    private static Gen<GeneratorOptions> LargeOptionsGen() =>
        from max in Gen.Frequency((3, Gen.Constant(GeneratorOptions.DefaultMaxCandidates)), (2, Gen.Choose(1, 400)))
        from min in Gen.Frequency((3, Gen.Constant(GeneratorOptions.DefaultMinCount)), (1, Gen.Choose(1, 4)))
        from k in Gen.Frequency((3, Gen.Constant(GeneratorOptions.DefaultTopKPerLabel)), (1, Gen.Choose(1, 40)))
        from ops in Gen.Frequency((4, Gen.Constant(EditOperations.All)), (1, Gen.Choose(0, 7).Select(i => (EditOperations)i)))
        select new GeneratorOptions { MaxCandidates = max, MinCount = min, TopKPerLabel = k, Operations = ops };

    private static ConfusionMap Build(CtcVocabulary vocabulary, IEnumerable<(int, int, int)> subs, IEnumerable<(int, int)> dels, IEnumerable<(int, int, int)> ins)
    {
        var builder = new ConfusionMapBuilder();
        foreach ((int f, int t, int c) in subs)
        {
            if (f != t)
            {
                builder.AddSubstitution(f, t, c);
            }
        }

        foreach ((int l, int c) in dels)
        {
            builder.AddDeletion(l, c);
        }

        foreach ((int l, int x, int c) in ins)
        {
            builder.AddInsertion(l, x, c);
        }

        return builder.Build(vocabulary);
    }
}
