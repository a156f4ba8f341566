using System.Text.Json.Nodes;
using Nko.Candidates;
using Nko.Ranker.Configuration;
using Nko.Ranker.Tests.Support;
using static Nko.Ranker.Tests.Support.ConfigJson;

namespace Nko.Ranker.Tests.Configuration;

/// <summary>Every kind of bad config is rejected with a <see cref="RankerConfigException"/> naming the right JSON path.</summary>
public sealed class RankerConfigValidationTests
{
    private static JsonObject Obj(JsonObject root, string name) => root[name]!.AsObject();

    private static JsonArray Arr(JsonObject root, string name) => root[name]!.AsArray();

    private static JsonObject Conf(JsonObject root, string list, int index) => Obj(root, "confusions")[list]!.AsArray()[index]!.AsObject();

    // name -> (bad JSON, expected path). Each kind of problem has its own name so failures say what broke.
    private static readonly Dictionary<string, (Func<string> Json, string Path)> Cases = new()
    {
        // Schema version.
        ["schema_version missing"] = (() => Mutated(r => r.Remove("schema_version")), "$.schema_version"),
        ["schema_version 2"] = (() => Mutated(r => r["schema_version"] = 2), "$.schema_version"),
        ["schema_version 0"] = (() => Mutated(r => r["schema_version"] = 0), "$.schema_version"),
        ["schema_version as string"] = (() => Mutated(r => r["schema_version"] = "1"), "$.schema_version"),
        ["schema_version fractional"] = (() => Mutated(r => r["schema_version"] = 1.5), "$.schema_version"),

        // Name.
        ["name missing"] = (() => Mutated(r => r.Remove("name")), "$.name"),
        ["name empty"] = (() => Mutated(r => r["name"] = ""), "$.name"),
        ["name too long"] = (() => Mutated(r => r["name"] = new string('x', 201)), "$.name"),
        ["name as number"] = (() => Mutated(r => r["name"] = 3), "$.name"),

        // Features and their parallel arrays.
        ["unknown feature"] = (() => Mutated(r => Arr(r, "features")[2] = "op_swap"), "$.features[2]"),
        ["feature name in wrong case"] = (() => Mutated(r => Arr(r, "features")[0] = "OP_SUB"), "$.features[0]"),
        ["duplicate feature"] = (() => Mutated(r => Arr(r, "features")[3] = "op_sub"), "$.features[3]"),
        ["null feature"] = (() => Mutated(r => Arr(r, "features")[1] = null), "$.features[1]"),
        ["features empty"] = (() => Mutated(r => { r["features"] = new JsonArray(); r["means"] = new JsonArray(); r["stds"] = new JsonArray(); r["weights"] = new JsonArray(); }), "$.features"),
        ["features as string"] = (() => Mutated(r => r["features"] = "op_sub"), "$.features"),
        ["means shorter than features"] = (() => Mutated(r => Arr(r, "means").RemoveAt(0)), "$.means"),
        ["stds longer than features"] = (() => Mutated(r => Arr(r, "stds").Add(1.0)), "$.stds"),
        ["weights shorter than features"] = (() => Mutated(r => Arr(r, "weights").RemoveAt(4)), "$.weights"),
        ["weights missing"] = (() => Mutated(r => r.Remove("weights")), "$.weights"),
        ["mean overflows to infinity (1e999)"] = (() => Replaced("\"means\": [\n    0.55,", "\"means\": [\n    1e999,"), "$.means[0]"),
        ["weight is a NaN literal"] = (() => Replaced("\"weights\": [\n    0,", "\"weights\": [\n    NaN,"), "$.weights[0]"),
        ["weight is an Infinity literal"] = (() => Replaced("\"weights\": [\n    0,", "\"weights\": [\n    -Infinity,"), "$.weights[0]"),
        ["bias is the string NaN"] = (() => Mutated(r => r["bias"] = "NaN"), "$.bias"),
        ["bias overflows (-1e400)"] = (() => Replaced("\"bias\": -1,", "\"bias\": -1e400,"), "$.bias"),
        ["bias missing"] = (() => Mutated(r => r.Remove("bias")), "$.bias"),
        ["std zero"] = (() => Mutated(r => Arr(r, "stds")[2] = 0.0), "$.stds[2]"),
        ["std negative"] = (() => Mutated(r => Arr(r, "stds")[4] = -1.0), "$.stds[4]"),
        ["std null"] = (() => Mutated(r => Arr(r, "stds")[1] = null), "$.stds[1]"),

        // Modes.
        ["threshold above 1"] = (() => Mutated(r => Arr(r, "modes")[1]!["threshold"] = 1.5), "$.modes[1].threshold"),
        ["threshold negative"] = (() => Mutated(r => Arr(r, "modes")[0]!["threshold"] = -0.01), "$.modes[0].threshold"),
        ["threshold missing"] = (() => Mutated(r => Arr(r, "modes")[3]!.AsObject().Remove("threshold")), "$.modes[3].threshold"),
        ["min_ctc_gain overflows"] = (() => Replaced("\"min_ctc_gain\": 0.5", "\"min_ctc_gain\": 1e309"), "$.modes[2].min_ctc_gain"),
        ["duplicate mode"] = (() => Mutated(r => Arr(r, "modes")[2]!["name"] = "aggressive"), "$.modes[2].name"),
        ["mode name empty"] = (() => Mutated(r => Arr(r, "modes")[1]!["name"] = " "), "$.modes[1].name"),
        ["mode is null"] = (() => Mutated(r => Arr(r, "modes")[1] = null), "$.modes[1]"),
        ["modes empty"] = (() => Mutated(r => r["modes"] = new JsonArray()), "$.modes"),
        ["modes as object"] = (() => Mutated(r => r["modes"] = new JsonObject { ["aggressive"] = 0.5 }), "$.modes"),
        ["default_mode not a mode"] = (() => Mutated(r => r["default_mode"] = "turbo"), "$.default_mode"),
        ["default_mode differs in case"] = (() => Mutated(r => r["default_mode"] = "Conservative"), "$.default_mode"),
        ["default_mode missing"] = (() => Mutated(r => r.Remove("default_mode")), "$.default_mode"),

        // Vocabulary.
        ["duplicate vocabulary label"] = (() => Mutated(r => Arr(Obj(r, "vocabulary"), "labels")[5] = "\u07C0"), "$.vocabulary.labels[5]"),
        ["vocabulary label of two characters"] = (() => Mutated(r => Arr(Obj(r, "vocabulary"), "labels")[7] = "ab"), "$.vocabulary.labels[7]"),
        ["vocabulary label empty"] = (() => Mutated(r => Arr(Obj(r, "vocabulary"), "labels")[0] = ""), "$.vocabulary.labels[0]"),
        ["vocabulary label a lone surrogate"] = (() => Replaced("\"labels\": [\n      \"\u07C0\"", "\"labels\": [\n      \"\\ud800\""), "$.vocabulary.labels[0]"),
        ["vocabulary label NUL"] = (() => Replaced("\"labels\": [\n      \"\u07C0\"", "\"labels\": [\n      \"\\u0000\""), "$.vocabulary.labels[0]"),
        ["vocabulary labels empty"] = (() => Mutated(r => Obj(r, "vocabulary")["labels"] = new JsonArray()), "$.vocabulary.labels"),
        ["blank_index negative"] = (() => Mutated(r => Obj(r, "vocabulary")["blank_index"] = -1), "$.vocabulary.blank_index"),
        ["blank_index past the end"] = (() => Mutated(r => Obj(r, "vocabulary")["blank_index"] = 66), "$.vocabulary.blank_index"),
        ["blank_index missing"] = (() => Mutated(r => Obj(r, "vocabulary").Remove("blank_index")), "$.vocabulary.blank_index"),
        ["vocabulary missing"] = (() => Mutated(r => r.Remove("vocabulary")), "$.vocabulary"),

        // Generator.
        ["max_rounds zero"] = (() => Mutated(r => Obj(r, "generator")["max_rounds"] = 0), "$.generator.max_rounds"),
        ["max_rounds above the limit"] = (() => Mutated(r => Obj(r, "generator")["max_rounds"] = RankerConfig.MaxRoundsLimit + 1), "$.generator.max_rounds"),
        ["max_candidates zero"] = (() => Mutated(r => Obj(r, "generator")["max_candidates"] = 0), "$.generator.max_candidates"),
        ["max_candidates above the limit"] = (() => Mutated(r => Obj(r, "generator")["max_candidates"] = 1 << 20), "$.generator.max_candidates"),
        ["max_candidates as string"] = (() => Mutated(r => Obj(r, "generator")["max_candidates"] = "64"), "$.generator.max_candidates"),
        ["min_count zero"] = (() => Mutated(r => Obj(r, "generator")["min_count"] = 0), "$.generator.min_count"),
        ["top_k_per_label negative"] = (() => Mutated(r => Obj(r, "generator")["top_k_per_label"] = -3), "$.generator.top_k_per_label"),
        ["unknown operation"] = (() => Mutated(r => Arr(Obj(r, "generator"), "operations")[1] = "swap"), "$.generator.operations[1]"),
        ["operation in upper case"] = (() => Mutated(r => Arr(Obj(r, "generator"), "operations")[0] = "SUB"), "$.generator.operations[0]"),
        ["duplicate operation"] = (() => Mutated(r => Arr(Obj(r, "generator"), "operations")[2] = "sub"), "$.generator.operations[2]"),
        ["shortlist zero"] = (() => Mutated(r => Obj(r, "generator")["shortlist"] = 0), "$.generator.shortlist"),
        ["shortlist above the limit"] = (() => Mutated(r => Obj(r, "generator")["shortlist"] = GeneratorOptions.Limit + 1), "$.generator.shortlist"),
        ["shortlist as string"] = (() => Mutated(r => Obj(r, "generator")["shortlist"] = "48"), "$.generator.shortlist"),
        ["no operations"] = (() => Mutated(r => Obj(r, "generator")["operations"] = new JsonArray()), "$.generator.operations"),
        ["generator missing"] = (() => Mutated(r => r.Remove("generator")), "$.generator"),

        // Confusion maps: labels outside the vocabulary, in every list and field.
        ["substitution from outside the vocabulary"] = (() => Mutated(r => Conf(r, "substitutions", 0)["from"] = "a"), "$.confusions.substitutions[0].from"),
        ["substitution to outside the vocabulary"] = (() => Mutated(r => Conf(r, "substitutions", 3)["to"] = "\u0627"), "$.confusions.substitutions[3].to"),
        ["deletion label outside the vocabulary"] = (() => Mutated(r => Conf(r, "deletions", 1)["label"] = "x"), "$.confusions.deletions[1].label"),
        ["insertion label outside the vocabulary"] = (() => Mutated(r => Conf(r, "insertions", 2)["label"] = "?"), "$.confusions.insertions[2].label"),
        ["insertion context outside the vocabulary"] = (() => Mutated(r => Conf(r, "insertions", 0)["after"] = "\t"), "$.confusions.insertions[0].after"),
        ["hypothesis count label outside the vocabulary"] = (() => Mutated(r => Conf(r, "hypothesis_label_counts", 3)["label"] = "Z"), "$.confusions.hypothesis_label_counts[3].label"),
        ["substitution label of two characters"] = (() => Mutated(r => Conf(r, "substitutions", 1)["to"] = "\u07CA\u07CA"), "$.confusions.substitutions[1].to"),

        // Confusion maps: duplicates and bad entries.
        ["duplicate substitution"] = (() => Mutated(r => { Conf(r, "substitutions", 5)["from"] = "\u07CD"; Conf(r, "substitutions", 5)["to"] = "\u07CA"; }), "$.confusions.substitutions[5]"),
        ["duplicate deletion"] = (() => Mutated(r => Conf(r, "deletions", 4)["label"] = " "), "$.confusions.deletions[4]"),
        ["duplicate insertion"] = (() => Mutated(r => { Conf(r, "insertions", 3)["label"] = "\u07DE"; }), "$.confusions.insertions[3]"),
        ["duplicate hypothesis count"] = (() => Mutated(r => Conf(r, "hypothesis_label_counts", 2)["label"] = "\u07CA"), "$.confusions.hypothesis_label_counts[2].label"),
        ["substitution to itself"] = (() => Mutated(r => Conf(r, "substitutions", 0)["to"] = "\u07CD"), "$.confusions.substitutions[0].to"),
        ["count zero"] = (() => Mutated(r => Conf(r, "substitutions", 0)["count"] = 0), "$.confusions.substitutions[0].count"),
        ["count negative"] = (() => Mutated(r => Conf(r, "deletions", 0)["count"] = -7), "$.confusions.deletions[0].count"),
        ["count missing"] = (() => Mutated(r => Conf(r, "insertions", 1).Remove("count")), "$.confusions.insertions[1].count"),
        ["count fractional"] = (() => Mutated(r => Conf(r, "insertions", 1)["count"] = 2.5), "$.confusions.insertions[1].count"),
        ["hypothesis count zero"] = (() => Mutated(r => Conf(r, "hypothesis_label_counts", 0)["count"] = 0), "$.confusions.hypothesis_label_counts[0].count"),
        ["confusion list missing"] = (() => Mutated(r => Obj(r, "confusions").Remove("deletions")), "$.confusions.deletions"),
        ["confusion entry null"] = (() => Mutated(r => Obj(r, "confusions")["insertions"]!.AsArray()[0] = null), "$.confusions.insertions[0]"),

        // Unknown properties and structure.
        ["unknown root property"] = (() => Mutated(r => r["threshold"] = 0.5), "$.threshold"),
        ["unknown generator property (typo)"] = (() => Mutated(r => Obj(r, "generator")["max_round"] = 3), "$.generator.max_round"),
        ["unknown mode property"] = (() => Mutated(r => Arr(r, "modes")[0]!["min_gain"] = 1.0), "$.modes[0].min_gain"),
        ["unknown substitution property"] = (() => Mutated(r => Conf(r, "substitutions", 2)["weight"] = 1), "$.confusions.substitutions[2].weight"),
        ["duplicate property"] = (() => Replaced("\"bias\": -1,", "\"bias\": -1,\n  \"bias\": 3,"), "$.bias"),
        ["root is an array"] = (() => "[]", "$"),
        ["root is null"] = (() => "null", "$"),
        ["empty document"] = (() => "", "$"),
        // Syntax errors between properties belong to the enclosing object; the message adds the line and byte.
        ["trailing comma"] = (() => Replaced("\"bias\": -1,", "\"bias\": -1,,"), "$"),
        ["comment"] = (() => Replaced("\"bias\": -1,", "\"bias\": -1, // hand-set"), "$"),
        ["trailing content"] = (() => FixtureText + "{}", "$"),

        // Provenance.
        ["provenance dev mode without cer"] = (() => Mutated(r => Obj(r, "provenance")["dev_modes"] = new JsonArray(new JsonObject { ["mode"] = "conservative", ["delta_pp"] = -1.0, ["better"] = 1, ["same"] = 0, ["worse"] = 0, ["changed"] = 1 })), "$.provenance.dev_modes[0].cer"),
        ["provenance count negative"] = (() => Mutated(r => Obj(r, "provenance")["train_rows"] = -1), "$.provenance.train_rows"),
        ["provenance dev mode count negative"] = (() => Mutated(r => Obj(r, "provenance")["dev_modes"] = new JsonArray(new JsonObject { ["mode"] = "conservative", ["cer"] = 0.4, ["delta_pp"] = -1.0, ["better"] = 1, ["same"] = 0, ["worse"] = -2, ["changed"] = 1 })), "$.provenance.dev_modes[0].worse"),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Bad_config_is_rejected_with_its_json_path(string name)
    {
        (Func<string> json, string path) = Cases[name];
        RankerConfigException e = Reject(json());
        Assert.Equal(path, e.JsonPath);
        Assert.StartsWith($"Ranker config {path}: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Nko.Ranker.Configuration", e.Message, StringComparison.Ordinal); // no internal type names
        Assert.DoesNotContain("System.", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message); // one line, as the CLI prints it
    }

    [Fact]
    public void There_are_at_least_fifteen_kinds_of_bad_config()
    {
        Assert.True(Cases.Count >= 15);
        Assert.True(Cases.Values.Select(c => c.Path).Distinct().Count() >= 15);
    }

    [Fact]
    public void The_fixture_itself_is_valid() => Assert.Equal("fixture-handbuilt-v1", RankerConfig.Parse(FixtureText).Name);

    [Fact]
    public void Unknown_feature_message_lists_the_known_ones()
    {
        RankerConfigException e = Reject(Mutated(r => Arr(r, "features")[2] = "op_swap"));
        Assert.Contains("op_swap", e.Message, StringComparison.Ordinal);
        Assert.Contains(Nko.Ranker.Features.FeatureNames.CtcGain, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_property_message_lists_the_allowed_ones()
    {
        RankerConfigException e = Reject(Mutated(r => Obj(r, "generator")["max_round"] = 3));
        Assert.Contains("unknown property 'max_round'", e.Message, StringComparison.Ordinal);
        Assert.Contains("max_rounds, max_candidates, min_count, top_k_per_label, operations, shortlist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Syntax_error_message_names_the_line()
    {
        RankerConfigException e = Reject(Replaced("\"bias\": -1,", "\"bias\": -1,,"));
        int line = ConfigJson.FixtureText[..ConfigJson.FixtureText.IndexOf("\"bias\"", StringComparison.Ordinal)].Count(c => c == '\n') + 1;
        Assert.Contains($"(line {line}, byte ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_outside_the_vocabulary_message_names_the_code_point()
    {
        RankerConfigException e = Reject(Mutated(r => Conf(r, "substitutions", 3)["to"] = "\u0627"));
        Assert.Contains("U+0627", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_validates_like_the_loader()
    {
        RankerConfig c = TestData.HandBuiltConfig;
        RankerConfigException e = Assert.Throws<RankerConfigException>(() => new RankerConfig(
            c.Name, c.Confusions, c.Features, c.Means, c.Stds.SetItem(1, 0), c.Weights, c.Bias, c.Modes, c.DefaultMode, c.Generator, c.MaxRounds));
        Assert.Equal("$.stds[1]", e.JsonPath);

        e = Assert.Throws<RankerConfigException>(() => c.WithModes([new OperatingMode("a", 0.5), new OperatingMode("a", 0.6)], "a"));
        Assert.Equal("$.modes[1].name", e.JsonPath);

        e = Assert.Throws<RankerConfigException>(() => new RankerConfig(
            c.Name, c.Confusions, c.Features, c.Means, c.Stds, c.Weights, double.NaN, c.Modes, c.DefaultMode, c.Generator, c.MaxRounds));
        Assert.Equal("$.bias", e.JsonPath);

        e = Assert.Throws<RankerConfigException>(() => new RankerConfig(
            c.Name, c.Confusions, c.Features, c.Means, c.Stds, c.Weights, c.Bias, c.Modes, c.DefaultMode, c.Generator, 0));
        Assert.Equal("$.generator.max_rounds", e.JsonPath);

        e = Assert.Throws<RankerConfigException>(() => c.WithModes([new OperatingMode("x", double.PositiveInfinity)], "x"));
        Assert.Equal("$.modes[0].threshold", e.JsonPath);
    }
}
