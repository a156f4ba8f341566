using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nko.Ctc;
using Nko.Ranker;
using Nko.Ranker.Configuration;

namespace Nko.Fuzz.Targets;

/// <summary>
/// RankerConfig.Parse on mutations of the shipped config: structural (keys removed or added, values replaced by
/// other types, arrays emptied, shortened, reordered or grown, deep nesting), value (boundary numbers, odd strings)
/// and raw byte mutations. Only RankerConfigException may escape; an accepted config must round-trip through
/// ToUtf8Json to the same bytes and drive a pipeline that throws nothing but ArgumentException.
/// </summary>
public sealed class ConfigTarget : FuzzTarget
{
    private static readonly Lazy<string> s_json = new(() => File.ReadAllText(ShippedConfig.Path));

    public override string Name => "config";

    public override string Description => "RankerConfig.Parse on mutated JSON: RankerConfigException or a config that round-trips and runs";

    public override void Run(FuzzContext ctx)
    {
        FuzzRandom rng = ctx.Random;
        string what;
        byte[] utf8;
        if (rng.Chance(0.2))
        {
            (utf8, what) = ByteMutator.Mutate(rng, Encoding.UTF8.GetBytes(s_json.Value));
        }
        else
        {
            JsonNode root = JsonNode.Parse(s_json.Value)!;
            var done = new List<string>();
            for (int n = rng.Between(1, 3); n > 0; n--)
            {
                done.Add(Mutate(rng, root, ctx.Settings.Huge));
            }

            what = string.Join("; ", done);
            utf8 = Encoding.UTF8.GetBytes(root.ToJsonString());
        }

        RankerConfig? config = null;
        if (!ctx.Expect<RankerConfigException>("RankerConfig.Parse", () => config = RankerConfig.Parse(utf8)) || config is null)
        {
            return;
        }

        ctx.Count("accepted");
        ctx.Call("RankerConfig.ToUtf8Json", () =>
        {
            byte[] saved = config.ToUtf8Json();
            ctx.Check(RankerConfig.Parse(saved).ToUtf8Json().AsSpan().SequenceEqual(saved), "RankerConfig: save-parse-save changes the bytes", what);
        });
        CtcVocabulary vocabulary = config.Vocabulary;
        HostileMatrices.Matrix m = HostileMatrices.Create(rng, rng.Between(1, 20), vocabulary.Count, vocabulary.BlankIndex);
        ctx.Expect<ArgumentException>("Correct (mutated config)", () => new CorrectionPipeline(config).Correct(m.View));
    }

    // One mutation at a random node; returns its description (the JSON path and what was done).
    private static string Mutate(FuzzRandom rng, JsonNode root, bool huge)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        JsonNode node = nodes[rng.Next(nodes.Count)];
        string path = node.GetPath();
        if (huge && rng.Chance(0.05) && root["vocabulary"]?["labels"] is JsonArray labels)
        {
            // A vocabulary of tens of thousands of distinct labels (still under the 16 MB limit).
            int count = rng.Between(20_000, 60_000);
            labels.Clear();
            for (int i = 0; i < count; i++)
            {
                labels.Add(char.ConvertFromUtf32(0x4E00 + i < 0xD800 ? 0x4E00 + i : 0xE000 + i));
            }

            return $"$.vocabulary.labels: {count} labels";
        }

        switch (rng.Next(8))
        {
            case 0 when node.Parent is JsonObject parent:
                parent.Remove(node.GetPropertyName());
                return $"{path}: removed";
            case 1 when node is JsonObject obj:
                obj[rng.Pick("extra", "schema_version ", "Name", "\u0000")] = rng.Pick<JsonNode?>(1, "x", null, new JsonArray());
                return $"{path}: key added";
            case 2 when node is JsonArray array && array.Count > 0:
                switch (rng.Next(4))
                {
                    case 0: array.Clear(); return $"{path}: emptied";
                    case 1: array.RemoveAt(rng.Next(array.Count)); return $"{path}: element removed";
                    case 2: array.Add(array[rng.Next(array.Count)]!.DeepClone()); return $"{path}: element duplicated";
                    default:
                        int i = rng.Next(array.Count), j = rng.Next(array.Count);
                        JsonNode? a = array[i]?.DeepClone(), b = array[j]?.DeepClone();
                        array[i] = b;
                        array[j] = a;
                        return $"{path}: elements {i} and {j} swapped";
                }

            case 3:
                Replace(node, rng.Pick<JsonNode?>(null, new JsonObject(), new JsonArray(), "", true, 0, Nest(rng.Between(2, 200))));
                return $"{path}: replaced by another type";
            case 4 or 5 when node is JsonValue v && v.TryGetValue(out double d):
                JsonNode number = rng.Next(3) switch
                {
                    0 => JsonValue.Create(rng.Pick(0.0, -0.0, -1.0, 1.0, 0.5, 1e308, -1e308, 5e-324, int.MaxValue, (double)int.MaxValue + 1, -d, d * 1e6))!,
                    1 => JsonValue.Create(rng.Pick(0, -1, 1, int.MaxValue, int.MinValue, 65536, 100_000_000))!,
                    _ => JsonNode.Parse(rng.Pick("1e400", "-1e400", "123456789012345678901234567890", "1.0", "-0", "0.0000001"))!,
                };
                Replace(node, number);
                return $"{path}: {d} -> {number.ToJsonString()}";
            case 4 or 5 or 6 when node is JsonValue s && s.TryGetValue(out string? text):
                string replacement = rng.Pick("", " ", "ߊߊ", "a", "\uD800", "\u0000", "ߊ\u0301", new string('ߊ', 10_000), "conservative", "aggressive", text + text);
                Replace(node, replacement);
                return $"{path}: \"{Short(text)}\" -> \"{Short(replacement)}\"";
            default:
                return $"{path}: unchanged";
        }
    }

    private static void Replace(JsonNode node, JsonNode? replacement)
    {
        if (node.Parent is null)
        {
            return;
        }

        node.ReplaceWith(replacement);
    }

    private static JsonNode Nest(int depth)
    {
        JsonNode node = new JsonArray();
        for (int i = 0; i < depth; i++)
        {
            node = new JsonArray(node);
        }

        return node;
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        if (node is JsonObject obj)
        {
            foreach (KeyValuePair<string, JsonNode?> property in obj)
            {
                if (property.Value is not null)
                {
                    Collect(property.Value, nodes);
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (JsonNode? item in array)
            {
                if (item is not null)
                {
                    Collect(item, nodes);
                }
            }
        }
    }

    private static string Short(string? text) => text is null ? "null" : text.Length > 12 ? text[..12] + "…" : text;
}
