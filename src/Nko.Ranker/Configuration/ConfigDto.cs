using System.Text.Json.Serialization;

namespace Nko.Ranker.Configuration;

// The JSON shape of candidate_ranker_v1.json. Property order here is the order written by RankerConfig.Save.
#pragma warning disable CA1812 // Instantiated by the source-generated serializer.
#pragma warning disable CA2227 // DTOs are mutable by design; the public model is immutable.

internal sealed class ConfigDto
{
    [JsonPropertyName("schema_version")]
    public int? SchemaVersion { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("vocabulary")]
    public VocabularyDto? Vocabulary { get; set; }

    [JsonPropertyName("features")]
    public List<string>? Features { get; set; }

    [JsonPropertyName("means")]
    public List<double>? Means { get; set; }

    [JsonPropertyName("stds")]
    public List<double>? Stds { get; set; }

    [JsonPropertyName("weights")]
    public List<double>? Weights { get; set; }

    [JsonPropertyName("bias")]
    public double? Bias { get; set; }

    [JsonPropertyName("default_mode")]
    public string? DefaultMode { get; set; }

    [JsonPropertyName("modes")]
    public List<ModeDto>? Modes { get; set; }

    [JsonPropertyName("generator")]
    public GeneratorDto? Generator { get; set; }

    [JsonPropertyName("language_model")]
    public LanguageModelDto? LanguageModel { get; set; }

    [JsonPropertyName("beam_revision")]
    public BeamRevisionDto? BeamRevision { get; set; }

    [JsonPropertyName("input_profile")]
    public InputProfileDto? InputProfile { get; set; }

    [JsonPropertyName("confusions")]
    public ConfusionsDto? Confusions { get; set; }

    [JsonPropertyName("provenance")]
    public ProvenanceDto? Provenance { get; set; }
}

internal sealed class VocabularyDto
{
    [JsonPropertyName("blank_index")]
    public int? BlankIndex { get; set; }

    [JsonPropertyName("labels")]
    public List<string>? Labels { get; set; }
}

internal sealed class ModeDto
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("threshold")]
    public double? Threshold { get; set; }

    [JsonPropertyName("min_ctc_gain")]
    public double? MinCtcGain { get; set; }

    [JsonPropertyName("revision_threshold")]
    public double? RevisionThreshold { get; set; }
}

internal sealed class GeneratorDto
{
    [JsonPropertyName("max_rounds")]
    public int? MaxRounds { get; set; }

    [JsonPropertyName("max_candidates")]
    public int? MaxCandidates { get; set; }

    [JsonPropertyName("min_count")]
    public int? MinCount { get; set; }

    [JsonPropertyName("top_k_per_label")]
    public int? TopKPerLabel { get; set; }

    [JsonPropertyName("operations")]
    public List<string>? Operations { get; set; }

    [JsonPropertyName("shortlist")]
    public int? Shortlist { get; set; }
}

internal sealed class LanguageModelDto
{
    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("sha256")]
    public string? Sha256 { get; set; }

    [JsonPropertyName("order")]
    public int? Order { get; set; }
}

internal sealed class BeamRevisionDto
{
    [JsonPropertyName("beam_width")]
    public int? BeamWidth { get; set; }

    [JsonPropertyName("token_cutoff")]
    public double? TokenCutoff { get; set; }

    [JsonPropertyName("beam_pruning")]
    public double? BeamPruning { get; set; }

    [JsonPropertyName("alpha")]
    public double? Alpha { get; set; }

    [JsonPropertyName("beta")]
    public double? Beta { get; set; }

    [JsonPropertyName("nbest")]
    public int? NBest { get; set; }

    [JsonPropertyName("features")]
    public List<string>? Features { get; set; }

    [JsonPropertyName("means")]
    public List<double>? Means { get; set; }

    [JsonPropertyName("stds")]
    public List<double>? Stds { get; set; }

    [JsonPropertyName("weights")]
    public List<double>? Weights { get; set; }

    [JsonPropertyName("bias")]
    public double? Bias { get; set; }

    [JsonPropertyName("keys")]
    public List<SegmentKeyDto>? Keys { get; set; }
}

internal sealed class SegmentKeyDto
{
    [JsonPropertyName("from")]
    public string? From { get; set; }

