using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Candidates.Script;
using Nko.Candidates.Tests.Support;

namespace Nko.Candidates.Tests.Script;

public sealed class NkoScriptTests
{
    private static readonly char[] Known = [.. Enumerable.Range(NkoScript.FirstCodePoint, NkoScript.BlockSize).Select(c => (char)c), ' '];

    [Fact]
    public void Fixture_covers_the_block_and_the_space()
    {
        Assert.Equal(65, UnicodeFixture.Rows.Count);
        Assert.Equal(Known, UnicodeFixture.Rows.Select(r => r.Character));
    }

    [Fact]
    public void Names_match_the_unicode_character_database()
    {
        foreach ((char c, _, string name) in UnicodeFixture.Rows)
        {
            Assert.Equal(name, NkoScript.GetName(c));
        }
    }

    [Fact]
    public void Every_code_point_of_the_block_has_the_class_its_general_category_implies()
    {
        foreach ((char c, string category, _) in UnicodeFixture.Rows)
        {
            NkoCharClass expected = category switch
            {
                "Nd" => NkoCharClass.Digit,
                "Lo" when c <= '\u07D1' => NkoCharClass.Vowel,
                "Lo" => NkoCharClass.Consonant,
                "Mn" when c is >= '\u07EB' and <= '\u07F3' => NkoCharClass.ToneMark,
                "Mn" or "Lm" or "Po" or "So" or "Sc" => NkoCharClass.Punctuation,
                "Zs" => NkoCharClass.Space,
                "Cn" => NkoCharClass.Other,
                _ => throw new InvalidOperationException(category),
            };
            Assert.True(expected == NkoScript.GetClass(c), $"U+{(int)c:X4} {category}: expected {expected}, got {NkoScript.GetClass(c)}");
            Assert.Equal(category == "Mn", (NkoScript.GetFeatures(c) & NkoFeatures.Combining) != 0);
            Assert.Equal(category == "Nd", NkoScript.GetClass(c) == NkoCharClass.Digit);
        }
    }

    [Fact]
    public void Dotnet_agrees_on_the_general_categories()
    {
        foreach ((char c, string category, _) in UnicodeFixture.Rows)
        {
            UnicodeCategory dotnet = CharUnicodeInfo.GetUnicodeCategory(c);
            string abbreviation = dotnet switch
            {
                UnicodeCategory.DecimalDigitNumber => "Nd",
                UnicodeCategory.OtherLetter => "Lo",
                UnicodeCategory.NonSpacingMark => "Mn",
                UnicodeCategory.ModifierLetter => "Lm",
                UnicodeCategory.OtherPunctuation => "Po",
                UnicodeCategory.OtherSymbol => "So",
                UnicodeCategory.CurrencySymbol => "Sc",
                UnicodeCategory.SpaceSeparator => "Zs",
                UnicodeCategory.OtherNotAssigned => "Cn",
                _ => dotnet.ToString(),
            };
            Assert.Equal(category, abbreviation);
        }
    }

    [Fact]
    public void Block_lists_every_code_point_in_order()
    {
        Assert.Equal(NkoScript.BlockSize, NkoScript.Block.Length);
        for (int i = 0; i < NkoScript.BlockSize; i++)
        {
            NkoCharInfo info = NkoScript.Block[i];
            Assert.Equal((char)(NkoScript.FirstCodePoint + i), info.Character);
            Assert.True(NkoScript.TryGetInfo(info.Character, out NkoCharInfo again));
            Assert.Equal(info, again);
            Assert.Equal(info.Class, NkoScript.GetClass(info.Character));
            Assert.Equal(info.Features, NkoScript.GetFeatures(info.Character));
            Assert.True(NkoScript.IsInBlock(info.Character));
        }
    }

    [Fact]
    public void Class_counts_match_the_documented_inventory()
    {
        var counts = NkoScript.Block.GroupBy(i => i.Class).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(10, counts[NkoCharClass.Digit]);
        Assert.Equal(8, counts[NkoCharClass.Vowel]); // 7 vowels + DAGBASINNA
        Assert.Equal(25, counts[NkoCharClass.Consonant]); // N + BA..JONA RA
        Assert.Equal(9, counts[NkoCharClass.ToneMark]);
        Assert.Equal(10, counts[NkoCharClass.Punctuation]);
        Assert.Equal(2, counts[NkoCharClass.Other]);
    }

