using Nko.Ranker.Configuration;
using Nko.Testing;

namespace Nko.Models.NkoTts.Tests;

/// <summary>
/// <see cref="RankerConfig.LoadWithReferences"/> on the shipped <c>models/nko-tts/ranker.json</c>: equal to the file
/// load, and clear errors when its JSON, its language model or the language model's bytes are wrong.
/// </summary>
public sealed class ShippedConfigStreamTests
{
    private static readonly byte[] ConfigBytes = File.ReadAllBytes(RepositoryPaths.Combine("models", "nko-tts", "ranker.json"));
    private static readonly byte[] LmBytes = File.ReadAllBytes(RepositoryPaths.Combine("models", "nko-tts", "ranker.nkolm"));

    private static RankerConfig Load(byte[] config, Func<string, Stream?> open)
    {
        using var stream = new MemoryStream(config);
        return RankerConfig.LoadWithReferences(stream, open);
    }

    [Fact]
    public void Streams_and_files_give_the_same_config()
    {
        RankerConfig fromStreams = Load(ConfigBytes, p => p == "ranker.nkolm" ? new MemoryStream(LmBytes) : null);
        Assert.Equal(RankerConfig.Load(RepositoryPaths.Combine("models", "nko-tts", "ranker.json")).ToUtf8Json(), fromStreams.ToUtf8Json());
        Assert.Equal(ConfigBytes, fromStreams.ToUtf8Json());
    }

    [Fact]
    public void Truncated_json_names_where_it_broke()
    {
        var e = Assert.Throws<RankerConfigException>(() => Load(ConfigBytes[..(ConfigBytes.Length / 2)], _ => new MemoryStream(LmBytes)));
        Assert.Contains("line", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_language_model_names_the_reference()
    {
        var e = Assert.Throws<RankerConfigException>(() => Load(ConfigBytes, _ => null));
        Assert.Equal("$.language_model.path", e.JsonPath);
        Assert.Contains("'ranker.nkolm' was not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_language_model_fails_the_recorded_checksum()
    {
        byte[] changed = [.. LmBytes];
        changed[changed.Length / 2] ^= 0x40;
        var e = Assert.Throws<RankerConfigException>(() => Load(ConfigBytes, _ => new MemoryStream(changed)));
        Assert.Equal("$.language_model.sha256", e.JsonPath);
        Assert.Contains(NkoTtsBundle.Config.LanguageModelReference!.Sha256, e.Message, StringComparison.Ordinal);
    }
}
