using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Ranker.Evaluation;

namespace Nko.Ranker.Tests.Evaluation;

/// <summary>The Levenshtein distance and the CER tally against brute-force definitions.</summary>
[Properties(Arbitrary = [typeof(EditDistanceProperties.Arbitraries)], MaxTest = 500)]
public sealed class EditDistanceProperties
{
    /// <summary>The textbook recursion, without memoisation (strings are short).</summary>
    internal static int BruteForce(string a, string b)
    {
        if (a.Length == 0)
        {
            return b.Length;
        }

        if (b.Length == 0)
        {
            return a.Length;
        }

        int cost = a[^1] == b[^1] ? 0 : 1;
        return Math.Min(
            Math.Min(BruteForce(a[..^1], b) + 1, BruteForce(a, b[..^1]) + 1),
            BruteForce(a[..^1], b[..^1]) + cost);
    }

    [Property]
    public void Levenshtein_equals_the_recursive_definition(Short a, Short b) =>
        Assert.Equal(BruteForce(a.Text, b.Text), EditDistance.Levenshtein(a.Text, b.Text));

    [Property]
    public void Label_ids_and_characters_give_the_same_distance(Short a, Short b) =>
        Assert.Equal(
            EditDistance.Levenshtein(a.Text, b.Text),
            EditDistance.Levenshtein<int>([.. a.Text.Select(c => (int)c)], [.. b.Text.Select(c => (int)c)]));

    [Property]
    public void Is_a_metric(Short a, Short b, Short c)
    {
        Assert.Equal(EditDistance.Levenshtein(a.Text, b.Text), EditDistance.Levenshtein(b.Text, a.Text));
        Assert.Equal(0, EditDistance.Levenshtein(a.Text, a.Text));
        Assert.True(EditDistance.Levenshtein(a.Text, c.Text) <= EditDistance.Levenshtein(a.Text, b.Text) + EditDistance.Levenshtein(b.Text, c.Text));
    }

    [Property(MaxTest = 10)]
    public void Long_strings_beyond_the_stack_buffer_agree_with_a_plain_table(Long x, Long y)
    {
        string a = x.Text, b = y.Text;
        int[,] d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            for (int j = 0; j <= b.Length; j++)
            {
                d[i, j] = i == 0 ? j : j == 0 ? i : Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        Assert.Equal(d[a.Length, b.Length], EditDistance.Levenshtein(a, b));
        Assert.Equal(d[a.Length, b.Length], EditDistance.Levenshtein(b, a));
    }

    [Property(MaxTest = 300)]
    public void CerTally_equals_a_direct_computation(Utterance[] rows)
    {
        var tally = new CerTally();
        foreach (Utterance u in rows)
        {
            tally.Add(u.Reference, u.Baseline, u.System);
        }

        long refChars = rows.Sum(u => (long)u.Reference.Length);
        long baseEdits = rows.Sum(u => (long)BruteForce(u.Reference, u.Baseline));
        long sysEdits = rows.Sum(u => (long)BruteForce(u.Reference, u.System));
        Utterance[] changed = [.. rows.Where(u => u.Baseline != u.System)];
        Assert.Equal(rows.Length, tally.Rows);
        Assert.Equal(refChars == 0 ? 0 : (double)baseEdits / refChars, tally.BaselineCer);
        Assert.Equal(refChars == 0 ? 0 : (double)sysEdits / refChars, tally.Cer);
        Assert.Equal(100.0 * (tally.Cer - tally.BaselineCer), tally.DeltaPp);
        Assert.Equal(changed.Count(u => BruteForce(u.Reference, u.System) < BruteForce(u.Reference, u.Baseline)), tally.Better);
        Assert.Equal(changed.Count(u => BruteForce(u.Reference, u.System) == BruteForce(u.Reference, u.Baseline)), tally.Same);
        Assert.Equal(changed.Count(u => BruteForce(u.Reference, u.System) > BruteForce(u.Reference, u.Baseline)), tally.Worse);
        Assert.Equal(changed.Length, tally.Changed);

        var metrics = tally.ToMetrics("m");
        Assert.Equal(new Nko.Ranker.Configuration.ModeMetrics("m", tally.Cer, tally.DeltaPp, tally.Better, tally.Same, tally.Worse, tally.Changed), metrics);
    }

    [Fact]
    public void An_unchanged_utterance_is_not_counted_even_when_wrong()
    {
        var tally = new CerTally();
        tally.Add("\u07CA\u07CB", "\u07CA", "\u07CA");
        Assert.Equal(0, tally.Changed);
        Assert.Equal(0.5, tally.Cer);
        Assert.Equal(0.0, tally.DeltaPp);
    }

    [Fact]
    public void A_change_that_keeps_the_distance_is_same()
    {
        var tally = new CerTally();
        tally.Add("ab", "ax", "ay");
        Assert.Equal((0, 1, 0, 1), (tally.Better, tally.Same, tally.Worse, tally.Changed));
    }

    [Fact]
    public void Empty_tally_is_zero_not_NaN()
    {
        var tally = new CerTally();
        Assert.Equal(0.0, tally.Cer);
        Assert.Equal(0.0, tally.BaselineCer);
        tally.Add(string.Empty, "a", string.Empty);
        Assert.Equal(0.0, tally.Cer);
        Assert.Equal(1, tally.Better);
    }

    /// <summary>A short string over a four-letter alphabet (so matches are common).</summary>
    public sealed record Short(string Text)
    {
        public override string ToString() => $"\"{Text}\"";
    }

    /// <summary>A string of 1,025 to 1,500 N'Ko letters from four, longer than the distance's stack buffer (1,024).</summary>
    public sealed record Long(string Text)
    {
        public override string ToString() => $"\"{Text}\"";
    }

    /// <summary>A reference, the baseline's text and the system's text.</summary>
    public sealed record Utterance(string Reference, string Baseline, string System);

    public static class Arbitraries
    {
        private static Gen<string> Text(int max) =>
            Gen.Choose(0, max).SelectMany(n => Gen.ArrayOf(Gen.Elements('\u07CA', '\u07CB', ' ', 'a'), n)).Select(c => new string(c));

        public static Arbitrary<Short> Shorts() => Text(6).Select(s => new Short(s)).ToArbitrary();

        public static Arbitrary<Long> Longs() =>
            FsCheck.Fluent.Arb.From(
                Gen.Choose(1025, 1500)
                    .SelectMany(n => Gen.ArrayOf(Gen.Elements('\u07CA', '\u07CB', '\u07CC', '\u07CD'), n))
                    .Select(c => new Long(new string(c))),
                ShrinkLong);

        // Shorter (down to just past the buffer), then with one letter made the first of the alphabet.
        private static IEnumerable<Long> ShrinkLong(Long x)
        {
            if (x.Text.Length > 1025)
            {
                yield return new Long(x.Text[..1025]);
            }

            int i = x.Text.IndexOfAny(['\u07CB', '\u07CC', '\u07CD']);
            if (i >= 0)
            {
                yield return new Long(string.Concat(x.Text.AsSpan(0, i), "\u07CA", x.Text.AsSpan(i + 1)));
            }
        }

        public static Arbitrary<Utterance> Utterances() =>
            (from r in Text(5)
             from b in Text(5)
             from same in Gen.Elements(true, false, false)
             from s in same ? Gen.Constant(b) : Text(5)
             select new Utterance(r, b, s)).ToArbitrary();
    }
}