    [Theory]
    [InlineData(' ', NkoCharClass.Space)]
    [InlineData('a', NkoCharClass.Other)]
    [InlineData('\0', NkoCharClass.Other)]
    [InlineData('\u07BF', NkoCharClass.Other)]
    [InlineData('\u0800', NkoCharClass.Other)]
    [InlineData('\u07FB', NkoCharClass.Other)]
    [InlineData('\u07CA', NkoCharClass.Vowel)]
    [InlineData('\u07D1', NkoCharClass.Vowel)]
    [InlineData('\u07D2', NkoCharClass.Consonant)]
    [InlineData('\u07EB', NkoCharClass.ToneMark)]
    [InlineData('\u07F2', NkoCharClass.ToneMark)]
    [InlineData('\u07F3', NkoCharClass.ToneMark)]
    [InlineData('\u07F4', NkoCharClass.Punctuation)]
    [InlineData('\u07FD', NkoCharClass.Punctuation)]
    [InlineData('\u07C5', NkoCharClass.Digit)]
    public void GetClass_of_selected_characters(char c, NkoCharClass expected) => Assert.Equal(expected, NkoScript.GetClass(c));

    [Fact]
    public void Unknown_characters_have_no_info()
    {
        Assert.False(NkoScript.TryGetInfo('x', out NkoCharInfo info));
        Assert.Equal(default, info);
        Assert.Equal(string.Empty, NkoScript.GetName('x'));
        Assert.Equal(NkoFeatures.None, NkoScript.GetFeatures('x'));
        Assert.Equal("SPACE", NkoScript.GetName(' '));
    }

    [Theory]
    [InlineData('\u07CB', '\u07CD', NkoPairKind.VowelOpenness)] // EE / E
    [InlineData('\u07CF', '\u07D0', NkoPairKind.VowelOpenness)] // OO / O
    [InlineData('\u07CC', '\u07CB', NkoPairKind.VowelHeight)] // I / EE
    [InlineData('\u07CD', '\u07CA', NkoPairKind.VowelHeight)] // E / A
    [InlineData('\u07D0', '\u07CA', NkoPairKind.VowelHeight)] // O / A
    [InlineData('\u07D4', '\u07D3', NkoPairKind.Voicing)] // PA / BA
    [InlineData('\u07DC', '\u07DE', NkoPairKind.Voicing)] // GBA / KA
    [InlineData('\u07D5', '\u07D8', NkoPairKind.Voicing)] // TA / DA
    [InlineData('\u07E1', '\u07E3', NkoPairKind.Nasal)] // MA / NA
    [InlineData('\u07D2', '\u07E3', NkoPairKind.Nasal)] // N / NA
    [InlineData('\u07E3', '\u07E0', NkoPairKind.Nasal | NkoPairKind.Variant)] // NA / NA WOLOSO
    [InlineData('\u07D9', '\u07DF', NkoPairKind.Liquid)] // RA / LA
    [InlineData('\u07DA', '\u07D9', NkoPairKind.Liquid)] // RRA / RA
    [InlineData('\u07D6', '\u07DB', NkoPairKind.Place)] // JA / SA
    [InlineData('\u07E5', '\u07DD', NkoPairKind.Place)] // WA / FA
    [InlineData('\u07E2', '\u07E6', NkoPairKind.Variant)] // NYA / YA
    [InlineData('\u07EB', '\u07EC', NkoPairKind.ToneMark)]
    [InlineData('\u07EB', '\u07F2', NkoPairKind.ToneMark)]
    [InlineData('\u07CA', '\u07D3', NkoPairKind.None)] // A / BA
    [InlineData('\u07CA', '\u07CA', NkoPairKind.None)]
    [InlineData('\u07CA', ' ', NkoPairKind.None)]
    [InlineData('\u07CA', 'a', NkoPairKind.None)]
    public void Known_pairs(char a, char b, NkoPairKind expected)
    {
        Assert.Equal(expected, NkoScript.GetPairKind(a, b));
        Assert.Equal(expected, NkoScript.GetPairKind(b, a));
        Assert.Equal(expected != NkoPairKind.None, NkoScript.IsKnownConfusablePair(a, b));
    }

    [Fact]
    public void Pairs_are_symmetric_irreflexive_and_consistent_with_classes_and_features()
    {
        foreach (char a in Known)
        {
            Assert.Equal(NkoPairKind.None, NkoScript.GetPairKind(a, a));
            foreach (char b in Known)
            {
                NkoPairKind kind = NkoScript.GetPairKind(a, b);
                Assert.Equal(kind, NkoScript.GetPairKind(b, a));
                NkoCharInfo ia = Info(a), ib = Info(b);
                if ((kind & (NkoPairKind.VowelOpenness | NkoPairKind.VowelHeight)) != 0)
                {
                    Assert.True(ia.Class == NkoCharClass.Vowel && ib.Class == NkoCharClass.Vowel);
                }

                if ((kind & (NkoPairKind.Voicing | NkoPairKind.Place | NkoPairKind.Variant | NkoPairKind.Nasal | NkoPairKind.Liquid)) != 0)
                {
                    Assert.True(ia.Class == NkoCharClass.Consonant && ib.Class == NkoCharClass.Consonant);
                }

                if ((kind & NkoPairKind.Voicing) != 0)
                {
                    Assert.Equal(NkoFeatures.Voiced | NkoFeatures.Voiceless, (ia.Features | ib.Features) & (NkoFeatures.Voiced | NkoFeatures.Voiceless));
                }

                if ((kind & NkoPairKind.Nasal) != 0)
                {
                    Assert.True((ia.Features & ib.Features & NkoFeatures.Nasal) != 0);
                }

                if ((kind & NkoPairKind.Liquid) != 0)
                {
                    Assert.True((ia.Features & ib.Features & NkoFeatures.Liquid) != 0);
                }

                if ((kind & NkoPairKind.ToneMark) != 0)
                {
                    Assert.True(ia.Class == NkoCharClass.ToneMark && ib.Class == NkoCharClass.ToneMark);
                }

                bool bothNasal = a != b && (ia.Features & ib.Features & NkoFeatures.Nasal) != 0;
                Assert.Equal(bothNasal, (kind & NkoPairKind.Nasal) != 0);
                bool bothLiquid = a != b && (ia.Features & ib.Features & NkoFeatures.Liquid) != 0;
                Assert.Equal(bothLiquid, (kind & NkoPairKind.Liquid) != 0);
                bool bothMarks = a != b && ia.Class == NkoCharClass.ToneMark && ib.Class == NkoCharClass.ToneMark;
                Assert.Equal(bothMarks, (kind & NkoPairKind.ToneMark) != 0);
            }
        }
    }

