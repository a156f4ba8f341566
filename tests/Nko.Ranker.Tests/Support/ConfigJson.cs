using System.Text;
using System.Text.Json.Nodes;
using Nko.Ranker.Configuration;

namespace Nko.Ranker.Tests.Support;

/// <summary>Builds variants of the hand-built fixture config as JSON text, for validation tests.</summary>
internal static class ConfigJson
{
    /// <summary>The fixture's canonical JSON text.</summary>
    public static string FixtureText { get; } = File.ReadAllText(TestData.Fixture(TestData.HandBuiltConfigName), Encoding.UTF8);

    /// <summary>The fixture as a mutable JSON tree.</summary>
    public static JsonObject FixtureNode() => JsonNode.Parse(FixtureText)!.AsObject();

    /// <summary>The fixture after <paramref name="mutate"/>, as compact JSON text.</summary>
    public static string Mutated(Action<JsonObject> mutate)
    {
        JsonObject root = FixtureNode();
        mutate(root);
        return root.ToJsonString();
    }

    /// <summary>The fixture with the first occurrence of <paramref name="find"/> (in its canonical text) replaced.</summary>
    public static string Replaced(string find, string replacement)
    {
        int at = FixtureText.IndexOf(find, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidOperationException($"The fixture has no '{find}'.");
        }

        return string.Concat(FixtureText.AsSpan(0, at), replacement, FixtureText.AsSpan(at + find.Length));
    }

    /// <summary>Parses <paramref name="json"/> and returns the exception it must raise.</summary>
    public static RankerConfigException Reject(string json) => Assert.Throws<RankerConfigException>(() => RankerConfig.Parse(json));

    /// <summary>A JSON array node of the given strings.</summary>
    public static JsonArray Strings(params string[] values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
}
