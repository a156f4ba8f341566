namespace Nko.Candidates.Script;

/// <summary>
/// Why two different characters are a known confusable pair (flags; a pair can have several reasons). Symmetric:
/// the kind of (a, b) is the kind of (b, a). A character is never a pair with itself.
/// </summary>
/// <remarks>The pairs of every kind are listed in the package README.</remarks>
[Flags]
public enum NkoPairKind
{
    /// <summary>Not a known pair.</summary>
    None = 0,

    /// <summary>Mid vowels that differ only in openness: EE/E (e/ɛ) and OO/O (o/ɔ).</summary>
    VowelOpenness = 1 << 0,

    /// <summary>Vowels one height step apart on the same side: I/EE (i/e), U/OO (u/o), E/A (ɛ/a), O/A (ɔ/a).</summary>
    VowelHeight = 1 << 1,

    /// <summary>Obstruents that differ only in voicing: BA/PA, DA/TA, JA/CHA, GBA/KA (g/k), JONA JA/JONA CHA.</summary>
    Voicing = 1 << 2,

    /// <summary>Two different nasal consonants (any two of N, MA, NA, NYA, NA WOLOSO, NYA WOLOSO).</summary>
    Nasal = 1 << 3,

    /// <summary>Two different liquids (any two of RA, RRA, LA, JONA RA).</summary>
    Liquid = 1 << 4,

    /// <summary>
    /// Consonants at the same place of articulation with a different manner: JA/SA, CHA/SA, WA/FA, PA/FA, BA/GBA, DA/RA.
    /// </summary>
    Place = 1 << 5,

    /// <summary>
    /// An oral consonant and the nasal it becomes after a nasal (Manding nasal assimilation), or a letter and its
    /// variant form: LA/NA, LA/NA WOLOSO, YA/NYA, YA/NYA WOLOSO, BA/MA, NA/NA WOLOSO, NYA/NYA WOLOSO, JA/JONA JA,
    /// CHA/JONA CHA, RA/JONA RA.
    /// </summary>
    Variant = 1 << 6,

    /// <summary>Two different combining marks of U+07EB..U+07F3 (tones, nasalization, double dot above).</summary>
    ToneMark = 1 << 7,
}
