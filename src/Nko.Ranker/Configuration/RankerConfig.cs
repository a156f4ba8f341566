using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Nko.Candidates;
using Nko.Ctc;
using Nko.Lm;
using Nko.Ranker.Features;
using Nko.Ranker.Scoring;

namespace Nko.Ranker.Configuration;

/// <summary>
/// The frozen ranker config (<c>candidate_ranker_v1.json</c>, schema version 1; schema 2 adds a character language
/// model by reference): vocabulary, features with their standardisation and logistic weights, operating modes,
/// generator bounds, confusion maps, the optional language model and provenance.
/// </summary>
/// <remarks>
/// Loading is strict and names the JSON path of the first problem (<see cref="RankerConfigException"/>). Saving is
/// deterministic: the same config always produces the same bytes, and save → load → save is byte-identical.
/// Instances are immutable and thread-safe. The schema is documented in the package README.
/// </remarks>
public sealed partial class RankerConfig
{
    /// <summary>The schema version of a config without a language model (this library reads and writes it).</summary>
    public const int SchemaVersion = 1;

    /// <summary>
    /// The schema version of a config with a language model: schema 1 plus <c>language_model</c> (the LM file, relative to
    /// the config, its SHA-256 and order), and the <c>lm_</c> features.
    /// </summary>
    public const int SchemaVersionWithLanguageModel = 2;

    /// <summary>
    /// The schema version of a config with a beam-revision stage: schema 2 plus <c>beam_revision</c> (the beam search,
    /// the segment model and its key table) and the modes' <c>revision_threshold</c>.
    /// </summary>
    public const int SchemaVersionWithBeamRevision = 3;

    /// <summary>Configs larger than this are rejected before parsing (a config is normally tens of kilobytes).</summary>
    public const long MaxConfigBytes = 16L * 1024 * 1024;

    /// <summary>The most correction rounds a config may ask for.</summary>
    public const int MaxRoundsLimit = 64;

    /// <summary>The longest config or mode name, in UTF-16 code units.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The most operating modes a config may define.</summary>
    public const int MaxModes = 64;

    /// <summary>
    /// The most vocabulary classes (labels plus the blank) a config, and <see cref="CandidateEvaluator"/>, accept: N'Ko
    /// needs 66. The evaluator's tables grow with the square of the class count; at this cap they take about 18.3 MiB
    /// per evaluator (one per thread): 3 × 513 × 512 prior memos of 24 bytes (18.0 MiB) and 512 × 512 script-pair flags
    /// (0.25 MiB).
    /// </summary>
    public const int MaxClasses = 512;

    // The JSON object types, to name the properties allowed where an unknown one is found.
    private static readonly Type[] DtoTypes =
    [
        typeof(ConfigDto), typeof(VocabularyDto), typeof(ModeDto), typeof(GeneratorDto), typeof(ConfusionsDto), typeof(SubstitutionDto),
        typeof(LabelCountDto), typeof(InsertionDto), typeof(ProvenanceDto), typeof(ModeMetricsDto), typeof(LanguageModelDto), typeof(BeamRevisionDto), typeof(SegmentKeyDto), typeof(InputProfileDto), typeof(InputStatisticDto),
    ];

