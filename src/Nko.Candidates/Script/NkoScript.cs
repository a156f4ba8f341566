using System.Collections.Immutable;

namespace Nko.Candidates.Script;

/// <summary>
/// N'Ko script knowledge as data: the class, features, Unicode name and Latin transcription of every code point of the
/// N'Ko block (U+07C0..U+07FF) and of the space, and the known confusable pairs between them.
/// </summary>
/// <remarks>
/// All lookups are O(1) table reads, allocation-free and thread-safe. Characters outside the block (other than the
/// space) are <see cref="NkoCharClass.Other"/> with no features, no name and no pairs. The package README documents
/// the full table.
/// </remarks>
public static class NkoScript
{
    /// <summary>The first code point of the N'Ko block, NKO DIGIT ZERO.</summary>
    public const char FirstCodePoint = '\u07C0';

    /// <summary>The last code point of the N'Ko block, NKO TAMAN SIGN.</summary>
    public const char LastCodePoint = '\u07FF';

    /// <summary>The word separator of the N'Ko CTC vocabularies, ASCII space.</summary>
    public const char Space = ' ';

    /// <summary>Number of code points in the block (64).</summary>
    public const int BlockSize = LastCodePoint - FirstCodePoint + 1;

    private static readonly NkoCharInfo SpaceInfo = new(Space, "SPACE", NkoCharClass.Space, NkoFeatures.None, " ");

    private static readonly NkoCharInfo[] Table = BuildTable();

    // [a * BlockSize + b] for a, b offsets in the block; symmetric, zero on the diagonal.
    private static readonly NkoPairKind[] Pairs = BuildPairs();

    /// <summary>Every code point of the block, U+07C0..U+07FF in order (unassigned ones have class <see cref="NkoCharClass.Other"/> and an empty name).</summary>
    public static ImmutableArray<NkoCharInfo> Block { get; } = [.. Table];

    /// <summary>Whether <paramref name="c"/> is in the N'Ko block U+07C0..U+07FF.</summary>
    public static bool IsInBlock(char c) => (uint)(c - FirstCodePoint) < BlockSize;

    /// <summary>Returns the class of <paramref name="c"/>; <see cref="NkoCharClass.Other"/> for characters the table does not know.</summary>
    public static NkoCharClass GetClass(char c)
    {
        uint offset = (uint)(c - FirstCodePoint);
        if (offset < BlockSize)
        {
            return Table[offset].Class;
        }

        return c == Space ? NkoCharClass.Space : NkoCharClass.Other;
    }

    /// <summary>Returns the featural flags of <paramref name="c"/>; <see cref="NkoFeatures.None"/> for characters the table does not know.</summary>
    public static NkoFeatures GetFeatures(char c)
    {
        uint offset = (uint)(c - FirstCodePoint);
        return offset < BlockSize ? Table[offset].Features : NkoFeatures.None;
    }

    /// <summary>Returns the Unicode name of <paramref name="c"/> (<c>SPACE</c> for U+0020); empty for unassigned or unknown characters.</summary>
    public static string GetName(char c) => TryGetInfo(c, out NkoCharInfo info) ? info.Name : string.Empty;

    /// <summary>Gets what the table knows about <paramref name="c"/>: any code point of the block, or the space.</summary>
    /// <returns><see langword="false"/> (and a default <paramref name="info"/>) for any other character.</returns>
    public static bool TryGetInfo(char c, out NkoCharInfo info)
    {
        uint offset = (uint)(c - FirstCodePoint);
        if (offset < BlockSize)
        {
            info = Table[offset];
            return true;
        }

        if (c == Space)
        {
            info = SpaceInfo;
            return true;
        }

        info = default;
        return false;
    }

