namespace Nko.Candidates.Script;

/// <summary>The class of a character of the N'Ko block (U+07C0..U+07FF) or of the space, as the ranker's features see it.</summary>
/// <remarks>
/// Derived from the Unicode character names and general categories; see the package README for the full table.
/// <see cref="NkoScript.GetClass(char)"/> returns <see cref="Other"/> for every character it does not know.
/// </remarks>
public enum NkoCharClass : byte
{
    /// <summary>Not an N'Ko character of a known class: unassigned code points of the block (U+07FB, U+07FC) and every character outside it except the space.</summary>
    Other = 0,

    /// <summary>
    /// A vowel letter: A, EE, I, E, U, OO, O (U+07CA..U+07D0), and DAGBASINNA (U+07D1), the sign that marks the absence
    /// of a vowel between two consonants (it fills a vowel slot; <see cref="NkoFeatures.NoVowel"/> sets it apart).
    /// </summary>
    Vowel = 1,

    /// <summary>
    /// A consonant letter: BA..JONA RA (U+07D3..U+07EA), and the syllabic nasal N (U+07D2), which Unicode counts as
    /// neither vowel nor consonant and which carries <see cref="NkoFeatures.Nasal"/> | <see cref="NkoFeatures.Syllabic"/> here.
    /// </summary>
    Consonant = 2,

    /// <summary>An N'Ko digit, DIGIT ZERO..DIGIT NINE (U+07C0..U+07C9).</summary>
    Digit = 3,

    /// <summary>
    /// A combining diacritic written over a letter, U+07EB..U+07F3: the seven tone marks, the nasalization mark and the
    /// double dot above (which marks loan-word sounds). The recogniser's spurious tone marks are of this class.
    /// </summary>
    ToneMark = 4,

    /// <summary>
    /// Punctuation and every other sign of the block: the high/low tone apostrophes (U+07F4, U+07F5), the symbols
    /// OO DENNEN and GBAKURUNEN, COMMA, EXCLAMATION MARK, LAJANYALAN (U+07FA), the combining abbreviation mark
    /// DANTAYALAN (U+07FD) and the currency signs DOROME and TAMAN (U+07FE, U+07FF).
    /// </summary>
    Punctuation = 5,

    /// <summary>The word separator, ASCII space U+0020 (the only space of the N'Ko CTC vocabularies).</summary>
    Space = 6,
}
