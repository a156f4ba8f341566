using System.Globalization;

namespace Nko.Lm.Internal;

/// <summary>
/// Reads ARPA text into a <see cref="CharLanguageModel"/>. Strict: the counts header must match the sections, every
/// n-gram's context (all but its last token) and suffix (all but its first token) must be listed, as lmplz writes them.
/// </summary>
internal sealed class ArpaReader
{
    private readonly TextReader _reader;
    private long _lineNumber;
    private string? _pushedBack;

    private ArpaReader(TextReader reader) => _reader = reader;

    public static CharLanguageModel Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new ArpaReader(reader).Read();
    }

    private string? NextLine()
    {
        if (_pushedBack is not null)
        {
            string line = _pushedBack;
            _pushedBack = null;
            return line;
        }

        string? next = _reader.ReadLine();
        if (next is not null)
        {
            _lineNumber++;
        }

        return next;
    }

    private LmFormatException Error(string message) => new(_lineNumber, message);

    private CharLanguageModel Read()
    {
        // Anything before \data\ is ignored, as KenLM does.
        string? line;
        do
        {
            line = NextLine();
            if (line is null)
            {
                throw new LmFormatException("No \\data\\ header: this is not an ARPA file.");
            }
        }
        while (line.Trim() != "\\data\\");

        var counts = new List<int>();
        while ((line = NextLine()) is not null)
        {
            ReadOnlySpan<char> text = line.AsSpan().Trim();
            if (text.IsEmpty)
            {
                if (counts.Count > 0)
                {
                    break;
                }

                continue;
            }

            if (text[0] == '\\')
            {
                _pushedBack = line;
                break;
            }

            if (!text.StartsWith("ngram ", StringComparison.Ordinal))
            {
                throw Error($"expected 'ngram N=count' in the \\data\\ header, found '{Shorten(line)}'.");
            }

            ReadOnlySpan<char> rest = text[6..].Trim();
            int eq = rest.IndexOf('=');
            if (eq <= 0
                || !int.TryParse(rest[..eq].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int order)
                || !long.TryParse(rest[(eq + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long count))
            {
                throw Error($"malformed count line '{Shorten(line)}'.");
            }

            if (order != counts.Count + 1)
            {
                throw Error($"expected the count of {counts.Count + 1}-grams, found {order}-grams.");
            }

            if (order > CharLanguageModel.MaxOrder)
            {
                throw Error($"order {order} exceeds the maximum order {CharLanguageModel.MaxOrder}.");
            }

            if (count > CharLanguageModel.MaxNgramsPerOrder)
            {
                throw Error($"{count} {order}-grams exceed the limit of {CharLanguageModel.MaxNgramsPerOrder} per order.");
            }

            if (count == 0 || (order == 1 && count < 2))
            {
                throw Error($"the header lists {count} {order}-grams; every order needs at least one n-gram and the unigrams hold <s> and </s>.");
            }

            counts.Add((int)count);
        }

        if (counts.Count == 0)
        {
            throw Error("the \\data\\ header lists no n-gram counts.");
        }

        int maxOrder = counts.Count;
        var levels = new NgramLevel[maxOrder];
        string[] tokens = ReadUnigrams(counts[0], maxOrder, out levels[0], out Dictionary<string, int> ids);
        Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<int> words = stackalloc int[CharLanguageModel.MaxOrder];
        for (int n = 2; n <= maxOrder; n++)
        {
            ExpectSectionHeader(n);
            NgramLevel level = NgramLevel.CreateHashed(n, counts[n - 1]);
            levels[n - 1] = level;
            for (int k = 0; k < counts[n - 1]; k++)
            {
                string entry = NextEntry(n, counts[n - 1], k);
                ParseEntry(entry, n, maxOrder, words[..n], lookup, out float prob, out float backoff);
                int context = FindPath(levels, words[..(n - 1)]);
                if (context < 0)
                {
                    throw Error($"the context '{Join(tokens, words[..(n - 1)])}' of this {n}-gram is not listed as a {n - 1}-gram.");
                }

                int suffix = FindPath(levels, words[1..n]);
                if (suffix < 0)
                {
                    throw Error($"the suffix '{Join(tokens, words[1..n])}' of this {n}-gram is not listed as a {n - 1}-gram.");
                }

                if (level.Insert(context, words[n - 1], prob, backoff, suffix) < 0)
                {
                    throw Error($"duplicate {n}-gram '{Join(tokens, words[..n])}'.");
                }
            }

            ExpectSectionEnd(n, counts[n - 1]);
        }

        string? end;
        do
        {
            end = NextLine();
        }
        while (end is not null && end.AsSpan().Trim().IsEmpty);

        if (end is null || end.Trim() != "\\end\\")
        {
            throw Error(end is null ? "missing \\end\\ at the end of the file." : $"expected \\end\\, found '{Shorten(end)}'.");
        }

        ModelBuilder.SetExtensions(levels);
        return new CharLanguageModel(tokens, levels);
    }

    private string[] ReadUnigrams(int count, int maxOrder, out NgramLevel level, out Dictionary<string, int> ids)
    {
        ExpectSectionHeader(1);
        var entries = new List<(string Token, float Prob, float Backoff, long Line)>(count);
        for (int k = 0; k < count; k++)
        {
            string entry = NextEntry(1, count, k);
            string[] fields = SplitFields(entry);
            ParseFields(fields, 1, maxOrder, out float prob, out float backoff);
            entries.Add((fields[1], prob, backoff, _lineNumber));
        }

        ExpectSectionEnd(1, count);

        // <unk> takes id 0 (KenLM's numbering); the other tokens follow in file order.
        ids = new Dictionary<string, int>(count + 1, StringComparer.Ordinal) { [CharLanguageModel.UnknownToken] = 0 };
        var tokens = new List<string>(count + 1) { CharLanguageModel.UnknownToken };
        var probs = new List<float>(count + 1) { -100f };
        var backoffs = new List<float>(count + 1) { 0f };
        bool sawUnknown = false;
        foreach ((string token, float prob, float backoff, long line) in entries)
        {
            if (token == CharLanguageModel.UnknownToken)
            {
                if (sawUnknown)
                {
                    throw new LmFormatException(line, "duplicate unigram '<unk>'.");
                }

                sawUnknown = true;
                probs[0] = prob;
                backoffs[0] = backoff;
                continue;
            }

            if (!ids.TryAdd(token, tokens.Count))
            {
                throw new LmFormatException(line, $"duplicate unigram '{token}'.");
            }

            tokens.Add(token);
            probs.Add(prob);
            backoffs.Add(backoff);
        }

        // Without <unk>, KenLM substitutes log10 p = −100; so does this reader.
        foreach (string special in (ReadOnlySpan<string>)[CharLanguageModel.BeginSentenceToken, CharLanguageModel.EndSentenceToken])
        {
            if (!ids.ContainsKey(special))
            {
                throw new LmFormatException($"The unigrams lack {special}; a sentence model needs <s> and </s>.");
            }
        }

        level = ModelBuilder.CreateUnigrams(probs.ToArray(), backoffs.ToArray());
        return [.. tokens];
    }

    private void ExpectSectionHeader(int n)
    {
        string? line;
        do
        {
            line = NextLine();
        }
        while (line is not null && line.AsSpan().Trim().IsEmpty);

        string expected = $"\\{n}-grams:";
        if (line is null || line.Trim() != expected)
        {
            throw Error(line is null ? $"the file ends before the {expected} section." : $"expected {expected}, found '{Shorten(line)}'.");
        }
    }

    private string NextEntry(int n, int count, int read)
    {
        string? line;
        do
        {
            line = NextLine();
        }
        while (line is not null && line.AsSpan().Trim().IsEmpty);

        if (line is null || line.AsSpan().TrimStart().StartsWith('\\'))
        {
            throw Error($"the header lists {count} {n}-grams but the section holds {read}.");
        }

        return line;
    }

    private void ExpectSectionEnd(int n, int count)
    {
        string? line;
        do
        {
            line = NextLine();
        }
        while (line is not null && line.AsSpan().Trim().IsEmpty);

        if (line is not null && !line.AsSpan().TrimStart().StartsWith('\\'))
        {
            throw Error($"the header lists {count} {n}-grams but the section holds more.");
        }

        if (line is not null)
        {
            _pushedBack = line;
        }
    }

    private static string[] SplitFields(string entry) =>
        entry.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private void ParseEntry(
        string entry,
        int n,
        int maxOrder,
        Span<int> words,
        Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup,
        out float prob,
        out float backoff)
    {
        string[] fields = SplitFields(entry);
        ParseFields(fields, n, maxOrder, out prob, out backoff);
        for (int i = 0; i < n; i++)
        {
            if (!lookup.TryGetValue(fields[i + 1], out int id))
            {
                throw Error($"the token '{fields[i + 1]}' is not among the unigrams.");
            }

            words[i] = id;
        }
    }

    private void ParseFields(string[] fields, int n, int maxOrder, out float prob, out float backoff)
    {
        bool top = n == maxOrder;
        if (fields.Length != n + 1 && (top || fields.Length != n + 2))
        {
            throw Error(top
                ? $"a {n}-gram line of the highest order needs a log10 probability and {n} tokens (no back-off); found {fields.Length} fields."
                : $"a {n}-gram line needs a log10 probability, {n} tokens and an optional back-off; found {fields.Length} fields.");
        }

        prob = ParseFloat(fields[0], "log10 probability");
        if (prob > 0)
        {
            throw Error($"positive log10 probability {fields[0]}.");
        }

        backoff = fields.Length == n + 2 ? ParseFloat(fields[^1], "back-off") : 0f;
    }

    private float ParseFloat(string field, string what)
    {
        if (field is "-inf" or "-Infinity" or "-INF")
        {
            return float.NegativeInfinity;
        }

        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || float.IsNaN(value) || float.IsPositiveInfinity(value))
        {
            throw Error($"the {what} '{Shorten(field)}' is not a number (or is NaN or +∞).");
        }

        return value;
    }

    private static int FindPath(NgramLevel[] levels, ReadOnlySpan<int> words)
    {
        int index = words[0];
        for (int i = 1; i < words.Length && index >= 0; i++)
        {
            index = levels[i].Find(index, words[i]);
        }

        return index;
    }

    private static string Join(string[] tokens, ReadOnlySpan<int> words)
    {
        var parts = new string[words.Length];
        for (int i = 0; i < words.Length; i++)
        {
            parts[i] = tokens[words[i]];
        }

        return string.Join(' ', parts);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
}
