using System.Collections.Immutable;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Nko.Candidates;
using Nko.Ctc;
using Nko.Lm;
using Nko.Ranker.Profiling;
using static Nko.Ranker.Configuration.RankerConfig;

namespace Nko.Ranker.Configuration;

/// <summary>
/// The JSON form of a <see cref="RankerConfig"/>: reading (this file: the DTOs of <c>ConfigDto.cs</c> to a validated
/// config, each problem named by its JSON path) and writing (<c>RankerConfigJson.Write.cs</c>: deterministic bytes).
/// The model and its validation know nothing of JSON but the paths they name problems by.
/// </summary>
internal static partial class RankerConfigJson
{
    // The JSON object types, to name the properties allowed where an unknown one is found.
    private static readonly Type[] DtoTypes =
    [
        typeof(ConfigDto), typeof(VocabularyDto), typeof(ModeDto), typeof(GeneratorDto), typeof(ConfusionsDto), typeof(SubstitutionDto),
        typeof(LabelCountDto), typeof(InsertionDto), typeof(ProvenanceDto), typeof(ModeMetricsDto), typeof(LanguageModelDto), typeof(BeamRevisionDto), typeof(SegmentKeyDto), typeof(InputProfileDto), typeof(InputStatisticDto),
    ];

    internal static readonly ConfigJsonContext Context = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        MaxDepth = 16,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.BasicLatin, UnicodeRanges.NKo),
        NewLine = "\n",
    });

    // Parses and validates UTF-8 JSON (a leading byte order mark is skipped); see RankerConfig.Parse.
    public static RankerConfig Read(ReadOnlySpan<byte> utf8Json, string? baseDirectory) => Read(utf8Json, baseDirectory, null);

    // As above; with an opener, a language model reference is opened by it (its path as written) instead of as a file.
    public static RankerConfig Read(ReadOnlySpan<byte> utf8Json, string? baseDirectory, Func<string, Stream?>? openReference)
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

        return FromDto(dto, baseDirectory, openReference);
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

    private static RankerConfig FromDto(ConfigDto dto, string? baseDirectory, Func<string, Stream?>? openReference)
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
                throw new RankerConfigException(ItemPath("features", k), "must be a string.");
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
            ModeDto m = modeDtos[i] ?? throw new RankerConfigException(ItemPath("modes", i), "must be an object.");
            modes.Add(new OperatingMode(
                m.Name ?? throw Missing(ItemPath("modes", i) + ".name"),
                m.Threshold ?? throw Missing(ItemPath("modes", i) + ".threshold"),
                m.MinCtcGain) { RevisionThreshold = m.RevisionThreshold });
        }

        string defaultMode = dto.DefaultMode ?? throw Missing("$.default_mode");
        GeneratorDto g = dto.Generator ?? throw Missing("$.generator");
        GeneratorOptions generator = ReadGenerator(g);
        int maxRounds = g.MaxRounds ?? throw Missing("$.generator.max_rounds");
        ConfusionMap confusions = ReadConfusions(dto.Confusions ?? throw Missing("$.confusions"), vocabulary);
        RankerProvenance provenance = ReadProvenance(dto.Provenance);
        (CharLanguageModel? lm, LanguageModelReference? reference) = dto.LanguageModel is { } lmDto ? ReadLanguageModel(lmDto, baseDirectory, openReference) : (null, null);
        BeamRevisionConfig? revision = dto.BeamRevision is { } br ? ReadBeamRevision(br) : null;
        Profiling.InputProfile? profile = dto.InputProfile is { } ip ? ReadInputProfile(ip) : null;
        return new RankerConfig(name, confusions, features, means, stds, weights, bias, modes.ToImmutable(), defaultMode, generator, maxRounds, provenance, lm, reference, revision, profile);
    }

    // The reference is checked field by field, then its bytes: found, its SHA-256 as recorded, loadable, of the recorded order.
    private static (CharLanguageModel, LanguageModelReference) ReadLanguageModel(LanguageModelDto dto, string? baseDirectory, Func<string, Stream?>? openReference)
    {
        string path = dto.Path ?? throw Missing("$.language_model.path");
        string sha = dto.Sha256 ?? throw Missing("$.language_model.sha256");
        int order = dto.Order ?? throw Missing("$.language_model.order");
        var reference = new LanguageModelReference(path, sha, order);
        CheckReference(reference);
        (byte[] bytes, string where) = openReference is null ? ReadReferenceFile(path, baseDirectory) : ReadReferenceStream(path, openReference);
        string actual = LanguageModelReference.HashOf(bytes);
        if (!string.Equals(actual, sha, StringComparison.Ordinal))
        {
            throw new RankerConfigException("$.language_model.sha256", $"the language model {where} has SHA-256 {actual}; the config expects {sha} (the file was changed or replaced).");
        }

        CharLanguageModel lm;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            lm = path.EndsWith(".arpa", StringComparison.OrdinalIgnoreCase) ? CharLanguageModel.LoadArpa(stream) : CharLanguageModel.Load(stream);
        }
        catch (LmFormatException e)
        {
            throw new RankerConfigException("$.language_model.path", $"the language model {where} is not a valid model: {e.Message}", e);
        }

        return (lm, reference);
    }

    // The reference as a file relative to the config's folder; returns its bytes and how messages name it.
    private static (byte[] Bytes, string Where) ReadReferenceFile(string path, string? baseDirectory)
    {
        if (baseDirectory is null && !System.IO.Path.IsPathRooted(path))
        {
            throw new RankerConfigException("$.language_model.path", $"'{path}' is relative to the config file's folder, which is unknown here: load the config with RankerConfig.Load(path), pass its folder, or pass a function that opens it.");
        }

        string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory ?? string.Empty, path));
        try
        {
            return (File.ReadAllBytes(full), $"'{full}'");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RankerConfigException("$.language_model.path", $"the language model '{path}' (resolved to '{full}') cannot be read: {e.Message}", e);
        }
    }

    // The reference opened by the caller's function (e.g. from embedded resources); the stream is read to its end and disposed.
    private static (byte[] Bytes, string Where) ReadReferenceStream(string path, Func<string, Stream?> openReference)
    {
        string where = $"'{path}' (opened by the caller's function)";
        try
        {
            using Stream stream = openReference(path)
                ?? throw new RankerConfigException("$.language_model.path", $"the language model '{path}' was not found: the function that opens the config's references returned null for it.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return (buffer.ToArray(), where);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new RankerConfigException("$.language_model.path", $"the language model {where} cannot be read: {e.Message}", e);
        }
    }

    private static RankerConfigException Missing(string path) => new(path, "is missing.");

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
                throw new RankerConfigException(ItemPath("vocabulary.labels", i), "each label must be a string of exactly one BMP character.");
            }

            if (!seen.Add(s[0]))
            {
                throw new RankerConfigException(ItemPath("vocabulary.labels", i), $"label '{s}' (U+{(int)s[0]:X4}) is listed twice.");
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
                _ => throw new RankerConfigException(ItemPath("generator.operations", i), $"'{ops[i]}' is not an operation; use \"sub\", \"del\" or \"ins\"."),
            };
            if ((operations & op) != 0)
            {
                throw new RankerConfigException(ItemPath("generator.operations", i), $"'{ops[i]}' is listed twice.");
            }

            operations |= op;
        }

        if (operations == EditOperations.None)
        {
            throw new RankerConfigException("$.generator.operations", "must enable at least one operation.");
        }

        // GeneratorOptions checks each value as it is set; its exception names the property, mapped here to the JSON field.
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
            throw new RankerConfigException("$.generator." + field, OutOfRange(e), e);
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
            string p = ItemPath("confusions.substitutions", i);
            SubstitutionDto s = subDtos[i] ?? throw new RankerConfigException(p, "must be an object.");
            subs.Add(new SubstitutionEntry(LabelId(vocabulary, s.From, p + ".from"), LabelId(vocabulary, s.To, p + ".to"), s.Count ?? throw Missing(p + ".count")));
        }

        List<LabelCountDto> delDtos = c.Deletions ?? throw Missing("$.confusions.deletions");
        for (int i = 0; i < delDtos.Count; i++)
        {
            string p = ItemPath("confusions.deletions", i);
            LabelCountDto d = delDtos[i] ?? throw new RankerConfigException(p, "must be an object.");
            dels.Add(new DeletionEntry(LabelId(vocabulary, d.Label, p + ".label"), d.Count ?? throw Missing(p + ".count")));
        }

        List<InsertionDto> insDtos = c.Insertions ?? throw Missing("$.confusions.insertions");
        for (int i = 0; i < insDtos.Count; i++)
        {
            string p = ItemPath("confusions.insertions", i);
            InsertionDto d = insDtos[i] ?? throw new RankerConfigException(p, "must be an object.");
            int after = d.After is null ? -1 : LabelId(vocabulary, d.After, p + ".after");
            inss.Add(new InsertionEntry(LabelId(vocabulary, d.Label, p + ".label"), after, d.Count ?? throw Missing(p + ".count")));
        }

        List<LabelCountDto> hypDtos = c.HypothesisLabelCounts ?? throw Missing("$.confusions.hypothesis_label_counts");
        var seenHyp = new HashSet<int>();
        for (int i = 0; i < hypDtos.Count; i++)
        {
            string p = ItemPath("confusions.hypothesis_label_counts", i);
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
            throw new RankerConfigException(ConfusionsPath(problem), problem.Message);
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
            string path = ItemPath("provenance.dev_modes", i);
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

    // ConfusionMap names a problem by .NET names (the Create parameter and the entry property); the JSON names differ.
    private static string ConfusionsPath(ConfusionMapProblem problem)
    {
        string list = problem.List == ConfusionMap.HypothesisLabelCountsList ? "hypothesis_label_counts" : problem.List;
        string? field = problem.Field switch
        {
            null => null,
            nameof(InsertionEntry.LeftContext) => "after",
            var f => f.ToLowerInvariant(), // From, To, Label, Count
        };
        string entry = problem.Index < 0 ? list : string.Create(CultureInfo.InvariantCulture, $"{list}[{problem.Index}]");
        return "$.confusions." + entry + (field is null ? string.Empty : "." + field);
    }

    // One line in the config's terms: an options type's range message without .NET's parameter suffix.
    private static string OutOfRange(ArgumentOutOfRangeException e)
    {
        string message = e.Message.ReplaceLineEndings(" ");
        int cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return string.Create(CultureInfo.InvariantCulture, $"{e.ActualValue} is invalid: {(cut > 0 ? message[..cut] : message)}");
    }

    private static BeamRevisionConfig ReadBeamRevision(BeamRevisionDto dto)
    {
        const string P = "$.beam_revision";
        int beamWidth = dto.BeamWidth ?? throw Missing(P + ".beam_width");
        double cutoff = dto.TokenCutoff ?? throw Missing(P + ".token_cutoff");
        double pruning = dto.BeamPruning ?? throw Missing(P + ".beam_pruning");
        double alpha = dto.Alpha ?? throw Missing(P + ".alpha");
        double beta = dto.Beta ?? throw Missing(P + ".beta");
        int nbest = dto.NBest ?? throw Missing(P + ".nbest");
        BeamSearchOptions search;
        try
        {
            // BeamSearchOptions checks each value as it is set; its exception names the property, mapped to the JSON field.
            search = new BeamSearchOptions { BeamWidth = beamWidth, TokenLogProbCutoff = cutoff, BeamPruning = pruning, LmWeight = alpha, LengthBonus = beta, NBest = nbest };
        }
        catch (ArgumentOutOfRangeException e)
        {
            string field = e.ParamName switch
            {
                nameof(BeamSearchOptions.BeamWidth) => "beam_width",
                nameof(BeamSearchOptions.TokenLogProbCutoff) => "token_cutoff",
                nameof(BeamSearchOptions.BeamPruning) => "beam_pruning",
                nameof(BeamSearchOptions.LmWeight) => "alpha",
                nameof(BeamSearchOptions.LengthBonus) => "beta",
                _ => "nbest",
            };
            throw new RankerConfigException(P + "." + field, OutOfRange(e), e);
        }

        List<string> features = dto.Features ?? throw Missing(P + ".features");
        for (int k = 0; k < features.Count; k++)
        {
            if (features[k] is null)
            {
                throw new RankerConfigException(ItemPath("beam_revision.features", k), "must be a string.");
            }
        }

        List<SegmentKeyDto> keyDtos = dto.Keys ?? throw Missing(P + ".keys");
        var keys = ImmutableArray.CreateBuilder<SegmentKeyCount>(keyDtos.Count);
        for (int i = 0; i < keyDtos.Count; i++)
        {
            string path = ItemPath("beam_revision.keys", i);
            SegmentKeyDto k = keyDtos[i] ?? throw new RankerConfigException(path, "must be an object.");
            keys.Add(new SegmentKeyCount(
                k.From ?? throw Missing(path + ".from"),
                k.To ?? throw Missing(path + ".to"),
                k.Left,
                k.Right,
                k.Helped ?? throw Missing(path + ".helped"),
                k.Seen ?? throw Missing(path + ".seen")));
        }

        return new BeamRevisionConfig(
            search,
            [.. features],
            [.. dto.Means ?? throw Missing(P + ".means")],
            [.. dto.Stds ?? throw Missing(P + ".stds")],
            [.. dto.Weights ?? throw Missing(P + ".weights")],
            dto.Bias ?? throw Missing(P + ".bias"),
            keys.MoveToImmutable());
    }

    private static InputProfile ReadInputProfile(InputProfileDto dto)
    {
        int utterances = dto.Utterances ?? throw Missing("$.input_profile.utterances");
        List<InputStatisticDto> list = dto.Statistics ?? throw Missing("$.input_profile.statistics");
        var stats = ImmutableArray.CreateBuilder<InputStatistic>(list.Count);
        for (int k = 0; k < list.Count; k++)
        {
            string path = ItemPath("input_profile.statistics", k);
            InputStatisticDto s = list[k] ?? throw new RankerConfigException(path, "must be an object.");
            stats.Add(new InputStatistic(
                s.Name ?? throw Missing(path + ".name"),
                s.Mean ?? throw Missing(path + ".mean"),
                s.Std ?? throw Missing(path + ".std"),
                [.. s.Quantiles ?? throw Missing(path + ".quantiles")]));
        }

        return new InputProfile(utterances, stats.MoveToImmutable());
    }
}
