using System.Text;
using FsCheck.Xunit;
using Nko.Ctc;
using Nko.Ranker.Configuration;
using Nko.Ranker.Tests.Support;

namespace Nko.Ranker.Tests.Configuration;

/// <summary>Save → load → save is byte-identical, and loading restores every value exactly.</summary>
public sealed class RankerConfigRoundTripTests
{
    [Fact]
    public void The_fixture_file_is_in_canonical_form()
    {
        byte[] file = File.ReadAllBytes(TestData.Fixture(TestData.HandBuiltConfigName));
        Assert.Equal(file, RankerConfig.Load(TestData.Fixture(TestData.HandBuiltConfigName)).ToUtf8Json());
    }

    // The configs the repository ships load and save back to their own bytes: the JSON mapping writes what it reads.
    [Theory]
    [InlineData("models/candidate_ranker_v1.json")]
    [InlineData("models/nko-tts/ranker.json")]
    public void The_shipped_configs_are_in_canonical_form(string relative)
    {
        string path = Nko.Testing.RepositoryPaths.Combine(relative.Split('/'));
        Assert.Equal(File.ReadAllBytes(path), RankerConfig.Load(path).ToUtf8Json());
    }

    [Fact]
    public void Save_load_save_is_byte_identical_through_files_and_streams()
    {
        RankerConfig config = HandConfig.Config;
        byte[] first = config.ToUtf8Json();
        string path = Path.Combine(Path.GetTempPath(), $"nko-ranker-{Guid.NewGuid():N}.json");
        try
        {
            config.Save(path);
            Assert.Equal(first, File.ReadAllBytes(path));
            RankerConfig loaded = RankerConfig.Load(path);
            using var stream = new MemoryStream();
            loaded.Save(stream);
            Assert.Equal(first, stream.ToArray());
            stream.Position = 0;
            Assert.Equal(first, RankerConfig.Load(stream).ToUtf8Json());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Property(Arbitrary = [typeof(ConfigArbitraries)], MaxTest = 200)]
    public void Random_configs_round_trip_byte_for_byte_and_value_for_value(RankerConfig config)
    {
        byte[] first = config.ToUtf8Json();
        RankerConfig loaded = RankerConfig.Parse(first);
        Assert.Equal(first, loaded.ToUtf8Json());
        Assert.Equal(first, RankerConfig.Parse(Encoding.UTF8.GetString(first)).ToUtf8Json());

        Assert.Equal(config.Name, loaded.Name);
        Assert.Equal(config.Vocabulary, loaded.Vocabulary);
        Assert.Equal(config.Features.AsEnumerable(), loaded.Features.AsEnumerable());
        AssertBitwiseEqual(config.Means, loaded.Means);
        AssertBitwiseEqual(config.Stds, loaded.Stds);
        AssertBitwiseEqual(config.Weights, loaded.Weights);
        AssertBitwiseEqual([config.Bias], [loaded.Bias]);
        Assert.Equal(config.Modes.AsEnumerable(), loaded.Modes.AsEnumerable());
        Assert.Equal(config.DefaultMode, loaded.DefaultMode);
        Assert.Equal(config.Generator, loaded.Generator);
        Assert.Equal(config.MaxRounds, loaded.MaxRounds);
        Assert.Equal(config.Confusions.Substitutions.AsEnumerable(), loaded.Confusions.Substitutions.AsEnumerable());
        Assert.Equal(config.Confusions.Deletions.AsEnumerable(), loaded.Confusions.Deletions.AsEnumerable());
        Assert.Equal(config.Confusions.Insertions.AsEnumerable(), loaded.Confusions.Insertions.AsEnumerable());
        Assert.Equal(config.Confusions.HypothesisLabelCounts.AsEnumerable(), loaded.Confusions.HypothesisLabelCounts.AsEnumerable());
        Assert.Equal(config.Provenance with { DevModes = [] }, loaded.Provenance with { DevModes = [] });
        Assert.Equal(config.Provenance.DevModes.AsEnumerable(), loaded.Provenance.DevModes.AsEnumerable());
    }

    [Fact]
    public void NKo_text_is_written_unescaped_and_control_characters_escaped()
    {
        string json = Encoding.UTF8.GetString(TestData.HandBuiltConfig.ToUtf8Json());
        Assert.Contains("\"from\": \"\u07CD\"", json, StringComparison.Ordinal);
        // Every assigned N'Ko code point is written as itself; only the two unassigned ones (U+07FB, U+07FC) are escaped.
        Assert.Equal(["\\u07FB", "\\u07FC"], System.Text.RegularExpressions.Regex.Matches(json, @"\\u07[0-9A-F]{2}").Select(m => m.Value));
        Assert.EndsWith("}\n", json, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', json);

        RankerConfig withNotes = TestData.HandBuiltConfig.WithModes(TestData.HandBuiltConfig.Modes, "conservative", new RankerProvenance { Notes = "a\u0001\"b\"\\" });
        string notes = Encoding.UTF8.GetString(withNotes.ToUtf8Json());
        Assert.Contains("\"notes\": \"a\\u0001\\u0022b\\u0022\\\\\"", notes, StringComparison.Ordinal);
        Assert.Equal("a\u0001\"b\"\\", RankerConfig.Parse(notes).Provenance.Notes);
    }

    [Fact]
    public void A_custom_vocabulary_with_JSON_special_characters_round_trips()
    {
        CtcVocabulary vocabulary = CtcVocabulary.Create("\"\\/ab\u07CA", blankIndex: 6);
        var map = new Nko.Candidates.ConfusionMapBuilder().AddSubstitution(0, 1, 3).AddDeletion(2, 5).AddInsertion(5, -1, 2).AddHypothesisLabel(0, 9).Build(vocabulary);
        RankerConfig config = HandConfig.Config;
        var custom = new RankerConfig("custom", map, config.Features, config.Means, config.Stds, config.Weights, config.Bias, config.Modes, config.DefaultMode, config.Generator, config.MaxRounds);
        byte[] bytes = custom.ToUtf8Json();
        RankerConfig loaded = RankerConfig.Parse(bytes);
        Assert.Equal(vocabulary, loaded.Vocabulary);
        Assert.Equal(6, loaded.Vocabulary.BlankIndex);
        Assert.Equal(bytes, loaded.ToUtf8Json());
    }

    [Fact]
    public void A_UTF8_byte_order_mark_is_accepted()
    {
        byte[] canonical = TestData.HandBuiltConfig.ToUtf8Json();
        byte[] withBom = [0xEF, 0xBB, 0xBF, .. canonical];
        Assert.Equal(canonical, RankerConfig.Parse(withBom).ToUtf8Json());
        Assert.Equal(canonical, RankerConfig.Load(new MemoryStream(withBom)).ToUtf8Json());
    }

    [Fact]
    public void Absent_optional_fields_stay_absent()
    {
        string json = Encoding.UTF8.GetString(HandConfig.Config.ToUtf8Json());
        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        Assert.DoesNotContain("dev_modes", json, StringComparison.Ordinal);
        Assert.DoesNotContain("shortlist", json, StringComparison.Ordinal);
        Assert.Null(HandConfig.Config.Generator.Shortlist);
        RankerConfig noProvenance = RankerConfig.Parse(ConfigJson.Mutated(r => r.Remove("provenance")));
        Assert.Null(noProvenance.Provenance.Description);
        Assert.Empty(noProvenance.Provenance.DevModes);
    }

    [Fact]
    public void A_shortlist_round_trips()
    {
        RankerConfig config = RankerConfig.Parse(ConfigJson.Mutated(r => r["generator"]!["shortlist"] = 40));
        Assert.Equal(40, config.Generator.Shortlist);
        string json = Encoding.UTF8.GetString(config.ToUtf8Json());
        Assert.Contains("\"shortlist\": 40", json, StringComparison.Ordinal);
        Assert.Equal(json, Encoding.UTF8.GetString(RankerConfig.Parse(json).ToUtf8Json()));
    }

    private static void AssertBitwiseEqual(IEnumerable<double> expected, IEnumerable<double> actual) =>
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
}
