using System.Text;
using Nko.Ranker.Configuration;
using Nko.Ranker.Tests.Support;

namespace Nko.Ranker.Tests.Configuration;

public class ProvenanceFieldsTests
{
    [Fact]
    public void Tool_version_options_and_the_rows_hash_round_trip()
    {
        RankerConfig c = TestData.HandBuiltConfig;
        RankerConfig withFields = c.WithModes(c.Modes, c.DefaultMode, c.Provenance with
        {
            ToolVersion = "nko 0.1.0+abc", Options = "blank=first max_candidates=96", TrainRowsSha256 = new string('0', 63) + "f",
        });
        RankerConfig loaded = RankerConfig.Load(new MemoryStream(withFields.ToUtf8Json()));
        Assert.Equal("nko 0.1.0+abc", loaded.Provenance.ToolVersion);
        Assert.Equal("blank=first max_candidates=96", loaded.Provenance.Options);
        Assert.Equal(new string('0', 63) + "f", loaded.Provenance.TrainRowsSha256);
        Assert.Equal(withFields.ToUtf8Json(), loaded.ToUtf8Json());
    }

    [Fact]
    public void A_malformed_rows_hash_names_its_path()
    {
        RankerConfig c = TestData.HandBuiltConfig;
        string json = Encoding.UTF8.GetString(c.WithModes(c.Modes, c.DefaultMode, c.Provenance with { TrainRowsSha256 = new string('a', 64) }).ToUtf8Json())
            .Replace(new string('a', 64), "ABC", StringComparison.Ordinal);
        var e = Assert.Throws<RankerConfigException>(() => RankerConfig.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        Assert.Contains("$.provenance.train_rows_sha256", e.Message, StringComparison.Ordinal);
    }
}
