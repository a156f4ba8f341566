namespace Nko.Lm.Tests;

/// <summary>Malformed ARPA text fails with <see cref="LmFormatException"/> naming the line.</summary>
public sealed class ArpaReaderTests
{
    private const string Valid = """
        \data\
        ngram 1=5
        ngram 2=3

        \1-grams:
        -1.0	<unk>	0
        0	<s>	-0.5
        -0.7	</s>	0
        -0.6	a	-0.3
        -0.8	b	-0.2

        \2-grams:
        -0.3	<s> a
        -0.4	a b
        -0.2	b </s>

        \end\
        """;

    private const string Trigram = """
        \data\
        ngram 1=5
        ngram 2=3
        ngram 3=1

        \1-grams:
        -1.0	<unk>	0
        0	<s>	-0.5
        -0.7	</s>	0
        -0.6	a	-0.3
        -0.8	b	-0.2

        \2-grams:
        -0.3	<s> a	-0.1
        -0.4	a b	0
        -0.2	b </s>	0

        \3-grams:
        -0.1	<s> a b

        \end\
        """;

    [Fact]
    public void A_trigram_file_loads_and_keeps_zero_back_off_contexts_in_the_state()
    {
        CharLanguageModel lm = Load(Trigram);
        lm.Score(lm.BeginSentenceState, lm.GetTokenId("a"), out LmState s);
        Assert.Equal(2, s.Length);
        Assert.Equal(-0.1f, lm.Score(s, lm.GetTokenId("b"), out LmState t));
        // "a b" has back-off 0 and extends nothing, so the state drops it; "b" extends nothing either but carries a
        // back-off (−0.2), which the next token must pay, so the state keeps it (KenLM's HasExtension).
        Assert.Equal(1, t.Length);
        Assert.Equal(-0.2f + -0.6f, lm.Score(t, lm.GetTokenId("a"), out _));
    }

    private static CharLanguageModel Load(string text) => CharLanguageModel.LoadArpa(new StringReader(text));

    [Fact]
    public void A_small_valid_file_loads_and_backs_off()
    {
        CharLanguageModel lm = Load(Valid);
        Assert.Equal(2, lm.Order);
        int a = lm.GetTokenId("a");
        int b = lm.GetTokenId("b");
        Assert.Equal(-0.3f, lm.Score(lm.BeginSentenceState, a, out LmState s1));
        Assert.Equal(-0.4f, lm.Score(s1, b, out LmState s2));
        Assert.Equal(-0.2f, lm.Score(s2, lm.EndSentenceId, out _));
        // b after <s>: not listed, so back-off(<s>) + p(b).
        Assert.Equal(-0.5f + -0.8f, lm.Score(lm.BeginSentenceState, b, out _));
        Assert.Equal(-1.0f + -0.5f, lm.Score(lm.BeginSentenceState, lm.GetTokenId("zzz"), out LmState afterUnknown));
        Assert.Equal(0, afterUnknown.Length);
    }

    [Fact]
    public void A_missing_unk_is_added_with_log10_minus_100()
    {
        CharLanguageModel lm = Load(Valid.Replace("ngram 1=5", "ngram 1=4", StringComparison.Ordinal).Replace("-1.0\t<unk>\t0\n", "", StringComparison.Ordinal));
        Assert.Equal(-100f, lm.Score(lm.NullContextState, lm.UnknownId, out _));
    }

    public static TheoryData<string, string, int> Broken => new()
    {
        { "no header", "\\1-grams:\n-1 a\n", 0 },
        { "count mismatch (fewer lines)", Valid.Replace("ngram 2=3", "ngram 2=4", StringComparison.Ordinal), 17 },
        { "count mismatch (more lines)", Valid.Replace("ngram 2=3", "ngram 2=2", StringComparison.Ordinal), 15 },
        { "bad number", Valid.Replace("-0.4\ta b", "-0.x\ta b", StringComparison.Ordinal), 14 },
        { "NaN", Valid.Replace("-0.4\ta b", "NaN\ta b", StringComparison.Ordinal), 14 },
        { "positive log prob", Valid.Replace("-0.4\ta b", "0.4\ta b", StringComparison.Ordinal), 14 },
        { "unknown token", Valid.Replace("-0.4\ta b", "-0.4\ta c", StringComparison.Ordinal), 14 },
        { "missing context", Trigram.Replace("-0.1\t<s> a b", "-0.1\ta a b", StringComparison.Ordinal), 19 },
        { "missing suffix", Trigram.Replace("-0.1\t<s> a b", "-0.1\t<s> a </s>", StringComparison.Ordinal), 19 },
        { "duplicate n-gram", Valid.Replace("-0.2\tb </s>", "-0.2\ta b", StringComparison.Ordinal), 15 },
        { "duplicate unigram", Valid.Replace("-0.8\tb\t-0.2", "-0.8\ta\t-0.2", StringComparison.Ordinal), 10 },
        { "back-off at the highest order", Valid.Replace("-0.4\ta b", "-0.4\ta b\t-0.1", StringComparison.Ordinal), 14 },
        { "too few fields", Valid.Replace("-0.4\ta b", "-0.4\ta", StringComparison.Ordinal), 14 },
        { "missing </s>", Valid.Replace("</s>", "x", StringComparison.Ordinal), 0 },
        { "missing section", Valid.Replace("\\2-grams:", "\\3-grams:", StringComparison.Ordinal), 12 },
        { "missing end", Valid.Replace("\\end\\", "", StringComparison.Ordinal), 16 },
        { "order gap in header", Valid.Replace("ngram 2=3", "ngram 3=3", StringComparison.Ordinal), 3 },
        { "order above the limit", "\\data\\\n" + string.Concat(Enumerable.Range(1, 11).Select(n => $"ngram {n}=2\n")), 12 },
        { "malformed count", Valid.Replace("ngram 2=3", "ngram 2=three", StringComparison.Ordinal), 3 },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Malformed_files_fail_with_the_line(string what, string text, int line)
    {
        LmFormatException e = Assert.Throws<LmFormatException>(() => Load(text));
        Assert.Equal(line, e.LineNumber);
        Assert.False(string.IsNullOrWhiteSpace(e.Message), what);
    }

    [Fact]
    public void Scoring_rejects_foreign_token_ids_and_states()
    {
        CharLanguageModel lm = Load(Valid);
        Assert.Throws<ArgumentOutOfRangeException>(() => lm.Score(lm.NullContextState, lm.VocabularySize, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => lm.Score(lm.NullContextState, -1, out _));
        LmState foreign = TestData.Char6.Score(TestData.Char6.BeginSentenceState, 5, out LmState s) > 0 ? default : s;
        LmState deeper = foreign;
        for (int i = 0; i < 4; i++)
        {
            TestData.Char6.Score(deeper, 6, out deeper);
        }

        if (deeper.Length >= lm.Order)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => lm.Score(deeper, 1, out _));
        }
    }
}
