namespace Nko.Lm.Tests;

/// <summary>Scores of char6.arpa against KenLM's own on the 60 fixture lines (refs and hypotheses with unknown characters).</summary>
public sealed class KenLmParityTests
{
    private const double TokenTolerance = 1e-5;
    private const double SentenceTolerance = 1e-4;

    [Fact]
    public void Loads_the_fixture_counts()
    {
        CharLanguageModel lm = TestData.Char6;
        Assert.Equal(6, lm.Order);
        Assert.Equal([31L, 394, 2093, 5653, 10512, 15018], lm.NgramCounts);
        Assert.Equal(31, lm.VocabularySize);
        Assert.Equal(0, lm.GetTokenId("<unk>"));
        Assert.Equal(lm.GetTokenId("|"), lm.GetTokenId(' '));
        Assert.Equal(lm.WordSeparatorId, lm.GetTokenId('|'));
    }

    [Fact]
    public void Every_token_score_and_ngram_length_match_full_scores()
    {
        CharLanguageModel lm = TestData.Char6;
        double worst = 0;
        foreach (KenLmLine line in TestData.KenLmLines)
        {
            string[] tokens = line.TokenStrings;
            Assert.Equal(tokens.Length + 1, line.FullScores.Length);
            LmState state = lm.BeginSentenceState;
            for (int i = 0; i <= tokens.Length; i++)
            {
                int id = i < tokens.Length ? lm.GetTokenId(tokens[i]) : lm.EndSentenceId;
                float score = lm.Score(state, id, out state, out int length);
                (double expected, int expectedLength, bool oov) = line.FullScores[i];
                worst = Math.Max(worst, Math.Abs(score - expected));
                Assert.True(Math.Abs(score - expected) <= TokenTolerance, $"{line.Kind} {line.Index} token {i}: {score} vs KenLM {expected}");
                Assert.Equal(expectedLength, length);
                Assert.Equal(oov, id == lm.UnknownId);
            }
        }

        // The fixture rounds to 7 decimals; float32 sums in KenLM's order leave only that rounding.
        Assert.True(worst <= 5.1e-8, $"max per-token difference {worst}");
    }

    [Fact]
    public void Sentence_scores_match_all_three_variants()
    {
        CharLanguageModel lm = TestData.Char6;
        double worst = 0;
        foreach (KenLmLine line in TestData.KenLmLines)
        {
            int[] ids = [.. line.TokenStrings.Select(lm.GetTokenId)];
            (double Mine, double KenLm)[] pairs =
            [
                (lm.ScoreTokens(ids, bos: true, eos: true), line.BosEos),
                (lm.ScoreTokens(ids, bos: true, eos: false), line.Bos),
                (lm.ScoreTokens(ids, bos: false, eos: false), line.None),
                (lm.ScoreSentence(line.Text, bos: true, eos: true), line.BosEos),
                (lm.ScoreSentence(line.Text, bos: true, eos: false), line.Bos),
                (lm.ScoreSentence(line.Text, bos: false, eos: false), line.None),
            ];
            foreach ((double mine, double kenlm) in pairs)
            {
                worst = Math.Max(worst, Math.Abs(mine - kenlm));
                Assert.True(Math.Abs(mine - kenlm) <= SentenceTolerance, $"{line.Kind} {line.Index}: {mine} vs KenLM {kenlm}");
            }
        }

        // KenLM's Python module sums in float32 too: the totals are the same floats.
        Assert.Equal(0, worst);
    }

    [Fact]
    public void Text_tokenization_matches_the_fixture_tokens()
    {
        CharLanguageModel lm = TestData.Char6;
        foreach (KenLmLine line in TestData.KenLmLines)
        {
            Assert.Equal(line.TokenStrings, CharTokens.Tokenize(line.Text));
            Assert.Equal(string.Join(' ', line.TokenStrings), CharTokens.ToTokenLine(line.Text));
            Assert.Equal(line.TokenStrings.Select(lm.GetTokenId), lm.Encode(line.Text));
        }
    }

    [Fact]
    public void After_an_unknown_token_the_state_is_empty()
    {
        CharLanguageModel lm = TestData.Char6;
        LmState state = lm.BeginSentenceState;
        lm.Score(state, lm.GetTokenId('ߖ'), out state);
        lm.Score(state, lm.GetTokenId('ߌ'), out state);
        float unknown = lm.Score(state, lm.UnknownId, out LmState after, out int length);
        Assert.Equal(1, length);
        Assert.True(unknown < -2.4341283f, "an unknown token pays the back-offs it falls through");
        Assert.Equal(lm.NullContextState, after);
        Assert.Equal(0, after.Length);
    }

    [Fact]
    public void White_space_is_collapsed_and_trimmed()
    {
        CharLanguageModel lm = TestData.Char6;
        Assert.Equal(lm.ScoreSentence("ߓߐߐ ߓߋߟߌ"), lm.ScoreSentence("  ߓߐߐ \t  ߓߋߟߌ "));
        Assert.Equal(["ߓ", "ߐ", "|", "ߓ"], CharTokens.Tokenize(" ߓߐ  ߓ "));
        Assert.Equal(lm.ScoreTokens([]), lm.ScoreSentence("   "));
    }

    [Fact]
    public void Natural_log_helpers_scale_by_ln10()
    {
        CharLanguageModel lm = TestData.Char6;
        int id = lm.GetTokenId('ߓ');
        float log10 = lm.Score(lm.BeginSentenceState, id, out LmState a);
        double ln = lm.ScoreLn(lm.BeginSentenceState, id, out LmState b);
        Assert.Equal(a, b);
        Assert.Equal(log10 * Math.Log(10), ln, 12);
        Assert.Equal(ln, CharLanguageModel.ToNaturalLog(log10), 12);
    }
}
