using System.Globalization;
using System.Text;
using Nko.IO;
using Nko.Lm.Internal;

namespace Nko.Lm.Training;

/// <summary>
/// Estimates an interpolated modified Kneser–Ney n-gram model and writes it as ARPA, reproducing KenLM's <c>lmplz</c>
/// (no pruning): the same n-grams, and the same probabilities and back-offs up to float32 rounding.
/// </summary>
/// <remarks>
/// <para>The estimate, as lmplz makes it:</para>
/// <list type="number">
/// <item>Each line is a sentence <c>&lt;s&gt; w1 … wk &lt;/s&gt;</c>; tokens are separated by white space. Every n-gram
/// (n ≤ N) of it is counted, except the unigram <c>&lt;s&gt;</c>.</item>
/// <item>Adjusted counts: the raw count for N-grams and for n-grams that start with <c>&lt;s&gt;</c>; otherwise the number of
/// distinct tokens seen to the left of the n-gram. <c>&lt;unk&gt;</c> and <c>&lt;s&gt;</c> get 0.</item>
/// <item>Discounts per order from the counts-of-adjusted-counts n1..n4 (Chen &amp; Goodman eq. 26, in float32):
/// <c>Y = n1 / (n1 + 2 n2)</c>, <c>Dj = j − (j + 1) Y n(j+1) / nj</c>; if some nj (j ≤ 3) is 0 or some Dj falls outside
/// [0, j], the fallback discounts (<see cref="KneserNeyOptions.DiscountFallback"/>) are used.</item>
/// <item>Per context h: <c>u(w | h) = (a(h w) − D(a)) / Σ a(h ·)</c> and
/// <c>γ(h) = (D1 N1(h ·) + D2 N2(h ·) + D3+ N3+(h ·)) / Σ a(h ·)</c>.</item>
/// <item>Interpolation: <c>p(w) = u(w) + γ(ε) / (|V| − 1)</c> over the vocabulary without <c>&lt;s&gt;</c>
/// (<c>&lt;unk&gt;</c> has u = 0, so it gets the interpolation mass of a zeroton); <c>p(&lt;s&gt;) = 1</c>;
/// <c>p(w | h) = u(w | h) + γ(h) p(w | h minus its first token)</c>. The back-off of an n-gram that is a context is
/// <c>log10 γ</c>; n-grams ending in <c>&lt;/s&gt;</c> or <c>&lt;unk&gt;</c> get 0.</item>
/// </list>
/// <para>Arithmetic is float32 in lmplz's order; n-grams are written in lmplz's order (suffix order by token id, ids by
/// first appearance after <c>&lt;unk&gt;</c>, <c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>). The whole corpus is held in memory:
/// this is for character corpora of millions of tokens, not for lmplz's web-scale streaming.</para>
/// </remarks>
public static class KneserNeyTrainer
{
    private const int Unk = 0;
    private const int Bos = 1;
    private const int Eos = 2;

