using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Nko.Lm.Tests;

/// <summary>
/// The hashed model against a plain dictionary back-off scorer written from the ARPA definition, on random token
/// sequences: the same scores, and states that are equal exactly when the scorer's remaining context is.
/// </summary>
public sealed class BruteForceTwinTests
{
    /// <summary>The textbook ARPA scorer: log10 p(w | h) = prob(h w) if listed, else backoff(h) + p(w | h minus its first token).</summary>
    private sealed class NaiveScorer
    {
        private readonly Dictionary<string, (double Prob, double Backoff)> _entries = new(StringComparer.Ordinal);

        public NaiveScorer(string arpaPath)
        {
            int section = 0;
            foreach (string line in File.ReadLines(arpaPath))
            {
                if (line.StartsWith('\\') && line.EndsWith("-grams:", StringComparison.Ordinal))
                {
                    section = line[1] - '0';
                    continue;
                }

                if (section == 0 || line.Length == 0 || line.StartsWith('\\'))
                {
                    continue;
                }

                string[] fields = line.Split('\t');
                _entries[fields[1]] = (double.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture),
                    fields.Length > 2 ? double.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture) : 0);
                Order = Math.Max(Order, section);
            }
        }

        public int Order { get; }

        public double Score(IReadOnlyList<string> history, string word)
        {
            int start = Math.Max(0, history.Count - (Order - 1));
            string[] context = [.. history.Skip(start)];
            double backoffs = 0;
            for (int from = 0; from <= context.Length; from++)
            {
                string[] h = context[from..];
                string ngram = string.Join(' ', [.. h, word]);
                if (_entries.TryGetValue(ngram, out var entry))
                {
                    return entry.Prob + backoffs;
                }

                if (h.Length > 0 && _entries.TryGetValue(string.Join(' ', h), out var ctx))
                {
                    backoffs += ctx.Backoff;
                }
            }

            return _entries["<unk>"].Prob + backoffs;
        }
    }

    private static NaiveScorer Naive => field ??= new NaiveScorer(TestData.Char6Arpa);

    /// <summary>A token sequence (ids, without the final end of sentence) and whether it starts at &lt;s&gt;.</summary>
    public sealed record Sequence(int[] Ids, bool Bos)
    {
        public override string ToString() => $"bos {Bos}, ids [{string.Join(", ", Ids)}]";
    }

    // Mostly in-vocabulary tokens (ids 3..V-1, so long n-grams match), 1 in 20 <unk>; shrinks by dropping tokens and
    // towards the first in-vocabulary id.
    private static readonly Arbitrary<Sequence> Sequences = Arb.From(
        from ids in Gen.Choose(0, 59).SelectMany(n => Gen.ArrayOf(Token(), n + 1))
        from bos in Gen.Elements(true, false)
        select new Sequence(ids, bos),
        c => ShrinkIds(c.Ids, 1, 3).Select(ids => c with { Ids = ids }));

    // Two walks over few distinct tokens (ids 3..5), so that different histories often reach the same state.
    private static readonly Arbitrary<(int[] A, int[] B)> WalkPairs = Arb.From(
        from a in Gen.Choose(1, 12).SelectMany(n => Gen.ArrayOf(Gen.Choose(3, 5), n))
        from b in Gen.Choose(1, 12).SelectMany(n => Gen.ArrayOf(Gen.Choose(3, 5), n))
        select (a, b),
        ((int[] A, int[] B) p) => ShrinkIds(p.A, 1, 3).Select(a => (a, p.B)).Concat(ShrinkIds(p.B, 1, 3).Select(b => (p.A, b))));

    private static Gen<int> Token()
    {
        CharLanguageModel lm = TestData.Char6;
        return Gen.Frequency((1, Gen.Constant(lm.UnknownId)), (19, Gen.Choose(3, lm.VocabularySize - 1)));
    }

    /// <summary>Shorter sequences (down to <paramref name="minLength"/>), then each id replaced by <paramref name="simplest"/>.</summary>
    private static IEnumerable<int[]> ShrinkIds(int[] ids, int minLength, int simplest)
    {
        if (ids.Length / 2 >= minLength && ids.Length > 1)
        {
            yield return ids[..(ids.Length / 2)];
        }

        for (int i = 0; i < ids.Length && ids.Length > minLength; i++)
        {
            yield return [.. ids[..i], .. ids[(i + 1)..]];
        }

        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] != simplest)
            {
                int[] simpler = [.. ids];
                simpler[i] = simplest;
                yield return simpler;
            }
        }
    }

    [Property(MaxTest = 500)]
    public Property Random_sequences_score_as_the_naive_back_off_scorer() => Prop.ForAll(Sequences, c =>
    {
        CharLanguageModel lm = TestData.Char6;
        var history = new List<string>();
        if (c.Bos)
        {
            history.Add("<s>");
        }

        LmState state = c.Bos ? lm.BeginSentenceState : lm.NullContextState;
        var failures = new List<string>();
        for (int i = 0; i <= c.Ids.Length; i++)
        {
            int id = i == c.Ids.Length ? lm.EndSentenceId : c.Ids[i];
            string token = lm.GetToken(id);
            double expected = Naive.Score(history, token);
            float actual = lm.Score(state, id, out state);
            if (Math.Abs(actual - expected) > 1e-5)
            {
                failures.Add($"#{i} {token}: {actual} vs {expected}");
            }

            history.Add(token);
        }

        return (failures.Count == 0).Label(string.Join("; ", failures));
    });

    [Property(MaxTest = 300)]
    public Property Equal_states_give_equal_scores_for_every_next_token() => Prop.ForAll(WalkPairs, p =>
    {
        CharLanguageModel lm = TestData.Char6;
        LmState a = Walk(lm, p.A);
        LmState b = Walk(lm, p.B);
        if (a != b)
        {
            return true.Label("different states");
        }

        for (int id = 0; id < lm.VocabularySize; id++)
        {
            if (lm.Score(a, id, out LmState na) != lm.Score(b, id, out LmState nb) || na != nb)
            {
                return false.Label($"token {id} differs after equal states");
            }
        }

        return true.ToProperty();
    });

    private static LmState Walk(CharLanguageModel lm, int[] tokens)
    {
        LmState state = lm.BeginSentenceState;
        foreach (int id in tokens)
        {
            lm.Score(state, id, out state);
        }

        return state;
    }

    [Fact]
    public void States_hold_at_most_order_minus_one_tokens_and_merge_when_contexts_do()
    {
        CharLanguageModel lm = TestData.Char6;
        LmState state = lm.BeginSentenceState;
        int maxLength = 0;
        foreach (int id in lm.Encode(TestData.KenLmLines[0].Text))
        {
            lm.Score(state, id, out state);
            maxLength = Math.Max(maxLength, state.Length);
        }

        Assert.Equal(lm.Order - 1, maxLength);

        // Two histories with the same last five tokens reach the same state.
        int[] tail = lm.Encode("ߓߐ ߓߋ");
        LmState x = lm.BeginSentenceState;
        LmState y = lm.NullContextState;
        foreach (int id in lm.Encode("ߞߊ ߣߊ ߓߐ ߓߋ"))
        {
            lm.Score(x, id, out x);
        }

        foreach (int id in lm.Encode("ߘߍߣ ߓߐ ߓߋ"))
        {
            lm.Score(y, id, out y);
        }

        Assert.Equal(5, tail.Length);
        Assert.Equal(x, y);
        Assert.Equal(x.GetHashCode(), y.GetHashCode());
    }
}
