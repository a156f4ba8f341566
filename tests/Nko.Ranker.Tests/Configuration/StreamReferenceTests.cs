using Nko.Ranker.Configuration;
using Nko.Ranker.Tests.Support;
using Nko.Testing;

namespace Nko.Ranker.Tests.Configuration;

/// <summary><see cref="RankerConfig.LoadWithReferences"/>: a config with its language model from streams, checked as from files.</summary>
public sealed class StreamReferenceTests
{
    private static string ShippedConfig => RepositoryPaths.Combine("models", "nko-tts", "ranker.json");

    [Fact]
    public void The_shipped_schema_3_config_from_streams_equals_the_file_load()
    {
        RankerConfig fromFile = RankerConfig.Load(ShippedConfig);
        string folder = Path.GetDirectoryName(ShippedConfig)!;
        var opened = new List<string>();
        using var config = File.OpenRead(ShippedConfig);
        RankerConfig fromStreams = RankerConfig.LoadWithReferences(config, path =>
        {
            opened.Add(path);
            return File.OpenRead(Path.Combine(folder, path));
        });
        Assert.Equal(["ranker.nkolm"], opened);
        Assert.Equal(3, fromStreams.Schema);
        Assert.Equal(fromFile.LanguageModelReference, fromStreams.LanguageModelReference);
        Assert.Equal(fromFile.ToUtf8Json(), fromStreams.ToUtf8Json());
        Assert.Equal(File.ReadAllBytes(ShippedConfig), fromStreams.ToUtf8Json());

        // The same model: every sentence scores the same, bit for bit.
        foreach (string sentence in new[] { "ߒ ߓߊ߬ ߕߊ߯ ߟߊ߫", "ߊ߬ ߦߋ߫ ߛߏ߫ ߞߊ߲߬", string.Empty })
        {
            Assert.Equal(fromFile.LanguageModel!.ScoreSentence(sentence), fromStreams.LanguageModel!.ScoreSentence(sentence));
        }
    }

    [Fact]
    public void A_schema_1_config_never_calls_the_opener()
    {
        using var stream = new MemoryStream(HandConfig.Config.ToUtf8Json());
        RankerConfig loaded = RankerConfig.LoadWithReferences(stream, _ => throw new InvalidOperationException("called"));
        Assert.Equal(HandConfig.Config.ToUtf8Json(), loaded.ToUtf8Json());
    }

    [Fact]
    public void A_schema_2_config_from_streams_round_trips_with_its_language_model()
    {
        string path = LmFixture.SaveToTemporaryFolder();
        using var stream = File.OpenRead(path);
        RankerConfig loaded = RankerConfig.LoadWithReferences(stream, p => p == "hand.nkolm" ? new MemoryStream(LmFixture.LmBytes()) : null);
        Assert.Equal(File.ReadAllBytes(path), loaded.ToUtf8Json());
        Assert.Equal(LmFixture.Lm.Order, loaded.LanguageModel!.Order);
    }

    [Fact]
    public void A_missing_reference_is_rejected_naming_its_path()
    {
        using var stream = File.OpenRead(LmFixture.SaveToTemporaryFolder());
        var e = Assert.Throws<RankerConfigException>(() => RankerConfig.LoadWithReferences(stream, _ => null));
        Assert.Equal("$.language_model.path", e.JsonPath);
        Assert.Contains("'hand.nkolm' was not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_reference_stream_is_rejected_with_its_cause()
    {
        using var stream = File.OpenRead(LmFixture.SaveToTemporaryFolder());
        var e = Assert.Throws<RankerConfigException>(() => RankerConfig.LoadWithReferences(stream, p => throw new FileNotFoundException("no such resource", p)));
        Assert.Equal("$.language_model.path", e.JsonPath);
        Assert.IsType<FileNotFoundException>(e.InnerException);
        Assert.Contains("no such resource", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Changed_reference_bytes_are_rejected_naming_the_hash()
    {
        byte[] bytes = LmFixture.LmBytes();
        bytes[^1] ^= 1;
        using var stream = File.OpenRead(LmFixture.SaveToTemporaryFolder());
        var e = Assert.Throws<RankerConfigException>(() => RankerConfig.LoadWithReferences(stream, _ => new MemoryStream(bytes)));
        Assert.Equal("$.language_model.sha256", e.JsonPath);
        Assert.Contains("SHA-256", e.Message, StringComparison.Ordinal);
        Assert.Contains("'hand.nkolm' (opened by the caller's function)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_json_is_rejected_before_any_reference_is_opened()
    {
        using var stream = new MemoryStream("{\"schema_version\": 3,"u8.ToArray());
        var e = Assert.Throws<RankerConfigException>(() => RankerConfig.LoadWithReferences(stream, _ => throw new InvalidOperationException("called")));
        Assert.StartsWith("$", e.JsonPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => RankerConfig.LoadWithReferences(null!, _ => null));
        Assert.Throws<ArgumentNullException>(() => RankerConfig.LoadWithReferences(new MemoryStream(), null!));
    }
}
