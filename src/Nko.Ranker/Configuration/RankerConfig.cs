using System.Collections.Immutable;
using System.Globalization;
using System.Text;
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
/// Instances are immutable and thread-safe. The schema is documented in the package README; the JSON mapping is
/// <see cref="RankerConfigJson"/> (over the DTOs of <c>ConfigDto.cs</c>), the validation <c>RankerConfig.Validation.cs</c>.
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

    // The one constructor every other and the JSON mapping go through: validates, then builds the ranker and generator.
    internal RankerConfig(
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
    /// <remarks>A schema-2 config cannot be loaded this way (its language model's path is relative to a folder): use <see cref="Load(Stream, string?)"/> or <see cref="LoadWithReferences(Stream, Func{string, Stream?})"/>.</remarks>
    public static RankerConfig Load(Stream stream) => Load(stream, null);

    /// <summary>
    /// Loads and validates a config from a stream; a schema-2 config's language model path is resolved against
    /// <paramref name="baseDirectory"/> (the folder the config was read from).
    /// </summary>
    /// <exception cref="RankerConfigException">The document is not a valid config, or its language model cannot be read, has another SHA-256 than recorded, or is invalid.</exception>
    public static RankerConfig Load(Stream stream, string? baseDirectory)
    {
        using MemoryStream buffer = ReadConfigBytes(stream);
        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), baseDirectory);
    }

    /// <summary>
    /// Loads and validates a config from a stream, with the files it references (a schema-2/3 config's language model)
    /// opened by <paramref name="openReference"/> instead of from a folder, e.g. from embedded resources or a package.
    /// </summary>
    /// <param name="stream">The config's UTF-8 JSON (read to its end; at most <see cref="MaxConfigBytes"/>); not disposed.</param>
    /// <param name="openReference">
    /// Called with a reference's path exactly as the config writes it (e.g. <c>ranker.nkolm</c>); returns a readable stream
    /// of its bytes (read to its end and disposed here), or <see langword="null"/> when it has no such file. Not called
    /// for a schema-1 config.
    /// </param>
    /// <returns>The config; <see cref="LanguageModelReference"/> is the reference as written, so <see cref="Save(string)"/> writes the same JSON.</returns>
    /// <remarks>The checks are those of <see cref="Load(string)"/>: the bytes must have the SHA-256 the config records, and be a valid model of the recorded order.</remarks>
    /// <exception cref="RankerConfigException">
    /// The document is not a valid config (<see cref="RankerConfigException.JsonPath"/> names where); the function returned
    /// <see langword="null"/> or its stream failed (<c>$.language_model.path</c>); the bytes have another SHA-256 than
    /// recorded (<c>$.language_model.sha256</c>) or are not a valid model.
    /// </exception>
    public static RankerConfig LoadWithReferences(Stream stream, Func<string, Stream?> openReference)
    {
        ArgumentNullException.ThrowIfNull(openReference);
        using MemoryStream buffer = ReadConfigBytes(stream);
        return RankerConfigJson.Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), null, openReference);
    }

    // Reads a config stream to its end, refusing more than MaxConfigBytes before holding them all.
    private static MemoryStream ReadConfigBytes(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek && stream.Length - stream.Position > MaxConfigBytes)
        {
            throw new RankerConfigException("$", $"the document is {stream.Length - stream.Position} bytes; configs are limited to {MaxConfigBytes} bytes.");
        }

        var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxConfigBytes)
            {
                buffer.Dispose();
                throw new RankerConfigException("$", $"the document exceeds {MaxConfigBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer;
    }

    /// <summary>Parses and validates a config from UTF-8 JSON (a leading UTF-8 byte order mark is skipped).</summary>
    public static RankerConfig Parse(ReadOnlySpan<byte> utf8Json) => Parse(utf8Json, null);

    /// <summary>
    /// Parses and validates a config from UTF-8 JSON; a schema-2 config's language model path is resolved against
    /// <paramref name="baseDirectory"/>.
    /// </summary>
    public static RankerConfig Parse(ReadOnlySpan<byte> utf8Json, string? baseDirectory) => RankerConfigJson.Read(utf8Json, baseDirectory);

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
    public byte[] ToUtf8Json() => RankerConfigJson.Write(this);
}
