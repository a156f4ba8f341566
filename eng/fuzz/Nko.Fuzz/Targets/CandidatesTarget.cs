using Nko.Candidates;
using Nko.Ctc;

namespace Nko.Fuzz.Targets;

/// <summary>
/// CandidateGenerator over the shipped map or random maps, with random options and hypotheses (runs of repeats
/// included): at most MaxCandidates, in strict Compare order, valid licensed edits of allowed kinds, no no-ops or
/// duplicates, the same output twice and from both overloads, and a smaller MaxCandidates giving a prefix.
/// </summary>
public sealed class CandidatesTarget : FuzzTarget
{
    public override string Name => "candidates";

    public override string Description => "CandidateGenerator: bounds, order, validity, no duplicates, determinism";

    public override void Run(FuzzContext ctx)
    {
        FuzzRandom rng = ctx.Random;
        ConfusionMap map = rng.Chance(0.5) ? ShippedConfig.Config.Confusions : RandomMap(rng);
        CtcVocabulary vocabulary = map.Vocabulary;
        var options = new GeneratorOptions
        {
            MaxCandidates = rng.Pick(1, 2, rng.Between(3, 300), GeneratorOptions.Limit),
            MinCount = rng.Pick(1, 2, rng.Between(1, 50), int.MaxValue),
            TopKPerLabel = rng.Pick(1, 2, rng.Between(1, 20), GeneratorOptions.Limit),
            Operations = (EditOperations)rng.Between(0, 7),
        };
        var generator = new CandidateGenerator(map, options);
        int[] hyp = HostileMatrices.Labels(rng, rng.Pick(0, 1, rng.Between(2, 20), rng.Between(20, 400)), vocabulary.Count, vocabulary.BlankIndex);
        string where = $"C={vocabulary.Count} L={hyp.Length} {options}";

        if (rng.Chance(0.05))
        {
            int[] bad = hyp.Length == 0 ? [0] : (int[])hyp.Clone();
            bad[rng.Next(bad.Length)] = rng.Pick(vocabulary.BlankIndex, vocabulary.Count, -1);
            ctx.ExpectThrows<ArgumentException>("Generate", "an invalid id", () => generator.Generate(bad));
            ctx.ExpectThrows<ArgumentException>("Generate", "a short destination", () => generator.Generate(hyp, new Candidate[options.MaxCandidates - 1]));
        }

        Candidate[]? result = null;
        if (!ctx.Call("Generate", () => result = generator.Generate(hyp)) || result is null)
        {
            return;
        }

        ctx.Count(result.Length == 0 ? "no candidates" : result.Length == options.MaxCandidates ? "candidates at the bound" : "candidates below the bound");
        Check(ctx, map, options, hyp, result, where);

        ctx.Check(generator.Generate(hyp).AsSpan().SequenceEqual(result), "Generate: different result the second time", where);
        var span = new Candidate[options.MaxCandidates + rng.Next(3)];
        int n = generator.Generate(hyp, span);
        ctx.Check(span.AsSpan(0, n).SequenceEqual(result), "Generate: span and array overloads differ", where);

        var fewer = new CandidateGenerator(map, options with { MaxCandidates = rng.Between(1, options.MaxCandidates) });
        Candidate[] prefix = fewer.Generate(hyp);
        ctx.Check(prefix.AsSpan().SequenceEqual(result.AsSpan(0, Math.Min(result.Length, fewer.MaxCandidates))), "Generate: smaller MaxCandidates is not a prefix", $"{where} (max {fewer.MaxCandidates})");
    }

    private static void Check(FuzzContext ctx, ConfusionMap map, GeneratorOptions options, int[] hyp, Candidate[] result, string where)
    {
        ctx.Check(result.Length <= options.MaxCandidates, "Generate: more than MaxCandidates", $"{where}: {result.Length}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string original = string.Join(',', hyp);
        for (int i = 0; i < result.Length; i++)
        {
            Candidate c = result[i];
            string at = $"{where}: #{i} {c}";
            if (i > 0 && Candidate.Compare(result[i - 1], c) >= 0)
            {
                ctx.Fail("Generate: not in strict Compare order", at);
            }

            EditOperations op = c.Kind switch
            {
                EditKind.Substitute => EditOperations.Substitute,
                EditKind.Delete => EditOperations.Delete,
                EditKind.Insert => EditOperations.Insert,
                _ => EditOperations.None,
            };
            ctx.Check((options.Operations & op) != 0, "Generate: edit of a kind not enabled", at);
            ctx.Check(c.PriorCount >= options.MinCount, "Generate: count below MinCount", at);
            ctx.Check(c.Kind == EditKind.Delete || map.Vocabulary.IsLabel(c.Edit.Label), "Generate: label not a vocabulary label", at);
            int[] edited;
            try
            {
                edited = c.Edit.Apply(hyp);
            }
            catch (ArgumentException e)
            {
                ctx.Fail("Generate: edit does not fit the hypothesis", $"{at}: {e.Message}");
                continue;
            }

            string text = string.Join(',', edited);
            ctx.Check(text != original, "Generate: no-op edit", at);
            ctx.Check(seen.Add(text), "Generate: two candidates give the same sequence", at);
        }
    }

    // A valid random map over a small vocabulary (entries deduplicated as Create requires).
    private static ConfusionMap RandomMap(FuzzRandom rng)
    {
        int count = rng.Between(2, 12);
        int blank = rng.Next(count);
        char[] labels = [.. Enumerable.Range(0, count - 1).Select(i => (char)('a' + i))]; // the blank is not among them
        CtcVocabulary vocabulary = CtcVocabulary.Create(labels, blank);
        int Label() => HostileMatrices.Label(rng, count, blank);
        int Count() => rng.Pick(1, 2, rng.Between(1, 100), int.MaxValue);
        var subs = new Dictionary<(int, int), int>();
        var dels = new Dictionary<int, int>();
        var ins = new Dictionary<(int, int), int>();
        for (int i = rng.Between(0, 40); i > 0; i--)
        {
            int from = Label(), to = Label();
            if (from != to)
            {
                subs[(from, to)] = Count();
            }

            dels[Label()] = Count();
            ins[(Label(), rng.Chance(0.2) ? -1 : Label())] = Count();
        }

        int[] hypothesisCounts = [.. Enumerable.Range(0, count).Select(c => c == blank ? 0 : rng.Between(0, 1000))];
        return ConfusionMap.Create(
            vocabulary,
            [.. subs.Select(e => new SubstitutionEntry(e.Key.Item1, e.Key.Item2, e.Value))],
            [.. dels.Select(e => new DeletionEntry(e.Key, e.Value))],
            [.. ins.Select(e => new InsertionEntry(e.Key.Item1, e.Key.Item2, e.Value))],
            hypothesisCounts);
    }
}
