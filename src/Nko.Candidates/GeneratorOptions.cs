namespace Nko.Candidates;

/// <summary>The bounds of the candidate generator, as the frozen config stores them. Immutable; every value is validated when it is set.</summary>
/// <remarks>
/// Invalid values throw <see cref="ArgumentOutOfRangeException"/> whose <see cref="ArgumentException.ParamName"/> is the
/// property name, so a config loader can name the offending field. Use <c>with</c> to derive variants:
/// <c>GeneratorOptions.Default with { MinCount = 3 }</c>.
/// </remarks>
public sealed record GeneratorOptions
{
    /// <summary>Default of <see cref="MaxCandidates"/>: 128 — enough for every licensed edit of a typical 40-label hypothesis with the default top-k, and cheap to rescore.</summary>
    public const int DefaultMaxCandidates = 128;

    /// <summary>Default of <see cref="MinCount"/>: 2 — an edit seen once in training is more likely an alignment accident than a habit of the recogniser.</summary>
    public const int DefaultMinCount = 2;

    /// <summary>Default of <see cref="TopKPerLabel"/>: 8 — the confusions of a label are heavy-tailed; beyond the first few the ranker rarely accepts one.</summary>
    public const int DefaultTopKPerLabel = 8;

    /// <summary>The largest allowed <see cref="MaxCandidates"/> and <see cref="TopKPerLabel"/> (65 536), so hostile configs cannot make the generator allocate without bound.</summary>
    public const int Limit = 1 << 16;

    /// <summary>The defaults: 128 candidates, minimum count 2, top 8 per label, all operations.</summary>
    public static GeneratorOptions Default { get; } = new();

    /// <summary>
    /// The most candidates one call to <see cref="CandidateGenerator.Generate(ReadOnlySpan{int}, Span{Candidate})"/>
    /// returns (one correction round), in [1, <see cref="Limit"/>]. Default <see cref="DefaultMaxCandidates"/>.
    /// </summary>
    public int MaxCandidates
    {
        get;
        init => field = Check(value, 1, Limit, nameof(MaxCandidates));
    }

    = DefaultMaxCandidates;

    /// <summary>A map entry licenses edits only if its count is at least this, in [1, <see cref="int.MaxValue"/>]. Default <see cref="DefaultMinCount"/>.</summary>
    public int MinCount
    {
        get;
        init => field = Check(value, 1, int.MaxValue, nameof(MinCount));
    }

    = DefaultMinCount;

    /// <summary>
    /// Per hypothesis label (substitutions) and per left context (insertions), only the this-many most frequent
    /// entries that pass <see cref="MinCount"/> license edits, in [1, <see cref="Limit"/>]. Default <see cref="DefaultTopKPerLabel"/>.
    /// </summary>
    public int TopKPerLabel
    {
        get;
        init => field = Check(value, 1, Limit, nameof(TopKPerLabel));
    }

    = DefaultTopKPerLabel;

    /// <summary>
    /// How many substitutions and insertions of a round are rescored exactly, in [1, <see cref="Limit"/>], or
    /// <see langword="null"/> (the default) to rescore every candidate. When the generator proposes more, the rescoring
    /// stage keeps the ones whose one-frame acoustic estimate (<c>CtcScorer.EstimateEdits</c>) is highest, ties in
    /// generator order, and drops the rest; deletions are always all rescored (one sweep scores every position). So
    /// <see cref="MaxCandidates"/> sets how widely the maps are searched and this sets how much exact CTC work a round does.
    /// </summary>
    /// <remarks>The generator itself does not read this bound; it travels with the others because the frozen config stores them together.</remarks>
    public int? Shortlist
    {
        get;
        init => field = value is { } v ? Check(v, 1, Limit, nameof(Shortlist)) : null;
    }

    /// <summary>Which kinds of edit are proposed; any combination of <see cref="EditOperations"/> flags. Default <see cref="EditOperations.All"/>.</summary>
    public EditOperations Operations
    {
        get;
        init => field = (value & ~EditOperations.All) == 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Operations), value, "Operations must be a combination of Substitute, Delete and Insert.");
    }

    = EditOperations.All;

    private static int Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {max}].");
        }

        return value;
    }
}