    private static readonly ConfigJsonContext Context = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        MaxDepth = 16,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.BasicLatin, UnicodeRanges.NKo),
        NewLine = "\n",
    });

    private readonly ImmutableDictionary<string, OperatingMode> _modes;

    /// <summary>Creates a config from its parts, validating them.</summary>
    /// <exception cref="RankerConfigException">A part is invalid; the path names it as it would appear in JSON.</exception>
    public RankerConfig(
        string name,
        ConfusionMap confusions,
        ImmutableArray<string> features,
        ImmutableArray<double> means,
        ImmutableArray<double> stds,
        ImmutableArray<double> weights,
        double bias,
        ImmutableArray<OperatingMode> modes,
        string defaultMode,
        GeneratorOptions generator,
        int maxRounds,
        RankerProvenance? provenance = null)
        : this(name, confusions, features, means, stds, weights, bias, modes, defaultMode, generator, maxRounds, provenance, null, null)
    {
    }

    /// <summary>Creates a config from its parts with a language model (schema 2), validating them.</summary>
    /// <param name="name">A short name for the config.</param>
    /// <param name="confusions">The confusion maps (and vocabulary).</param>
    /// <param name="features">The features, in order; <c>lm_</c> features need a language model.</param>
    /// <param name="means">Per-feature means.</param>
    /// <param name="stds">Per-feature standard deviations.</param>
    /// <param name="weights">Per-feature weights.</param>
    /// <param name="bias">The logistic bias.</param>
    /// <param name="modes">The operating modes.</param>
    /// <param name="defaultMode">The default mode's name.</param>
    /// <param name="generator">The candidate-generator bounds.</param>
    /// <param name="maxRounds">The most edits per utterance.</param>
    /// <param name="provenance">Where the config came from.</param>
    /// <param name="languageModel">The language model, or <see langword="null"/> (schema 1).</param>
    /// <param name="languageModelReference">Its file reference, written by <see cref="Save(string)"/>; given exactly when <paramref name="languageModel"/> is.</param>
    /// <exception cref="RankerConfigException">A part is invalid; the path names it as it would appear in JSON.</exception>
    public RankerConfig(
        string name,
        ConfusionMap confusions,
        ImmutableArray<string> features,
        ImmutableArray<double> means,
        ImmutableArray<double> stds,
        ImmutableArray<double> weights,
        double bias,
        ImmutableArray<OperatingMode> modes,
        string defaultMode,
        GeneratorOptions generator,
        int maxRounds,
        RankerProvenance? provenance,
        CharLanguageModel? languageModel,
        LanguageModelReference? languageModelReference)
        : this(name, confusions, features, means, stds, weights, bias, modes, defaultMode, generator, maxRounds, provenance, languageModel, languageModelReference, null, null)
    {
    }

    private RankerConfig(
        string name,
        ConfusionMap confusions,
        ImmutableArray<string> features,
        ImmutableArray<double> means,
        ImmutableArray<double> stds,
        ImmutableArray<double> weights,
        double bias,
        ImmutableArray<OperatingMode> modes,
        string defaultMode,
        GeneratorOptions generator,
        int maxRounds,
        RankerProvenance? provenance,
        CharLanguageModel? languageModel,
        LanguageModelReference? languageModelReference,
        BeamRevisionConfig? beamRevision,
        Profiling.InputProfile? inputProfile)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(confusions);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(defaultMode);
        Name = name;
        Vocabulary = confusions.Vocabulary;
        Confusions = confusions;
        Features = features;
        Means = means;
        Stds = stds;
        Weights = weights;
        Bias = bias;
        Modes = modes;
        DefaultMode = defaultMode;
        Generator = generator;
        MaxRounds = maxRounds;
        Provenance = provenance ?? new RankerProvenance();
        LanguageModel = languageModel;
        LanguageModelReference = languageModelReference;
        BeamRevision = beamRevision;
        InputProfile = inputProfile;
        ValidateModel();
        ValidateInputProfile();
        RevisionModel = ValidateBeamRevision();
        var builder = ImmutableDictionary.CreateBuilder<string, OperatingMode>(StringComparer.Ordinal);
        foreach (OperatingMode m in modes)
        {
            builder.Add(m.Name, m);
        }

        _modes = builder.ToImmutable();
        Ranker = new LogisticRanker(features, means, stds, weights, bias);
        CandidateGenerator = new CandidateGenerator(confusions, generator);
    }

    /// <summary>A short name for the config.</summary>
    public string Name { get; }

    /// <summary>The recogniser's vocabulary (and blank convention).</summary>
    public CtcVocabulary Vocabulary { get; }

    /// <summary>The confusion maps.</summary>
    public ConfusionMap Confusions { get; }

    /// <summary>The features the ranker uses, in order (names from <see cref="FeatureNames"/>).</summary>
    public ImmutableArray<string> Features { get; }

    /// <summary>Per-feature means for standardisation.</summary>
    public ImmutableArray<double> Means { get; }

    /// <summary>Per-feature standard deviations for standardisation (all &gt; 0).</summary>
    public ImmutableArray<double> Stds { get; }

    /// <summary>Per-feature logistic weights (on standardised features).</summary>
    public ImmutableArray<double> Weights { get; }

    /// <summary>The logistic bias.</summary>
    public double Bias { get; }

    /// <summary>The operating modes, in file order.</summary>
    public ImmutableArray<OperatingMode> Modes { get; }

    /// <summary>The mode used when a caller names none.</summary>
    public string DefaultMode { get; }

    /// <summary>The candidate-generator bounds.</summary>
    public GeneratorOptions Generator { get; }

    /// <summary>The most edits applied to one utterance (one per round).</summary>
    public int MaxRounds { get; }

    /// <summary>Where the config came from and how it scored.</summary>
    public RankerProvenance Provenance { get; }

    /// <summary>The character language model of a schema-2 config (loaded and hash-checked with it), or <see langword="null"/>.</summary>
    public CharLanguageModel? LanguageModel { get; }

    /// <summary>Where a schema-2 config's language model lives (relative to the config file), its SHA-256 and order; <see langword="null"/> without one.</summary>
    public LanguageModelReference? LanguageModelReference { get; }

    /// <summary>The schema version this config is written with: 2 with a language model, else 1.</summary>
    public int Schema => BeamRevision is not null ? SchemaVersionWithBeamRevision : LanguageModel is null ? SchemaVersion : SchemaVersionWithLanguageModel;

    /// <summary>The logistic model built from the features, standardisation, weights and bias.</summary>
    public LogisticRanker Ranker { get; }

    /// <summary>The candidate generator built from the confusion maps and bounds.</summary>
    public CandidateGenerator CandidateGenerator { get; }

    /// <summary>Returns the mode named <paramref name="name"/> (or the default mode when <see langword="null"/>).</summary>
    /// <exception cref="ArgumentException">No such mode; the message lists the available ones.</exception>
    public OperatingMode GetMode(string? name = null)
    {
        string key = name ?? DefaultMode;
        return _modes.TryGetValue(key, out OperatingMode? mode)
            ? mode
            : throw new ArgumentException($"Unknown mode '{key}'. This config has: {string.Join(", ", Modes.Select(m => m.Name))}.", nameof(name));
    }

    /// <summary>Returns a copy with different modes (and default mode), e.g. after calibration.</summary>
    public RankerConfig WithModes(ImmutableArray<OperatingMode> modes, string defaultMode, RankerProvenance? provenance = null) =>
        new(Name, Confusions, Features, Means, Stds, Weights, Bias, modes, defaultMode, Generator, MaxRounds, provenance ?? Provenance, LanguageModel, LanguageModelReference, BeamRevision, InputProfile);

    /// <summary>
    /// Returns a copy that uses <paramref name="languageModel"/> (a schema-2 config), recorded as
    /// <paramref name="reference"/> when saved; with <see langword="null"/> for both, a copy without one (which must not
    /// use <c>lm_</c> features).
    /// </summary>
    /// <exception cref="RankerConfigException">Only one of the two is given, the reference is malformed, or its order is not the model's.</exception>
    public RankerConfig WithLanguageModel(CharLanguageModel? languageModel, LanguageModelReference? reference) =>
        new(Name, Confusions, Features, Means, Stds, Weights, Bias, Modes, DefaultMode, Generator, MaxRounds, Provenance, languageModel, reference, languageModel is null ? null : BeamRevision, InputProfile);

    /// <summary>Returns a copy with a beam-revision stage (schema 3; needs the language model), or without one.</summary>
    /// <exception cref="RankerConfigException">The stage is invalid or the config has no language model.</exception>
    public RankerConfig WithBeamRevision(BeamRevisionConfig? beamRevision) =>
        new(Name, Confusions, Features, Means, Stds, Weights, Bias, Modes, DefaultMode, Generator, MaxRounds, Provenance, LanguageModel, LanguageModelReference, beamRevision, InputProfile);

    /// <summary>Returns a copy with statistics of its training inputs (any schema), or without.</summary>
    /// <exception cref="RankerConfigException">The profile is malformed.</exception>
    public RankerConfig WithInputProfile(Profiling.InputProfile? inputProfile) =>
        new(Name, Confusions, Features, Means, Stds, Weights, Bias, Modes, DefaultMode, Generator, MaxRounds, Provenance, LanguageModel, LanguageModelReference, BeamRevision, inputProfile);

    /// <summary>Loads and validates the config file at <paramref name="path"/>.</summary>
    /// <exception cref="RankerConfigException">The file is not a valid schema-1 config.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <remarks>A schema-2 config's language model is loaded from its path relative to the file's folder, after its SHA-256 is checked.</remarks>
    public static RankerConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Load(stream, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)));
    }

    /// <summary>Loads and validates a config from a stream (read to its end; at most <see cref="MaxConfigBytes"/>).</summary>
    /// <remarks>A schema-2 config cannot be loaded this way (its language model's path is relative to a folder): use <see cref="Load(Stream, string?)"/>.</remarks>
    public static RankerConfig Load(Stream stream) => Load(stream, null);

    /// <summary>
    /// Loads and validates a config from a stream; a schema-2 config's language model path is resolved against
    /// <paramref name="baseDirectory"/> (the folder the config was read from).
    /// </summary>
    public static RankerConfig Load(Stream stream, string? baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek && stream.Length - stream.Position > MaxConfigBytes)
        {
            throw new RankerConfigException("$", $"the document is {stream.Length - stream.Position} bytes; configs are limited to {MaxConfigBytes} bytes.");
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxConfigBytes)
            {
                throw new RankerConfigException("$", $"the document exceeds {MaxConfigBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), baseDirectory);
    }

    /// <summary>Parses and validates a config from UTF-8 JSON (a leading UTF-8 byte order mark is skipped).</summary>
    public static RankerConfig Parse(ReadOnlySpan<byte> utf8Json) => Parse(utf8Json, null);

    /// <summary>
    /// Parses and validates a config from UTF-8 JSON; a schema-2 config's language model path is resolved against
    /// <paramref name="baseDirectory"/>.
    /// </summary>
    public static RankerConfig Parse(ReadOnlySpan<byte> utf8Json, string? baseDirectory)
    {
        if (utf8Json.Length > MaxConfigBytes)
        {
            throw new RankerConfigException("$", $"the document exceeds {MaxConfigBytes} bytes.");
        }

        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        ConfigDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize(utf8Json, Context.ConfigDto);
        }
        catch (JsonException e)
        {
            throw new RankerConfigException(e.Path ?? "$", Describe(e), e);
        }

        if (dto is null)
        {
            throw new RankerConfigException("$", "the document is null; expected a config object.");
        }

        return FromDto(dto, baseDirectory);
    }

    /// <summary>Parses and validates a config from a JSON string.</summary>
    public static RankerConfig Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);

        // Check the size before encoding, so a huge string is rejected without a second huge copy.
        if (json.Length > MaxConfigBytes || Encoding.UTF8.GetByteCount(json) > MaxConfigBytes)
        {
            throw new RankerConfigException("$", $"the document exceeds {MaxConfigBytes} bytes.");
        }

        return Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Writes the config as indented UTF-8 JSON (deterministic bytes).</summary>
    /// <remarks>All-or-nothing: the bytes go to a temporary file beside <paramref name="path"/>, renamed over it when
    /// complete, so a failure (full disk, size limit) leaves any previous config unchanged and no partial one.</remarks>
    /// <exception cref="IOException">The file cannot be written; the message names it and says the previous one is unchanged.</exception>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Nko.IO.AtomicFileWriter.WriteAllBytes(path, ToUtf8Json());
    }

    /// <summary>Writes the config to a stream.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ToUtf8Json());
    }

    /// <summary>The config as indented UTF-8 JSON bytes (with a final newline).</summary>
    public byte[] ToUtf8Json()
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(ToDto(), Context.ConfigDto);
        byte[] result = new byte[body.Length + 1];
        body.CopyTo(result, 0);
        result[^1] = (byte)'\n';
        return result;
    }

    // One line, in the schema's terms: the serializer's messages name internal .NET types and span several lines.
    private static string Describe(JsonException e)
    {
        string message = e.Message;
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        message = (cut > 0 ? message[..cut] : message).ReplaceLineEndings(" ").Trim();
        const string Convert = "The JSON value could not be converted to ";
        const string Unmapped = "The JSON property '";
        const string UnmappedType = "' could not be mapped to any .NET member contained in type '";
        if (message.StartsWith(Convert, StringComparison.Ordinal))
        {
            message = $"has the wrong type or range: expected {ExpectedKind(message[Convert.Length..].TrimEnd('.'))}.";
        }
        else if (message.StartsWith(Unmapped, StringComparison.Ordinal) && message.IndexOf(UnmappedType, StringComparison.Ordinal) is > 0 and var typeAt)
        {
            string property = message[Unmapped.Length..typeAt];
            string typeName = message[(typeAt + UnmappedType.Length)..].TrimEnd('.', '\'');
            Type? type = Array.Find(DtoTypes, t => t.FullName == typeName);
            string allowed = type is null ? string.Empty : $" Allowed here: {string.Join(", ", Context.GetTypeInfo(type)!.Properties.Select(p => p.Name))}.";
            message = $"unknown property '{property}'.{allowed}";
        }
        else if (message.StartsWith("Duplicate", StringComparison.Ordinal))
        {
            message = "the property appears more than once in its object.";
        }

        return e.LineNumber is long line
            ? string.Create(CultureInfo.InvariantCulture, $"{message} (line {line + 1}, byte {e.BytePositionInLine + 1})")
            : message;
    }

    private static string ExpectedKind(string typeName) =>
        typeName.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) ? "an array"
        : typeName.EndsWith("Dto", StringComparison.Ordinal) ? "an object"
        : typeName.Contains("Int32", StringComparison.Ordinal) ? $"an integer in [{int.MinValue}, {int.MaxValue}]"
        : typeName.Contains("Double", StringComparison.Ordinal) ? "a finite number"
        : typeName.Contains("String", StringComparison.Ordinal) ? "a string of valid Unicode text"
        : "another JSON type";

    private void ValidateModel()
    {
        // Checked before anything is built from the vocabulary: past the cap the evaluator's tables cannot be afforded.
        if (Vocabulary.Count > MaxClasses)
        {
            throw new RankerConfigException("$.vocabulary.labels", TooManyClasses(Vocabulary.Count));
        }

        if (Name.Length == 0 || Name.Length > MaxNameLength)
        {
            throw new RankerConfigException("$.name", $"must be a non-empty string of at most {MaxNameLength} characters.");
        }

        if (Features.IsDefaultOrEmpty)
        {
            throw new RankerConfigException("$.features", "must list at least one feature.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int k = 0; k < Features.Length; k++)
        {
            if (FeatureNames.IndexOf(Features[k]) < 0)
            {
                throw new RankerConfigException(Path("features", k), $"unknown feature '{Features[k]}'. Known features: {string.Join(", ", FeatureNames.All)}.");
            }

            if (!seen.Add(Features[k]))
            {
                throw new RankerConfigException(Path("features", k), $"feature '{Features[k]}' is listed twice.");
            }
        }

        if ((LanguageModel is null) != (LanguageModelReference is null))
        {
            throw new RankerConfigException("$.language_model", "a language model and its reference (path, SHA-256, order) go together.");
        }

        if (LanguageModelReference is { } reference)
        {
            CheckReference(reference);
            if (reference.Order != LanguageModel!.Order)
            {
                throw new RankerConfigException("$.language_model.order", string.Create(CultureInfo.InvariantCulture, $"is {reference.Order}, but the language model has order {LanguageModel.Order}."));
            }
        }
        else
        {
            for (int k = 0; k < Features.Length; k++)
            {
                if (FeatureNames.NeedsLanguageModel(Features[k]))
                {
                    throw new RankerConfigException(Path("features", k), $"feature '{Features[k]}' needs a language model (schema 2, \"language_model\"); this config has none.");
                }
            }
        }

        CheckParallel("means", Means, requirePositive: false);
        CheckParallel("stds", Stds, requirePositive: true);
        CheckParallel("weights", Weights, requirePositive: false);
        if (!double.IsFinite(Bias))
        {
            throw new RankerConfigException("$.bias", "must be a finite number.");
        }

        // The ranker folds the standardisation into the weights (w / std, bias − Σ w·mean / std): those must stay finite too,
        // or a tiny std would turn every score into ±∞ or NaN.
        double folded = Bias;
        for (int k = 0; k < Features.Length; k++)
        {
            double scaled = Weights[k] / Stds[k];
            folded -= scaled * Means[k];
            if (!double.IsFinite(scaled) || !double.IsFinite(folded))
            {
                throw new RankerConfigException(Path("stds", k), string.Create(
                    CultureInfo.InvariantCulture,
                    $"{Stds[k]} is too small for weight {Weights[k]} and mean {Means[k]}: the standardised weight or bias overflows."));
            }
        }

        if (Modes.IsDefaultOrEmpty || Modes.Length > MaxModes)
        {
            throw new RankerConfigException("$.modes", $"must define between 1 and {MaxModes} modes; it has {(Modes.IsDefault ? 0 : Modes.Length)}.");
        }

        var modeNames = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Modes.Length; i++)
        {
            OperatingMode m = Modes[i];
            if (m is null || string.IsNullOrWhiteSpace(m.Name) || m.Name.Length > MaxNameLength)
            {
                throw new RankerConfigException(Path("modes", i) + ".name", $"must be a non-blank string of at most {MaxNameLength} characters.");
            }

            if (!modeNames.Add(m.Name))
            {
                throw new RankerConfigException(Path("modes", i) + ".name", $"mode '{m.Name}' is defined twice.");
            }

            if (!double.IsFinite(m.Threshold) || m.Threshold < 0 || m.Threshold > 1)
            {
                throw new RankerConfigException(Path("modes", i) + ".threshold", $"{m.Threshold.ToString(CultureInfo.InvariantCulture)} is outside [0, 1].");
            }

            if (m.MinCtcGain is { } g && !double.IsFinite(g))
            {
                throw new RankerConfigException(Path("modes", i) + ".min_ctc_gain", "must be a finite number or absent.");
            }

            if (m.RevisionThreshold is { } rt && (!double.IsFinite(rt) || rt < 0 || rt > 1))
            {
                throw new RankerConfigException(Path("modes", i) + ".revision_threshold", $"{rt.ToString(CultureInfo.InvariantCulture)} is outside [0, 1].");
            }
        }

        if (!modeNames.Contains(DefaultMode))
        {
            throw new RankerConfigException("$.default_mode", $"'{DefaultMode}' is not one of the modes ({string.Join(", ", modeNames)}).");
        }

        if (MaxRounds < 1 || MaxRounds > MaxRoundsLimit)
        {
            throw new RankerConfigException("$.generator.max_rounds", $"{MaxRounds} is outside [1, {MaxRoundsLimit}].");
        }
    }

    private void CheckParallel(string field, ImmutableArray<double> values, bool requirePositive)
    {
        if (values.IsDefault || values.Length != Features.Length)
        {
            throw new RankerConfigException("$." + field, $"has {(values.IsDefault ? 0 : values.Length)} entries; features has {Features.Length}. The arrays are parallel.");
        }

        for (int k = 0; k < values.Length; k++)
        {
            if (!double.IsFinite(values[k]))
            {
                throw new RankerConfigException(Path(field, k), "must be a finite number.");
            }

            if (requirePositive && values[k] <= 0)
            {
                throw new RankerConfigException(Path(field, k), $"{values[k].ToString(CultureInfo.InvariantCulture)} must be > 0.");
            }
        }
    }

    private static string Path(string field, int index) => string.Create(CultureInfo.InvariantCulture, $"$.{field}[{index}]");

    private static RankerConfig FromDto(ConfigDto dto, string? baseDirectory)
    {
        if (dto.SchemaVersion is null)
        {
            throw new RankerConfigException("$.schema_version", "is missing; this library reads schema versions 1, 2 and 3.");
        }

        if (dto.SchemaVersion != SchemaVersion && dto.SchemaVersion != SchemaVersionWithLanguageModel && dto.SchemaVersion != SchemaVersionWithBeamRevision)
        {
            throw new RankerConfigException("$.schema_version", $"is {dto.SchemaVersion}; this library reads schema versions {SchemaVersion}, {SchemaVersionWithLanguageModel} and {SchemaVersionWithBeamRevision}.");
        }

        if (dto.SchemaVersion == SchemaVersionWithBeamRevision && (dto.LanguageModel is null || dto.BeamRevision is null))
        {
            throw new RankerConfigException("$.schema_version", "is 3 but the config lacks \"language_model\" or \"beam_revision\"; schema 3 is schema 2 with a beam-revision stage.");
        }

        if (dto.SchemaVersion != SchemaVersionWithBeamRevision && dto.BeamRevision is not null)
        {
            throw new RankerConfigException("$.beam_revision", "needs schema_version 3.");
        }

        if (dto.SchemaVersion == SchemaVersionWithLanguageModel && dto.LanguageModel is null)
        {
            throw new RankerConfigException("$.schema_version", "is 2 but the config has no \"language_model\"; schema 2 is schema 1 with a language model.");
        }

        if (dto.SchemaVersion == SchemaVersion && dto.LanguageModel is not null)
        {
            throw new RankerConfigException("$.language_model", "needs schema_version 2.");
        }

        string name = dto.Name ?? throw Missing("$.name");
        CtcVocabulary vocabulary = ReadVocabulary(dto.Vocabulary ?? throw Missing("$.vocabulary"));
        var features = (dto.Features ?? throw Missing("$.features")).ToImmutableArray();
        for (int k = 0; k < features.Length; k++)
        {
            if (features[k] is null)
            {
                throw new RankerConfigException(Path("features", k), "must be a string.");
            }
        }

        var means = (dto.Means ?? throw Missing("$.means")).ToImmutableArray();
        var stds = (dto.Stds ?? throw Missing("$.stds")).ToImmutableArray();
        var weights = (dto.Weights ?? throw Missing("$.weights")).ToImmutableArray();
        double bias = dto.Bias ?? throw Missing("$.bias");
        var modes = ImmutableArray.CreateBuilder<OperatingMode>();
        List<ModeDto> modeDtos = dto.Modes ?? throw Missing("$.modes");
        for (int i = 0; i < modeDtos.Count; i++)
        {
            ModeDto m = modeDtos[i] ?? throw new RankerConfigException(Path("modes", i), "must be an object.");
            modes.Add(new OperatingMode(
                m.Name ?? throw Missing(Path("modes", i) + ".name"),
                m.Threshold ?? throw Missing(Path("modes", i) + ".threshold"),
                m.MinCtcGain) { RevisionThreshold = m.RevisionThreshold });
        }

        string defaultMode = dto.DefaultMode ?? throw Missing("$.default_mode");
        GeneratorDto g = dto.Generator ?? throw Missing("$.generator");
        GeneratorOptions generator = ReadGenerator(g);
        int maxRounds = g.MaxRounds ?? throw Missing("$.generator.max_rounds");
        ConfusionMap confusions = ReadConfusions(dto.Confusions ?? throw Missing("$.confusions"), vocabulary);
        RankerProvenance provenance = ReadProvenance(dto.Provenance);
        (CharLanguageModel? lm, LanguageModelReference? reference) = dto.LanguageModel is { } lmDto ? ReadLanguageModel(lmDto, baseDirectory) : (null, null);
        BeamRevisionConfig? revision = dto.BeamRevision is { } br ? ReadBeamRevision(br) : null;
        Profiling.InputProfile? profile = dto.InputProfile is { } ip ? ReadInputProfile(ip) : null;
        return new RankerConfig(name, confusions, features, means, stds, weights, bias, modes.ToImmutable(), defaultMode, generator, maxRounds, provenance, lm, reference, revision, profile);
    }

    // The reference is checked field by field, then the file: found, its SHA-256 as recorded, loadable, of the recorded order.
    private static (CharLanguageModel, LanguageModelReference) ReadLanguageModel(LanguageModelDto dto, string? baseDirectory)
    {
        string path = dto.Path ?? throw Missing("$.language_model.path");
        string sha = dto.Sha256 ?? throw Missing("$.language_model.sha256");
        int order = dto.Order ?? throw Missing("$.language_model.order");
        var reference = new LanguageModelReference(path, sha, order);
        CheckReference(reference);
        if (baseDirectory is null && !System.IO.Path.IsPathRooted(path))
        {
            throw new RankerConfigException("$.language_model.path", $"'{path}' is relative to the config file's folder, which is unknown here: load the config with RankerConfig.Load(path) or pass its folder.");
        }

        string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory ?? string.Empty, path));
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RankerConfigException("$.language_model.path", $"the language model '{path}' (resolved to '{full}') cannot be read: {e.Message}", e);
        }

        string actual = LanguageModelReference.HashOf(bytes);
        if (!string.Equals(actual, sha, StringComparison.Ordinal))
        {
            throw new RankerConfigException("$.language_model.sha256", $"the language model '{full}' has SHA-256 {actual}; the config expects {sha} (the file was changed or replaced).");
        }

        CharLanguageModel lm;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            lm = path.EndsWith(".arpa", StringComparison.OrdinalIgnoreCase) ? CharLanguageModel.LoadArpa(stream) : CharLanguageModel.Load(stream);
        }
        catch (LmFormatException e)
        {
            throw new RankerConfigException("$.language_model.path", $"the language model '{full}' is not a valid model: {e.Message}", e);
        }

        return (lm, reference);
    }

    private static void CheckReference(LanguageModelReference reference)
    {
        if (string.IsNullOrWhiteSpace(reference.Path) || reference.Path.Length > 4096)
        {
            throw new RankerConfigException("$.language_model.path", "must be a non-blank file path of at most 4096 characters, relative to the config file.");
        }

        if (!LanguageModelReference.IsValidHash(reference.Sha256))
        {
            throw new RankerConfigException("$.language_model.sha256", "must be 64 lowercase hexadecimal digits (the SHA-256 of the language model file).");
        }

        if (reference.Order < 1 || reference.Order > CharLanguageModel.MaxOrder)
        {
            throw new RankerConfigException("$.language_model.order", string.Create(CultureInfo.InvariantCulture, $"{reference.Order} is outside [1, {CharLanguageModel.MaxOrder}]."));
        }
    }

    private static RankerConfigException Missing(string path) => new(path, "is missing.");

    private static string TooManyClasses(int classes) => string.Create(
        CultureInfo.InvariantCulture,
        $"{classes - 1} labels plus the blank make {classes} classes; at most {MaxClasses - 1} labels ({MaxClasses} classes) are supported, because candidate evaluation keeps tables that grow with the square of the class count.");

    private static CtcVocabulary ReadVocabulary(VocabularyDto v)
    {
        List<string> labels = v.Labels ?? throw Missing("$.vocabulary.labels");
        int blank = v.BlankIndex ?? throw Missing("$.vocabulary.blank_index");
        if (labels.Count == 0)
        {
            throw new RankerConfigException("$.vocabulary.labels", "must list at least 1 label.");
        }

        if (labels.Count + 1 > MaxClasses)
        {
            throw new RankerConfigException("$.vocabulary.labels", TooManyClasses(labels.Count + 1));
        }

        if (blank < 0 || blank > labels.Count)
        {
            throw new RankerConfigException("$.vocabulary.blank_index", $"{blank} is outside [0, {labels.Count}].");
        }

        char[] chars = new char[labels.Count];
        var seen = new HashSet<char>();
        for (int i = 0; i < labels.Count; i++)
        {
            string? s = labels[i];
            if (s is null || s.Length != 1 || s[0] == '\0' || char.IsSurrogate(s[0]))
            {
                throw new RankerConfigException(Path("vocabulary.labels", i), "each label must be a string of exactly one BMP character.");
            }

            if (!seen.Add(s[0]))
            {
                throw new RankerConfigException(Path("vocabulary.labels", i), $"label '{s}' (U+{(int)s[0]:X4}) is listed twice.");
            }

            chars[i] = s[0];
        }

        return CtcVocabulary.Create(chars, blank);
    }

    private static GeneratorOptions ReadGenerator(GeneratorDto g)
    {
        int maxCandidates = g.MaxCandidates ?? throw Missing("$.generator.max_candidates");
        int minCount = g.MinCount ?? throw Missing("$.generator.min_count");
        int topK = g.TopKPerLabel ?? throw Missing("$.generator.top_k_per_label");
        List<string> ops = g.Operations ?? throw Missing("$.generator.operations");
        EditOperations operations = EditOperations.None;
        for (int i = 0; i < ops.Count; i++)
        {
            EditOperations op = ops[i] switch
            {
                "sub" => EditOperations.Substitute,
                "del" => EditOperations.Delete,
                "ins" => EditOperations.Insert,
                _ => throw new RankerConfigException(Path("generator.operations", i), $"'{ops[i]}' is not an operation; use \"sub\", \"del\" or \"ins\"."),
            };
            if ((operations & op) != 0)
            {
                throw new RankerConfigException(Path("generator.operations", i), $"'{ops[i]}' is listed twice.");
            }

            operations |= op;
        }

        if (operations == EditOperations.None)
        {
            throw new RankerConfigException("$.generator.operations", "must enable at least one operation.");
        }

        InRange(maxCandidates, 1, GeneratorOptions.Limit, "$.generator.max_candidates");
        InRange(minCount, 1, int.MaxValue, "$.generator.min_count");
        InRange(topK, 1, GeneratorOptions.Limit, "$.generator.top_k_per_label");
        if (g.Shortlist is { } shortlist)
        {
            InRange(shortlist, 1, GeneratorOptions.Limit, "$.generator.shortlist");
        }

        try
        {
            return new GeneratorOptions { MaxCandidates = maxCandidates, MinCount = minCount, TopKPerLabel = topK, Operations = operations, Shortlist = g.Shortlist };
        }
        catch (ArgumentOutOfRangeException e)
        {
            string field = e.ParamName switch
            {
                nameof(GeneratorOptions.MaxCandidates) => "max_candidates",
                nameof(GeneratorOptions.MinCount) => "min_count",
                nameof(GeneratorOptions.TopKPerLabel) => "top_k_per_label",
                nameof(GeneratorOptions.Shortlist) => "shortlist",
                _ => "operations",
            };
            throw new RankerConfigException("$.generator." + field, e.Message.ReplaceLineEndings(" "), e);
        }
    }

    private static void InRange(int value, int min, int max, string path)
    {
        if (value < min || value > max)
        {
            throw new RankerConfigException(path, string.Create(CultureInfo.InvariantCulture, $"{value} is outside [{min}, {max}]."));
        }
    }

    private static int? NonNegative(int? value, string path) =>
        value is not < 0 ? value : throw new RankerConfigException(path, string.Create(CultureInfo.InvariantCulture, $"{value} must be ≥ 0."));

    private static int LabelId(CtcVocabulary vocabulary, string? label, string path)
    {
        if (label is null || label.Length != 1)
        {
            throw new RankerConfigException(path, "must be a string of exactly one character.");
        }

        if (!vocabulary.TryGetId(label[0], out int id))
        {
            throw new RankerConfigException(path, $"'{label}' (U+{(int)label[0]:X4}) is not in the vocabulary.");
        }

        return id;
    }

    private static ConfusionMap ReadConfusions(ConfusionsDto c, CtcVocabulary vocabulary)
    {
        var subs = new List<SubstitutionEntry>();
        var dels = new List<DeletionEntry>();
        var inss = new List<InsertionEntry>();
        int[] hypCounts = new int[vocabulary.Count];
        List<SubstitutionDto> subDtos = c.Substitutions ?? throw Missing("$.confusions.substitutions");
        for (int i = 0; i < subDtos.Count; i++)
        {
            string p = Path("confusions.substitutions", i);
            SubstitutionDto s = subDtos[i] ?? throw new RankerConfigException(p, "must be an object.");
            subs.Add(new SubstitutionEntry(LabelId(vocabulary, s.From, p + ".from"), LabelId(vocabulary, s.To, p + ".to"), s.Count ?? throw Missing(p + ".count")));
        }

        List<LabelCountDto> delDtos = c.Deletions ?? throw Missing("$.confusions.deletions");
        for (int i = 0; i < delDtos.Count; i++)
        {
            string p = Path("confusions.deletions", i);
            LabelCountDto d = delDtos[i] ?? throw new RankerConfigException(p, "must be an object.");
            dels.Add(new DeletionEntry(LabelId(vocabulary, d.Label, p + ".label"), d.Count ?? throw Missing(p + ".count")));
        }

        List<InsertionDto> insDtos = c.Insertions ?? throw Missing("$.confusions.insertions");
        for (int i = 0; i < insDtos.Count; i++)
        {
            string p = Path("confusions.insertions", i);
            InsertionDto d = insDtos[i] ?? throw new RankerConfigException(p, "must be an object.");
            int after = d.After is null ? -1 : LabelId(vocabulary, d.After, p + ".after");
            inss.Add(new InsertionEntry(LabelId(vocabulary, d.Label, p + ".label"), after, d.Count ?? throw Missing(p + ".count")));
        }

        List<LabelCountDto> hypDtos = c.HypothesisLabelCounts ?? throw Missing("$.confusions.hypothesis_label_counts");
        var seenHyp = new HashSet<int>();
        for (int i = 0; i < hypDtos.Count; i++)
        {
            string p = Path("confusions.hypothesis_label_counts", i);
            LabelCountDto d = hypDtos[i] ?? throw new RankerConfigException(p, "must be an object.");
            int id = LabelId(vocabulary, d.Label, p + ".label");
            int count = d.Count ?? throw Missing(p + ".count");
            if (!seenHyp.Add(id))
            {
                throw new RankerConfigException(p + ".label", $"'{d.Label}' is listed twice.");
            }

            if (count < 1)
            {
                throw new RankerConfigException(p + ".count", $"{count} must be ≥ 1.");
            }

            hypCounts[id] = count;
        }

        if (ConfusionMap.Validate(vocabulary, subs.ToArray(), dels.ToArray(), inss.ToArray(), hypCounts) is { } problem)
        {
            throw new RankerConfigException("$.confusions." + problem.Path, problem.Message);
        }

        return ConfusionMap.Create(vocabulary, subs.ToArray(), dels.ToArray(), inss.ToArray(), hypCounts);
    }

    private static RankerProvenance ReadProvenance(ProvenanceDto? p)
    {
        if (p is null)
        {
            return new RankerProvenance();
        }

        var modes = ImmutableArray.CreateBuilder<ModeMetrics>();
        for (int i = 0; i < (p.DevModes?.Count ?? 0); i++)
        {
            string path = Path("provenance.dev_modes", i);
            ModeMetricsDto m = p.DevModes![i] ?? throw new RankerConfigException(path, "must be an object.");
            modes.Add(new ModeMetrics(
                m.Mode ?? throw Missing(path + ".mode"),
                Finite(m.Cer ?? throw Missing(path + ".cer"), path + ".cer"),
                Finite(m.DeltaPp ?? throw Missing(path + ".delta_pp"), path + ".delta_pp"),
                NonNegative(m.Better, path + ".better") ?? throw Missing(path + ".better"),
                NonNegative(m.Same, path + ".same") ?? throw Missing(path + ".same"),
                NonNegative(m.Worse, path + ".worse") ?? throw Missing(path + ".worse"),
                NonNegative(m.Changed, path + ".changed") ?? throw Missing(path + ".changed")));
        }

        return new RankerProvenance
        {
            Description = p.Description,
            Trainer = p.Trainer,
            ToolVersion = p.ToolVersion,
            Options = p.Options,
            TrainData = p.TrainData,
            DevData = p.DevData,
            TrainRows = NonNegative(p.TrainRows, "$.provenance.train_rows"),
            DevRows = NonNegative(p.DevRows, "$.provenance.dev_rows"),
            TrainRowsSha256 = p.TrainRowsSha256 is null || LanguageModelReference.IsValidHash(p.TrainRowsSha256)
                ? p.TrainRowsSha256
                : throw new RankerConfigException("$.provenance.train_rows_sha256", "must be 64 lowercase hexadecimal digits."),
            TrainingExamples = NonNegative(p.TrainingExamples, "$.provenance.training_examples"),
            PositiveExamples = NonNegative(p.PositiveExamples, "$.provenance.positive_examples"),
            L2 = p.L2 is { } l2 ? Finite(l2, "$.provenance.l2") : null,
            GradientNorm = p.GradientNorm is { } gn ? Finite(gn, "$.provenance.gradient_norm") : null,
            Iterations = NonNegative(p.Iterations, "$.provenance.iterations"),
            DevBaselineCer = p.DevBaselineCer is { } b ? Finite(b, "$.provenance.dev_baseline_cer") : null,
            DevModes = modes.ToImmutable(),
            Notes = p.Notes,
        };
    }

    private static double Finite(double value, string path) =>
        double.IsFinite(value) ? value : throw new RankerConfigException(path, "must be a finite number.");

    private ConfigDto ToDto()
    {
        CtcVocabulary v = Vocabulary;
        var labels = new List<string>(v.Count - 1);
        for (int id = 0; id < v.Count; id++)
        {
            if (id != v.BlankIndex)
            {
                labels.Add(v.GetSymbol(id).ToString());
            }
        }

        string Sym(int id) => v.GetSymbol(id).ToString();
        var ops = new List<string>();
        if ((Generator.Operations & EditOperations.Substitute) != 0)
        {
            ops.Add("sub");
        }

        if ((Generator.Operations & EditOperations.Delete) != 0)
        {
            ops.Add("del");
        }

        if ((Generator.Operations & EditOperations.Insert) != 0)
        {
            ops.Add("ins");
        }

        var hypCounts = new List<LabelCountDto>();
        for (int id = 0; id < v.Count; id++)
        {
            int count = Confusions.GetHypothesisLabelCount(id);
            if (count > 0)
            {
                hypCounts.Add(new LabelCountDto { Label = Sym(id), Count = count });
            }
        }

        RankerProvenance p = Provenance;
        return new ConfigDto
        {
            SchemaVersion = Schema,
            Name = Name,
            Vocabulary = new VocabularyDto { BlankIndex = v.BlankIndex, Labels = labels },
            Features = [.. Features],
            Means = [.. Means],
            Stds = [.. Stds],
            Weights = [.. Weights],
            Bias = Bias,
            DefaultMode = DefaultMode,
            Modes = Modes.Select(m => new ModeDto { Name = m.Name, Threshold = m.Threshold, MinCtcGain = m.MinCtcGain, RevisionThreshold = m.RevisionThreshold }).ToList(),
            Generator = new GeneratorDto
            {
                MaxRounds = MaxRounds,
                MaxCandidates = Generator.MaxCandidates,
                MinCount = Generator.MinCount,
                TopKPerLabel = Generator.TopKPerLabel,
                Operations = ops,
                Shortlist = Generator.Shortlist,
            },
            LanguageModel = LanguageModelReference is { } lm ? new LanguageModelDto { Path = lm.Path, Sha256 = lm.Sha256, Order = lm.Order } : null,
            BeamRevision = BeamRevision is { } br ? ToDto(br) : null,
            InputProfile = InputProfile is { } ip ? ToDto(ip) : null,
            Confusions = new ConfusionsDto
            {
                Substitutions = Confusions.Substitutions.Select(s => new SubstitutionDto { From = Sym(s.From), To = Sym(s.To), Count = s.Count }).ToList(),
                Deletions = Confusions.Deletions.Select(d => new LabelCountDto { Label = Sym(d.Label), Count = d.Count }).ToList(),
                Insertions = Confusions.Insertions.Select(d => new InsertionDto { Label = Sym(d.Label), After = d.LeftContext < 0 ? null : Sym(d.LeftContext), Count = d.Count }).ToList(),
                HypothesisLabelCounts = hypCounts,
            },
            Provenance = new ProvenanceDto
            {
                Description = p.Description,
                Trainer = p.Trainer,
                ToolVersion = p.ToolVersion,
                Options = p.Options,
                TrainData = p.TrainData,
                DevData = p.DevData,
                TrainRows = p.TrainRows,
                DevRows = p.DevRows,
                TrainRowsSha256 = p.TrainRowsSha256,
                TrainingExamples = p.TrainingExamples,
                PositiveExamples = p.PositiveExamples,
                L2 = p.L2,
                GradientNorm = p.GradientNorm,
                Iterations = p.Iterations,
                DevBaselineCer = p.DevBaselineCer,
                DevModes = p.DevModes.IsDefaultOrEmpty ? null : p.DevModes.Select(m => new ModeMetricsDto
                {
                    Mode = m.Mode, Cer = m.Cer, DeltaPp = m.DeltaPp, Better = m.Better, Same = m.Same, Worse = m.Worse, Changed = m.Changed,
                }).ToList(),
                Notes = p.Notes,
            },
        };
    }
}
