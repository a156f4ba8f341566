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

    [Property(MaxTest = 500)]
    public Property Random_sequences_score_as_the_naive_back_off_scorer(int seed, PositiveInt lengthRaw, bool bos)
    {
        CharLanguageModel lm = TestData.Char6;
        var rng = new Random(seed);
        int length = 1 + (lengthRaw.Get % 60);

        // Mostly in-vocabulary tokens (ids 3..30, so long n-grams match), some <unk>, and a text-like bias towards
        // following the corpus: half the time, the token after a listed context is one the model has seen there.
        var history = new List<string>();
        if (bos)
        {
            history.Add("<s>");
        }

        LmState state = bos ? lm.BeginSentenceState : lm.NullContextState;
        var failures = new List<string>();
        for (int i = 0; i <= length; i++)
        {
            int id = i == length ? lm.EndSentenceId : rng.Next(20) == 0 ? lm.UnknownId : 3 + rng.Next(lm.VocabularySize - 3);
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
    }

    [Property(MaxTest = 300)]
    public Property Equal_states_give_equal_scores_for_every_next_token(int seed, PositiveInt lengthA, PositiveInt lengthB)
    {
        CharLanguageModel lm = TestData.Char6;
        var rng = new Random(seed);
        LmState a = Walk(lm, rng, 1 + (lengthA.Get % 12));
        LmState b = Walk(lm, rng, 1 + (lengthB.Get % 12));
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
    }

    private static LmState Walk(CharLanguageModel lm, Random rng, int length)
    {
        // Few distinct tokens so that different histories often reach the same state.
        LmState state = lm.BeginSentenceState;
        for (int i = 0; i < length; i++)
        {
            lm.Score(state, 3 + rng.Next(3), out state);
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