    [Fact]
    public void Vowel_features_describe_height_and_backness()
    {
        NkoFeatures height = NkoFeatures.Close | NkoFeatures.CloseMid | NkoFeatures.OpenMid | NkoFeatures.Open;
        foreach (NkoCharInfo info in NkoScript.Block.Where(i => i.Class == NkoCharClass.Vowel && i.Character != '\u07D1'))
        {
            Assert.Equal(1, System.Numerics.BitOperations.PopCount((uint)(info.Features & height)));
            Assert.NotEqual(string.Empty, info.Latin);
        }

        Assert.Equal(NkoFeatures.NoVowel, NkoScript.GetFeatures('\u07D1'));
    }

    [Fact]
    public void Relation_reports_classes_and_flags()
    {
        NkoCharRelation r = NkoScript.GetRelation('\u07CB', '\u07CD');
        Assert.True(r.SameClass);
        Assert.True(r.BothVowels);
        Assert.True(r.IsKnownPair);
        Assert.False(r.InvolvesSpace);
        Assert.False(r.InvolvesToneMark);

        NkoCharRelation s = NkoScript.GetRelation(' ', '\u07EB');
        Assert.True(s.InvolvesSpace);
        Assert.True(s.InvolvesToneMark);
        Assert.False(s.SameClass);
        Assert.False(s.IsKnownPair);

        Assert.False(NkoScript.GetRelation('x', 'y').SameClass); // Other is never "the same class"
        Assert.True(NkoScript.GetRelation('\u07D3', '\u07DE').BothConsonants);
    }

    [Property(MaxTest = 2000)]
    public void Relation_is_symmetric_for_any_characters(char a, char b)
    {
        NkoCharRelation ab = NkoScript.GetRelation(a, b), ba = NkoScript.GetRelation(b, a);
        Assert.Equal(ab.Pair, ba.Pair);
        Assert.Equal(ab.FirstClass, ba.SecondClass);
        Assert.Equal(ab.SameClass, ba.SameClass);
        Assert.Equal(ab.InvolvesSpace, ba.InvolvesSpace);
        Assert.Equal(ab.InvolvesToneMark, ba.InvolvesToneMark);
    }

    [Property(MaxTest = 2000)]
    public Property Relation_is_symmetric_inside_the_block() =>
        Prop.ForAll(
            Gen.Elements(Known).Two().ToArbitrary(),
            t => NkoScript.GetPairKind(t.Item1, t.Item2) == NkoScript.GetPairKind(t.Item2, t.Item1)
                 && NkoScript.GetRelation(t.Item1, t.Item2).SameClass == (NkoScript.GetClass(t.Item1) == NkoScript.GetClass(t.Item2) && NkoScript.GetClass(t.Item1) != NkoCharClass.Other));

    [Fact]
    public void Readme_documents_the_tables_generated_from_the_data()
    {
        string readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Nko.Candidates.README.md")).ReplaceLineEndings("\n");
        string characters = ScriptDocs.CharacterTable(), pairs = ScriptDocs.PairTable();
        if (!readme.Contains(characters, StringComparison.Ordinal) || !readme.Contains(pairs, StringComparison.Ordinal))
        {
            // Leave the current tables next to the test assembly so the README can be updated from them.
            string generated = Path.Combine(AppContext.BaseDirectory, "script-tables.generated.md");
            File.WriteAllText(generated, characters + "\n" + pairs);
            Assert.Fail($"src/Nko.Candidates/README.md is out of date with NkoScript; paste the tables from {generated}.");
        }
    }

    private static NkoCharInfo Info(char c) => NkoScript.TryGetInfo(c, out NkoCharInfo info) ? info : throw new InvalidOperationException();
}