    [JsonPropertyName("to")]
    public string? To { get; set; }

    [JsonPropertyName("left")]
    public string? Left { get; set; }

    [JsonPropertyName("right")]
    public string? Right { get; set; }

    [JsonPropertyName("helped")]
    public int? Helped { get; set; }

    [JsonPropertyName("seen")]
    public int? Seen { get; set; }
}

internal sealed class InputProfileDto
{
    [JsonPropertyName("utterances")]
    public int? Utterances { get; set; }

    [JsonPropertyName("statistics")]
    public List<InputStatisticDto>? Statistics { get; set; }
}

internal sealed class InputStatisticDto
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("mean")]
    public double? Mean { get; set; }

    [JsonPropertyName("std")]
    public double? Std { get; set; }

    [JsonPropertyName("quantiles")]
    public List<double>? Quantiles { get; set; }
}

internal sealed class ConfusionsDto
{
    [JsonPropertyName("substitutions")]
    public List<SubstitutionDto>? Substitutions { get; set; }

    [JsonPropertyName("deletions")]
    public List<LabelCountDto>? Deletions { get; set; }

    [JsonPropertyName("insertions")]
    public List<InsertionDto>? Insertions { get; set; }

    [JsonPropertyName("hypothesis_label_counts")]
    public List<LabelCountDto>? HypothesisLabelCounts { get; set; }
}

internal sealed class SubstitutionDto
{
    [JsonPropertyName("from")]
    public string? From { get; set; }

    [JsonPropertyName("to")]
    public string? To { get; set; }

    [JsonPropertyName("count")]
    public int? Count { get; set; }
}

internal sealed class LabelCountDto
{
    [JsonPropertyName("label")]
    public string? Label { get; set; }

    [JsonPropertyName("count")]
    public int? Count { get; set; }
}

internal sealed class InsertionDto
{
    [JsonPropertyName("label")]
    public string? Label { get; set; }

    [JsonPropertyName("after")]
    public string? After { get; set; }

    [JsonPropertyName("count")]
    public int? Count { get; set; }
}

internal sealed class ProvenanceDto
{
    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("trainer")]
    public string? Trainer { get; set; }

    [JsonPropertyName("tool_version")]
    public string? ToolVersion { get; set; }

    [JsonPropertyName("options")]
    public string? Options { get; set; }

    [JsonPropertyName("train_data")]
    public string? TrainData { get; set; }

    [JsonPropertyName("dev_data")]
    public string? DevData { get; set; }

    [JsonPropertyName("train_rows")]
    public int? TrainRows { get; set; }

    [JsonPropertyName("dev_rows")]
    public int? DevRows { get; set; }

    [JsonPropertyName("train_rows_sha256")]
    public string? TrainRowsSha256 { get; set; }

    [JsonPropertyName("training_examples")]
    public int? TrainingExamples { get; set; }

    [JsonPropertyName("positive_examples")]
    public int? PositiveExamples { get; set; }

    [JsonPropertyName("l2")]
    public double? L2 { get; set; }

    [JsonPropertyName("gradient_norm")]
    public double? GradientNorm { get; set; }

    [JsonPropertyName("iterations")]
    public int? Iterations { get; set; }

    [JsonPropertyName("dev_baseline_cer")]
    public double? DevBaselineCer { get; set; }

    [JsonPropertyName("dev_modes")]
    public List<ModeMetricsDto>? DevModes { get; set; }

    [JsonPropertyName("notes")]
    public string? Notes { get; set; }
}

internal sealed class ModeMetricsDto
{
    [JsonPropertyName("mode")]
    public string? Mode { get; set; }

    [JsonPropertyName("cer")]
    public double? Cer { get; set; }

    [JsonPropertyName("delta_pp")]
    public double? DeltaPp { get; set; }

    [JsonPropertyName("better")]
    public int? Better { get; set; }

    [JsonPropertyName("same")]
    public int? Same { get; set; }

    [JsonPropertyName("worse")]
    public int? Worse { get; set; }

    [JsonPropertyName("changed")]
    public int? Changed { get; set; }
}

[JsonSourceGenerationOptions(
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict,
    MaxDepth = 16,
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(ConfigDto))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