    /// <summary>
    /// Trains on character text (one sentence per line, converted by the <see cref="CharTokens"/> convention) and writes
    /// the ARPA file atomically: the thin core of <c>nko lm train --text FILE --order N --out FILE.arpa</c>.
    /// </summary>
    public static KneserNeySummary TrainTextFile(string textPath, string arpaPath, KneserNeyOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(textPath);
        ArgumentException.ThrowIfNullOrEmpty(arpaPath);
        KneserNeySummary summary;
        string[] lines = File.ReadAllLines(textPath, Encoding.UTF8);
        using AtomicFileWriter file = AtomicFileWriter.Create(arpaPath);
        using (var writer = new StreamWriter(file.Stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
        {
            summary = TrainText(lines, writer, options);
        }

        file.Commit();
        return summary;
    }

    /// <summary>Trains on character text (one sentence per string, <see cref="CharTokens"/> convention) and writes ARPA.</summary>
    public static KneserNeySummary TrainText(IEnumerable<string> sentences, TextWriter arpa, KneserNeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        return Train(sentences.Select(s => CharTokens.ToTokenLine(s)), arpa, options);
    }

    /// <summary>
    /// Trains on token lines (one sentence per line, tokens separated by white space, as lmplz reads its input) and
    /// writes the model as ARPA to <paramref name="arpa"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A line holds <c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c> or <c>&lt;unk&gt;</c> (lmplz refuses them too).</exception>
    /// <exception cref="InvalidOperationException">Discounts cannot be estimated and <see cref="KneserNeyOptions.DiscountFallback"/> is null.</exception>
    public static KneserNeySummary Train(IEnumerable<string> tokenLines, TextWriter arpa, KneserNeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(tokenLines);
        ArgumentNullException.ThrowIfNull(arpa);
        ArgumentNullException.ThrowIfNull(options);
        int order = options.Order;

        // Vocabulary: <unk>, <s>, </s>, then tokens by first appearance (lmplz's ids).
        var vocabulary = new List<string> { CharLanguageModel.UnknownToken, CharLanguageModel.BeginSentenceToken, CharLanguageModel.EndSentenceToken };
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < vocabulary.Count; i++)
        {
            ids[vocabulary[i]] = i;
        }

        // Raw counts of every n-gram of <s> w1 … wk </s> (the unigram <s> excepted).
        var raw = new Dictionary<string, long>[order];
        for (int n = 0; n < order; n++)
        {
            raw[n] = new Dictionary<string, long>(StringComparer.Ordinal);
        }

        var sentence = new List<int>();
        var lastWindow = new int[order];
        var window = new int[order];
        bool anyWindow = false;
        long sentences = 0;
        long tokens = 0;
        char[] separators = [' ', '\t', '\r', '\n', '\0'];
        foreach (string line in tokenLines)
        {
            sentence.Clear();
            sentence.Add(Bos);
            foreach (string token in line.Split(separators, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!ids.TryGetValue(token, out int id))
                {
                    id = vocabulary.Count;
                    ids[token] = id;
                    vocabulary.Add(token);
                }
                else if (id <= Eos)
                {
                    throw new ArgumentException($"Sentence {sentences + 1} holds the reserved token {token}.", nameof(tokenLines));
                }

                sentence.Add(id);
            }

            sentence.Add(Eos);
            tokens += sentence.Count - 2;
            sentences++;
            for (int end = 1; end < sentence.Count; end++)
            {
                // lmplz's N-gram windows are left-padded with <s>; remember the last one in suffix order (see below).
                for (int i = 0; i < order; i++)
                {
                    int at = end - order + 1 + i;
                    window[i] = at < 0 ? Bos : sentence[at];
                }

                if (!anyWindow || CompareSuffixOrder(window, lastWindow) > 0)
                {
                    window.CopyTo(lastWindow, 0);
                    anyWindow = true;
                }

                for (int n = 1; n <= order && end - n + 1 >= 0; n++)
                {
                    string key = Key(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sentence).Slice(end - n + 1, n));
                    CollectionsIncrement(raw[n - 1], key, 1);
                }
            }
        }

        // Adjusted counts.
        var adjusted = new Dictionary<string, long>[order];
        for (int n = order; n >= 1; n--)
        {
            var level = new Dictionary<string, long>(raw[n - 1].Count, StringComparer.Ordinal);
            if (n == order)
            {
                foreach ((string key, long count) in raw[n - 1])
                {
                    level[key] = count;
                }
            }
            else
            {
                foreach ((string key, long count) in raw[n - 1])
                {
                    level[key] = Word(key, 0) == Bos ? count : 0;
                }

                foreach (string longer in raw[n].Keys)
                {
                    string suffix = longer[2..];
                    if (Word(suffix, 0) != Bos)
                    {
                        level[suffix]++;
                    }
                }
            }

            adjusted[n - 1] = level;
        }

        adjusted[0][Key([Unk])] = 0;
        adjusted[0][Key([Bos])] = 0;

        // Discounts from counts of adjusted counts.
        var discounts = new KneserNeyDiscount[order];
        var fallback = new bool[order];
        Span<long> countOfCounts = stackalloc long[5];
        for (int n = 1; n <= order; n++)
        {
            countOfCounts.Clear();
            foreach (long a in adjusted[n - 1].Values)
            {
                if (a < 5)
                {
                    countOfCounts[(int)a]++;
                }
            }

            // lmplz's adjust-counts pass hands the statistics the n-grams still open when its input ends (the suffixes of
            // the last padded N-gram in suffix order, up to the first <s>) with their raw counts, not their adjusted
            // counts. That shifts one count-of-counts entry per order; the discounts follow lmplz's.
            if (n < order && order > 1 && OpenAtEnd(lastWindow, n, out string suffixKey))
            {
                long a = adjusted[n - 1][suffixKey];
                long r = raw[n - 1][suffixKey];
                if (a < 5)
                {
                    countOfCounts[(int)a]--;
                }

                if (r < 5)
                {
                    countOfCounts[(int)r]++;
                }
            }

            if (TryEstimate(countOfCounts, out KneserNeyDiscount estimate))
            {
                discounts[n - 1] = estimate;
            }
            else if (options.DiscountFallback is { } substitute)
            {
                discounts[n - 1] = substitute;
                fallback[n - 1] = true;
            }
            else
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Could not estimate Kneser–Ney discounts for {n}-grams (counts of adjusted counts 1..4: {countOfCounts[1]}, {countOfCounts[2]}, {countOfCounts[3]}, {countOfCounts[4]}); set a DiscountFallback (lmplz --discount_fallback)."));
            }
        }

