using System.Text;

namespace Nko.Lm;

/// <summary>
/// The token convention of Nko's character language models (<c>data/lm-fixtures/README.md</c>): one token per
/// character, the word separator token <c>|</c> between words, no <c>|</c> at either end.
/// </summary>
/// <remarks>
/// Precisely: every UTF-16 code unit that is not white space (<see cref="char.IsWhiteSpace(char)"/>) is one token, its
/// own one-character string; leading and trailing white space is dropped; every run of white space between two
/// characters (one space, several, tabs) becomes one <c>|</c>. A literal <c>|</c> in the text is the token <c>|</c>
/// too, so it reads as a word separator. <see cref="CharLanguageModel.ScoreSentence(ReadOnlySpan{char}, bool, bool)"/>
/// and <see cref="Training.KneserNeyTrainer"/> apply this same convention.
/// </remarks>
public static class CharTokens
{
    /// <summary>The word separator token: <c>|</c>.</summary>
    public const string WordSeparator = "|";

    /// <summary>The tokens of <paramref name="text"/> under the convention above.</summary>
    public static string[] Tokenize(ReadOnlySpan<char> text)
    {
        var tokens = new List<string>(text.Length);
        foreach (int token in new CharTokenEnumerator(text))
        {
            tokens.Add(token == CharTokenEnumerator.Separator ? WordSeparator : ((char)token).ToString());
        }

        return [.. tokens];
    }

    /// <summary>
    /// The tokens of <paramref name="text"/> joined by single spaces: the line KenLM's <c>lmplz</c> and <c>query</c>
    /// read (for example <c>ߓߐߐ ߓߋߟߌ</c> → <c>ߓ ߐ ߐ | ߓ ߋ ߟ ߌ</c>).
    /// </summary>
    public static string ToTokenLine(ReadOnlySpan<char> text)
    {
        var line = new StringBuilder(text.Length * 2);
        foreach (int token in new CharTokenEnumerator(text))
        {
            if (line.Length > 0)
            {
                line.Append(' ');
            }

            if (token == CharTokenEnumerator.Separator)
            {
                line.Append(WordSeparator);
            }
            else
            {
                line.Append((char)token);
            }
        }

        return line.ToString();
    }
}