    /// <summary>Why <paramref name="a"/> and <paramref name="b"/> are a known confusable pair; <see cref="NkoPairKind.None"/> if they are not, or are equal. Symmetric.</summary>
    public static NkoPairKind GetPairKind(char a, char b)
    {
        uint oa = (uint)(a - FirstCodePoint);
        uint ob = (uint)(b - FirstCodePoint);
        return oa < BlockSize && ob < BlockSize ? Pairs[(oa * BlockSize) + ob] : NkoPairKind.None;
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are a known confusable pair (of any <see cref="NkoPairKind"/>). Symmetric; false when they are equal.</summary>
    public static bool IsKnownConfusablePair(char a, char b) => GetPairKind(a, b) != NkoPairKind.None;

    /// <summary>Describes how <paramref name="a"/> relates to <paramref name="b"/>: both classes and the pair kind.</summary>
    public static NkoCharRelation GetRelation(char a, char b) => new(GetClass(a), GetClass(b), GetPairKind(a, b));

    private static NkoCharInfo[] BuildTable()
    {
        var t = new NkoCharInfo[BlockSize];
        string[] digits = ["ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"];
        for (int i = 0; i < 10; i++)
        {
            Set(t, (char)(FirstCodePoint + i), "NKO DIGIT " + digits[i], NkoCharClass.Digit, NkoFeatures.None, ((char)('0' + i)).ToString());
        }

        const NkoCharClass V = NkoCharClass.Vowel;
        const NkoCharClass C = NkoCharClass.Consonant;
        const NkoCharClass M = NkoCharClass.ToneMark;
        const NkoCharClass P = NkoCharClass.Punctuation;
        const NkoFeatures Front = NkoFeatures.Front;
        const NkoFeatures Back = NkoFeatures.Back;
        const NkoFeatures Voiced = NkoFeatures.Voiced;
        const NkoFeatures Voiceless = NkoFeatures.Voiceless;
        const NkoFeatures Nasal = NkoFeatures.Nasal;
        const NkoFeatures Liquid = NkoFeatures.Liquid;
        const NkoFeatures ToneMark = NkoFeatures.Tone | NkoFeatures.Combining;

        Set(t, '\u07CA', "NKO LETTER A", V, NkoFeatures.Open, "a");
        Set(t, '\u07CB', "NKO LETTER EE", V, NkoFeatures.CloseMid | Front, "e");
        Set(t, '\u07CC', "NKO LETTER I", V, NkoFeatures.Close | Front, "i");
        Set(t, '\u07CD', "NKO LETTER E", V, NkoFeatures.OpenMid | Front, "ɛ");
        Set(t, '\u07CE', "NKO LETTER U", V, NkoFeatures.Close | Back, "u");
        Set(t, '\u07CF', "NKO LETTER OO", V, NkoFeatures.CloseMid | Back, "o");
        Set(t, '\u07D0', "NKO LETTER O", V, NkoFeatures.OpenMid | Back, "ɔ");
        Set(t, '\u07D1', "NKO LETTER DAGBASINNA", V, NkoFeatures.NoVowel, string.Empty);
        Set(t, '\u07D2', "NKO LETTER N", C, Nasal | NkoFeatures.Syllabic, "n");
        Set(t, '\u07D3', "NKO LETTER BA", C, Voiced, "b");
        Set(t, '\u07D4', "NKO LETTER PA", C, Voiceless, "p");
        Set(t, '\u07D5', "NKO LETTER TA", C, Voiceless, "t");
        Set(t, '\u07D6', "NKO LETTER JA", C, Voiced, "j");
        Set(t, '\u07D7', "NKO LETTER CHA", C, Voiceless, "c");
        Set(t, '\u07D8', "NKO LETTER DA", C, Voiced, "d");
        Set(t, '\u07D9', "NKO LETTER RA", C, Liquid, "r");
        Set(t, '\u07DA', "NKO LETTER RRA", C, Liquid, "rr");
        Set(t, '\u07DB', "NKO LETTER SA", C, Voiceless, "s");
        Set(t, '\u07DC', "NKO LETTER GBA", C, Voiced, "g");
        Set(t, '\u07DD', "NKO LETTER FA", C, Voiceless, "f");
        Set(t, '\u07DE', "NKO LETTER KA", C, Voiceless, "k");
        Set(t, '\u07DF', "NKO LETTER LA", C, Liquid, "l");
        Set(t, '\u07E0', "NKO LETTER NA WOLOSO", C, Nasal, "n");
        Set(t, '\u07E1', "NKO LETTER MA", C, Nasal, "m");
        Set(t, '\u07E2', "NKO LETTER NYA", C, Nasal, "ɲ");
        Set(t, '\u07E3', "NKO LETTER NA", C, Nasal, "n");
        Set(t, '\u07E4', "NKO LETTER HA", C, Voiceless, "h");
        Set(t, '\u07E5', "NKO LETTER WA", C, NkoFeatures.Glide, "w");
        Set(t, '\u07E6', "NKO LETTER YA", C, NkoFeatures.Glide, "y");
        Set(t, '\u07E7', "NKO LETTER NYA WOLOSO", C, Nasal, "ɲ");
        Set(t, '\u07E8', "NKO LETTER JONA JA", C, Voiced | NkoFeatures.Archaic, "j");
        Set(t, '\u07E9', "NKO LETTER JONA CHA", C, Voiceless | NkoFeatures.Archaic, "c");
        Set(t, '\u07EA', "NKO LETTER JONA RA", C, Liquid | NkoFeatures.Archaic, "r");
        Set(t, '\u07EB', "NKO COMBINING SHORT HIGH TONE", M, ToneMark, string.Empty);
        Set(t, '\u07EC', "NKO COMBINING SHORT LOW TONE", M, ToneMark, string.Empty);
        Set(t, '\u07ED', "NKO COMBINING SHORT RISING TONE", M, ToneMark, string.Empty);
        Set(t, '\u07EE', "NKO COMBINING LONG DESCENDING TONE", M, ToneMark, string.Empty);
        Set(t, '\u07EF', "NKO COMBINING LONG HIGH TONE", M, ToneMark, string.Empty);
        Set(t, '\u07F0', "NKO COMBINING LONG LOW TONE", M, ToneMark, string.Empty);
        Set(t, '\u07F1', "NKO COMBINING LONG RISING TONE", M, ToneMark, string.Empty);
        Set(t, '\u07F2', "NKO COMBINING NASALIZATION MARK", M, NkoFeatures.Nasalization | NkoFeatures.Combining, string.Empty);
        Set(t, '\u07F3', "NKO COMBINING DOUBLE DOT ABOVE", M, NkoFeatures.Combining, string.Empty);
        Set(t, '\u07F4', "NKO HIGH TONE APOSTROPHE", P, NkoFeatures.Tone, string.Empty);
        Set(t, '\u07F5', "NKO LOW TONE APOSTROPHE", P, NkoFeatures.Tone, string.Empty);
        Set(t, '\u07F6', "NKO SYMBOL OO DENNEN", P, NkoFeatures.None, string.Empty);
        Set(t, '\u07F7', "NKO SYMBOL GBAKURUNEN", P, NkoFeatures.None, string.Empty);
        Set(t, '\u07F8', "NKO COMMA", P, NkoFeatures.None, string.Empty);
        Set(t, '\u07F9', "NKO EXCLAMATION MARK", P, NkoFeatures.None, string.Empty);
        Set(t, '\u07FA', "NKO LAJANYALAN", P, NkoFeatures.None, string.Empty);
        Set(t, '\u07FB', string.Empty, NkoCharClass.Other, NkoFeatures.None, string.Empty);
        Set(t, '\u07FC', string.Empty, NkoCharClass.Other, NkoFeatures.None, string.Empty);
        Set(t, '\u07FD', "NKO DANTAYALAN", P, NkoFeatures.Combining, string.Empty);
        Set(t, '\u07FE', "NKO DOROME SIGN", P, NkoFeatures.Currency, string.Empty);
        Set(t, '\u07FF', "NKO TAMAN SIGN", P, NkoFeatures.Currency, string.Empty);
        return t;
    }

    private static void Set(NkoCharInfo[] table, char c, string name, NkoCharClass cls, NkoFeatures features, string latin) =>
        table[c - FirstCodePoint] = new NkoCharInfo(c, name, cls, features, latin);

    private static NkoPairKind[] BuildPairs()
    {
        var p = new NkoPairKind[BlockSize * BlockSize];

        // Vowels: A ߊ 07CA, EE ߋ 07CB (e), I ߌ 07CC, E ߍ 07CD (ɛ), U ߎ 07CE, OO ߏ 07CF (o), O ߐ 07D0 (ɔ).
        AddPair(p, NkoPairKind.VowelOpenness, '\u07CB', '\u07CD'); // e / ɛ
        AddPair(p, NkoPairKind.VowelOpenness, '\u07CF', '\u07D0'); // o / ɔ
        AddPair(p, NkoPairKind.VowelHeight, '\u07CC', '\u07CB'); // i / e
        AddPair(p, NkoPairKind.VowelHeight, '\u07CE', '\u07CF'); // u / o
        AddPair(p, NkoPairKind.VowelHeight, '\u07CD', '\u07CA'); // ɛ / a
        AddPair(p, NkoPairKind.VowelHeight, '\u07D0', '\u07CA'); // ɔ / a

        AddPair(p, NkoPairKind.Voicing, '\u07D3', '\u07D4'); // BA / PA
        AddPair(p, NkoPairKind.Voicing, '\u07D8', '\u07D5'); // DA / TA
        AddPair(p, NkoPairKind.Voicing, '\u07D6', '\u07D7'); // JA / CHA
        AddPair(p, NkoPairKind.Voicing, '\u07DC', '\u07DE'); // GBA / KA
        AddPair(p, NkoPairKind.Voicing, '\u07E8', '\u07E9'); // JONA JA / JONA CHA

        AddGroup(p, NkoPairKind.Nasal, "\u07D2\u07E1\u07E3\u07E2\u07E0\u07E7"); // N, MA, NA, NYA, NA WOLOSO, NYA WOLOSO
        AddGroup(p, NkoPairKind.Liquid, "\u07D9\u07DA\u07DF\u07EA"); // RA, RRA, LA, JONA RA

        AddPair(p, NkoPairKind.Place, '\u07D6', '\u07DB'); // JA / SA
        AddPair(p, NkoPairKind.Place, '\u07D7', '\u07DB'); // CHA / SA
        AddPair(p, NkoPairKind.Place, '\u07E5', '\u07DD'); // WA / FA
        AddPair(p, NkoPairKind.Place, '\u07D4', '\u07DD'); // PA / FA
        AddPair(p, NkoPairKind.Place, '\u07D3', '\u07DC'); // BA / GBA
        AddPair(p, NkoPairKind.Place, '\u07D8', '\u07D9'); // DA / RA

        AddPair(p, NkoPairKind.Variant, '\u07DF', '\u07E3'); // LA / NA
        AddPair(p, NkoPairKind.Variant, '\u07DF', '\u07E0'); // LA / NA WOLOSO
        AddPair(p, NkoPairKind.Variant, '\u07E6', '\u07E2'); // YA / NYA
        AddPair(p, NkoPairKind.Variant, '\u07E6', '\u07E7'); // YA / NYA WOLOSO
        AddPair(p, NkoPairKind.Variant, '\u07D3', '\u07E1'); // BA / MA
        AddPair(p, NkoPairKind.Variant, '\u07E3', '\u07E0'); // NA / NA WOLOSO
        AddPair(p, NkoPairKind.Variant, '\u07E2', '\u07E7'); // NYA / NYA WOLOSO
        AddPair(p, NkoPairKind.Variant, '\u07D6', '\u07E8'); // JA / JONA JA
        AddPair(p, NkoPairKind.Variant, '\u07D7', '\u07E9'); // CHA / JONA CHA
        AddPair(p, NkoPairKind.Variant, '\u07D9', '\u07EA'); // RA / JONA RA

        AddGroup(p, NkoPairKind.ToneMark, "\u07EB\u07EC\u07ED\u07EE\u07EF\u07F0\u07F1\u07F2\u07F3");
        return p;
    }

    private static void AddGroup(NkoPairKind[] table, NkoPairKind kind, string members)
    {
        for (int i = 0; i < members.Length; i++)
        {
            for (int j = i + 1; j < members.Length; j++)
            {
                AddPair(table, kind, members[i], members[j]);
            }
        }
    }

    private static void AddPair(NkoPairKind[] table, NkoPairKind kind, char a, char b)
    {
        int oa = a - FirstCodePoint;
        int ob = b - FirstCodePoint;
        table[(oa * BlockSize) + ob] |= kind;
        table[(ob * BlockSize) + oa] |= kind;
    }
}