        // Per context: the denominator Σ a(h ·) and γ(h), in float32 as lmplz.
        var gammas = new Dictionary<string, (float Gamma, float Denominator)>[order];
        for (int n = 1; n <= order; n++)
        {
            var sums = new Dictionary<string, (long Denominator, long N1, long N2, long N3)>(StringComparer.Ordinal);
            foreach ((string key, long a) in adjusted[n - 1])
            {
                string context = key[..^2];
                sums.TryGetValue(context, out var s);
                s.Denominator += a;
                if (a == 1)
                {
                    s.N1++;
                }
                else if (a == 2)
                {
                    s.N2++;
                }
                else if (a >= 3)
                {
                    s.N3++;
                }

                sums[context] = s;
            }

            KneserNeyDiscount d = discounts[n - 1];
            var level = new Dictionary<string, (float, float)>(sums.Count, StringComparer.Ordinal);
            foreach ((string context, var s) in sums)
            {
                float denominator = s.Denominator;
                float gamma = 0f;
                gamma += d.D1 * s.N1;
                gamma += d.D2 * s.N2;
                gamma += d.D3Plus * s.N3;
                gamma /= denominator;
                level[context] = (gamma, denominator);
            }

            gammas[n - 1] = level;
        }

        // Interpolated probabilities, lowest order first so each n-gram finds its suffix's.
        float uniform = (float)(1.0 / (float)(vocabulary.Count - 1));
        var probs = new Dictionary<string, float>[order];
        for (int n = 1; n <= order; n++)
        {
            KneserNeyDiscount d = discounts[n - 1];
            var level = new Dictionary<string, float>(adjusted[n - 1].Count, StringComparer.Ordinal);
            foreach ((string key, long a) in adjusted[n - 1])
            {
                (float gamma, float denominator) = gammas[n - 1][key[..^2]];
                float uninterpolated = ((float)a - d.For(a)) / denominator;
                float lower = uniform;
                if (n == 1)
                {
                    int word = Word(key, 0);
                    if (word == Unk)
                    {
                        uninterpolated = 0f;
                    }
                    else if (word == Bos)
                    {
                        uninterpolated = 1f;
                        gamma = 0f;
                    }
                }
                else
                {
                    lower = probs[n - 2][key[2..]];
                }

                level[key] = uninterpolated + (gamma * lower);
            }

            probs[n - 1] = level;
        }

        var counts = new long[order];
        for (int n = 0; n < order; n++)
        {
            counts[n] = adjusted[n].Count;
        }

