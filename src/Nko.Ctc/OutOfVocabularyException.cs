using System.Globalization;

namespace Nko.Ctc;

/// <summary>Thrown when text contains a character that is not a class of the vocabulary.</summary>
public sealed class OutOfVocabularyException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="character"/> found at <paramref name="position"/>.</summary>
    public OutOfVocabularyException(char character, int position)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"Character '{Printable(character)}' (U+{(int)character:X4}) at position {position} is not in the vocabulary. Remove it, or encode with TextNormalization.DropUnknown to drop such characters."))
    {
        Character = character;
        Position = position;
    }

    /// <summary>The offending character.</summary>
    public char Character { get; }

    /// <summary>Its Unicode code point.</summary>
    public int CodePoint => Character;

    /// <summary>Its index in the text (UTF-16 units).</summary>
    public int Position { get; }

    private static string Printable(char c) => char.IsControl(c) || char.IsSurrogate(c) ? "?" : c.ToString();
}
