namespace Nko.Candidates.Script;

/// <summary>Featural facts about one N'Ko character (flags), for ranker features. See the package README for the table.</summary>
[Flags]
public enum NkoFeatures
{
    /// <summary>No feature.</summary>
    None = 0,

    /// <summary>A nasal consonant: N, MA, NA, NYA, NA WOLOSO, NYA WOLOSO.</summary>
    Nasal = 1 << 0,

    /// <summary>A liquid consonant: RA, RRA, LA, JONA RA.</summary>
    Liquid = 1 << 1,

    /// <summary>A glide (semivowel): WA, YA.</summary>
    Glide = 1 << 2,

    /// <summary>A voiced obstruent: BA, JA, DA, GBA, JONA JA.</summary>
    Voiced = 1 << 3,

    /// <summary>A voiceless obstruent: PA, TA, CHA, SA, FA, KA, HA, JONA CHA.</summary>
    Voiceless = 1 << 4,

    /// <summary>A consonant that forms a syllable on its own: N (U+07D2).</summary>
    Syllabic = 1 << 5,

    /// <summary>An archaic letter form: JONA JA, JONA CHA, JONA RA (named OLD JA/CHA/RA in the first Unicode drafts).</summary>
    Archaic = 1 << 6,

    /// <summary>A close vowel: I, U.</summary>
    Close = 1 << 7,

    /// <summary>A close-mid vowel: EE (e), OO (o).</summary>
    CloseMid = 1 << 8,

    /// <summary>An open-mid vowel: E (ɛ), O (ɔ).</summary>
    OpenMid = 1 << 9,

    /// <summary>An open vowel: A.</summary>
    Open = 1 << 10,

    /// <summary>A front vowel: I, EE, E.</summary>
    Front = 1 << 11,

    /// <summary>A back (rounded) vowel: U, OO, O.</summary>
    Back = 1 << 12,

    /// <summary>DAGBASINNA: marks the absence of a vowel between two consonants.</summary>
    NoVowel = 1 << 13,

    /// <summary>Carries a tone: the seven combining tone marks (U+07EB..U+07F1) and the two tone apostrophes (U+07F4, U+07F5).</summary>
    Tone = 1 << 14,

    /// <summary>The combining nasalization mark (U+07F2).</summary>
    Nasalization = 1 << 15,

    /// <summary>A combining character (Unicode general category Mn): U+07EB..U+07F3 and DANTAYALAN (U+07FD).</summary>
    Combining = 1 << 16,

    /// <summary>A currency sign: DOROME, TAMAN.</summary>
    Currency = 1 << 17,
}