        WriteArpa(arpa, vocabulary, probs, gammas, counts);
        return new KneserNeySummary(sentences, tokens, counts, discounts, fallback);
    }

    /// <summary>Whether the length-<paramref name="n"/> suffix of lmplz's last window is still open at the end, and its key.</summary>
    private static bool OpenAtEnd(int[] lastWindow, int n, out string key)
    {
        int order = lastWindow.Length;
        key = Key(lastWindow.AsSpan(order - n));
        for (int i = order - n + 1; i < order; i++)
        {
            if (lastWindow[i] == Bos)
            {
                return false;
            }
        }

        return true;
    }

    private static int CompareSuffixOrder(int[] x, int[] y)
    {
        for (int i = x.Length - 1; i >= 0; i--)
        {
            int c = x[i].CompareTo(y[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    /// <summary>Chen &amp; Goodman's estimate in lmplz's float32 arithmetic; false where lmplz would fall back.</summary>
    private static bool TryEstimate(ReadOnlySpan<long> n, out KneserNeyDiscount discount)
    {
        discount = default;
        if (n[1] == 0 || n[2] == 0 || n[3] == 0)
        {
            return false;
        }

        float y = (float)n[1] / (float)(n[1] + (2.0 * n[2]));
        Span<float> amount = stackalloc float[4];
        for (int j = 1; j < 4; j++)
        {
            amount[j] = (float)j - ((float)(j + 1) * y * (float)n[j + 1] / (float)n[j]);
            if (amount[j] < 0.0 || amount[j] > j)
            {
                return false;
            }
        }

        discount = new KneserNeyDiscount(amount[1], amount[2], amount[3]);
        return true;
    }

    private static void WriteArpa(
        TextWriter arpa,
        List<string> vocabulary,
        Dictionary<string, float>[] probs,
        Dictionary<string, (float Gamma, float Denominator)>[] gammas,
        long[] counts)
    {
        int order = probs.Length;
        arpa.Write("\\data\\\n");
        for (int n = 1; n <= order; n++)
        {
            arpa.Write(string.Create(CultureInfo.InvariantCulture, $"ngram {n}={counts[n - 1]}\n"));
        }

        var line = new StringBuilder();
        for (int n = 1; n <= order; n++)
        {
            arpa.Write(string.Create(CultureInfo.InvariantCulture, $"\n\\{n}-grams:\n"));
            string[] keys = [.. probs[n - 1].Keys];
            Array.Sort(keys, CompareSuffixOrder);
            foreach (string key in keys)
            {
                line.Clear();
                line.Append(Format(MathF.Log10(probs[n - 1][key]))).Append('\t');
                for (int i = 0; i < n; i++)
                {
                    if (i > 0)
                    {
                        line.Append(' ');
                    }

                    line.Append(vocabulary[Word(key, i)]);
                }

                if (n < order)
                {
                    int last = Word(key, n - 1);
                    float backoff = 0f;
                    if (last != Unk && last != Eos && gammas[n].TryGetValue(key, out var context))
                    {
                        backoff = MathF.Log10(context.Gamma);
                    }

                    line.Append('\t').Append(Format(backoff));
                }

                line.Append('\n');
                arpa.Write(line);
            }
        }

        arpa.Write("\n\\end\\\n");
    }

    private static string Format(float value) => value == 0f ? "0" : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>lmplz's suffix order: by the last token id, then the one before it, and so on.</summary>
    private static int CompareSuffixOrder(string x, string y)
    {
        for (int i = (x.Length / 2) - 1; i >= 0; i--)
        {
            int c = Word(x, i).CompareTo(Word(y, i));
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    private static string Key(ReadOnlySpan<int> words)
    {
        var chars = new char[words.Length * 2];
        for (int i = 0; i < words.Length; i++)
        {
            chars[2 * i] = (char)(words[i] >> 16);
            chars[(2 * i) + 1] = (char)(words[i] & 0xFFFF);
        }

        return new string(chars);
    }

    private static int Word(string key, int index) => (key[2 * index] << 16) | key[(2 * index) + 1];

    private static void CollectionsIncrement(Dictionary<string, long> counts, string key, long by)
    {
        ref long count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _);
        count += by;
    }
}
