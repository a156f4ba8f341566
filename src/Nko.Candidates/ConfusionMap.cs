using System.Collections.Immutable;
using System.Globalization;
using Nko.Ctc;

namespace Nko.Candidates;

/// <summary>
/// Frozen confusion maps learned from (hypothesis, reference) alignments: which labels the recogniser substitutes,
/// inserts spuriously (so a correction deletes them) and drops (so a correction inserts them after a left context),
/// with counts, plus how often each label occurred in the aligned hypotheses.
/// </summary>
/// <remarks>
/// <para>
/// Create one with <see cref="Create"/> (validated: throws on the first problem <see cref="Validate"/> reports) or
/// with <see cref="ConfusionMapBuilder"/>. Instances are immutable and safe to share between threads.
/// </para>
/// <para>
/// The entry lists keep the order they were given in, so a config saved from a map and loaded again saves the same
/// bytes. Every lookup is O(1) and returns 0 (or an empty span) for ids without an entry, including ids outside
/// the vocabulary; none throws or allocates.
/// </para>
/// </remarks>
public sealed class ConfusionMap
{
    /// <summary>Name of the substitution list in <see cref="ConfusionMapProblem.List"/> and exception messages.</summary>
    public const string SubstitutionsList = "substitutions";

    /// <summary>Name of the deletion list in <see cref="ConfusionMapProblem.List"/> and exception messages.</summary>
    public const string DeletionsList = "deletions";

    /// <summary>Name of the insertion list in <see cref="ConfusionMapProblem.List"/> and exception messages.</summary>
    public const string InsertionsList = "insertions";

    /// <summary>Name of the hypothesis label count array in <see cref="ConfusionMapProblem.List"/> and exception messages.</summary>
    public const string HypothesisLabelCountsList = "hypothesisLabelCounts";

    private readonly PairCountTable _substitutionCounts; // (from, to)
    private readonly PairCountTable _insertionCounts; // (leftContext + 1, label)
    private readonly long[] _substitutionTotals; // by from
    private readonly int[] _deletionCounts; // by label
    private readonly long[] _insertionTotals; // by label
    private readonly int[] _hypothesisCounts; // by label
    private readonly SubstitutionEntry[] _substitutionsByFrom; // grouped by From; Count desc, To asc within a group
    private readonly int[] _substitutionStart; // C + 1 offsets into _substitutionsByFrom
    private readonly InsertionEntry[] _insertionsByContext; // grouped by LeftContext; Count desc, Label asc within a group
    private readonly int[] _insertionStart; // C + 2 offsets (context −1 first)

    private ConfusionMap(
        CtcVocabulary vocabulary,
        ReadOnlySpan<SubstitutionEntry> substitutions,
        ReadOnlySpan<DeletionEntry> deletions,
        ReadOnlySpan<InsertionEntry> insertions,
        ReadOnlySpan<int> hypothesisLabelCounts)
    {
        int c = vocabulary.Count;
        Vocabulary = vocabulary;
        Substitutions = [.. substitutions];
        Deletions = [.. deletions];
        Insertions = [.. insertions];
        HypothesisLabelCounts = [.. hypothesisLabelCounts];

        _substitutionCounts = new PairCountTable(c, c, substitutions.Length);
        _substitutionTotals = new long[c];
        foreach (SubstitutionEntry e in substitutions)
        {
            _substitutionCounts.Set(e.From, e.To, e.Count);
            _substitutionTotals[e.From] += e.Count;
            TotalSubstitutionCount += e.Count;
        }

        _deletionCounts = new int[c];
        foreach (DeletionEntry e in deletions)
        {
            _deletionCounts[e.Label] = e.Count;
            TotalDeletionCount += e.Count;
        }

        _insertionCounts = new PairCountTable(c + 1, c, insertions.Length);
        _insertionTotals = new long[c];
        foreach (InsertionEntry e in insertions)
        {
            _insertionCounts.Set(e.LeftContext + 1, e.Label, e.Count);
            _insertionTotals[e.Label] += e.Count;
            TotalInsertionCount += e.Count;
        }

        _hypothesisCounts = hypothesisLabelCounts.ToArray();
        foreach (int n in hypothesisLabelCounts)
        {
            TotalHypothesisLabelCount += n;
        }

        _substitutionsByFrom = substitutions.ToArray();
        Array.Sort(_substitutionsByFrom, static (x, y) =>
            x.From != y.From ? x.From.CompareTo(y.From)
            : x.Count != y.Count ? y.Count.CompareTo(x.Count)
            : x.To.CompareTo(y.To));
        _substitutionStart = GroupStarts(_substitutionsByFrom, c, static e => e.From);

        _insertionsByContext = insertions.ToArray();
        Array.Sort(_insertionsByContext, static (x, y) =>
            x.LeftContext != y.LeftContext ? x.LeftContext.CompareTo(y.LeftContext)
            : x.Count != y.Count ? y.Count.CompareTo(x.Count)
            : x.Label.CompareTo(y.Label));
        _insertionStart = GroupStarts(_insertionsByContext, c + 1, static e => e.LeftContext + 1);
    }

    /// <summary>The vocabulary whose class ids the entries use.</summary>
    public CtcVocabulary Vocabulary { get; }

    /// <summary>The substitution entries, in the order they were given.</summary>
    public ImmutableArray<SubstitutionEntry> Substitutions { get; }

    /// <summary>The deletion entries, in the order they were given.</summary>
    public ImmutableArray<DeletionEntry> Deletions { get; }

    /// <summary>The insertion entries, in the order they were given.</summary>
    public ImmutableArray<InsertionEntry> Insertions { get; }

    /// <summary>How often each class occurred in the aligned hypotheses, by class id (length = <see cref="CtcVocabulary.Count"/>; 0 at the blank).</summary>
    public ImmutableArray<int> HypothesisLabelCounts { get; }

    /// <summary>Sum of the counts of all substitution entries.</summary>
    public long TotalSubstitutionCount { get; }

    /// <summary>Sum of the counts of all deletion entries.</summary>
    public long TotalDeletionCount { get; }

    /// <summary>Sum of the counts of all insertion entries.</summary>
    public long TotalInsertionCount { get; }

    /// <summary>Sum of <see cref="HypothesisLabelCounts"/>: the number of labels in the aligned hypotheses.</summary>
    public long TotalHypothesisLabelCount { get; }

    /// <summary>A map with no entries and all hypothesis label counts 0.</summary>
    public static ConfusionMap Empty(CtcVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return new ConfusionMap(vocabulary, [], [], [], new int[vocabulary.Count]);
    }

    /// <summary>Creates a validated map.</summary>
    /// <param name="vocabulary">The vocabulary whose class ids the entries use.</param>
    /// <param name="substitutions">Substitution entries: non-blank labels, From ≠ To, Count ≥ 1, no (From, To) twice.</param>
    /// <param name="deletions">Deletion entries: a non-blank label, Count ≥ 1, no label twice.</param>
    /// <param name="insertions">Insertion entries: a non-blank label, a non-blank left context or −1, Count ≥ 1, no (Label, LeftContext) twice.</param>
    /// <param name="hypothesisLabelCounts">One count ≥ 0 per class id (length = <see cref="CtcVocabulary.Count"/>), 0 at the blank.</param>
    /// <exception cref="ArgumentException">An entry is invalid; the message starts with its path, e.g. <c>substitutions[3].To</c>.</exception>
    public static ConfusionMap Create(
        CtcVocabulary vocabulary,
        ReadOnlySpan<SubstitutionEntry> substitutions,
        ReadOnlySpan<DeletionEntry> deletions,
        ReadOnlySpan<InsertionEntry> insertions,
        ReadOnlySpan<int> hypothesisLabelCounts)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (Validate(vocabulary, substitutions, deletions, insertions, hypothesisLabelCounts) is { } problem)
        {
            string parameter = problem.List switch
            {
                SubstitutionsList => nameof(substitutions),
                DeletionsList => nameof(deletions),
                InsertionsList => nameof(insertions),
                _ => nameof(hypothesisLabelCounts),
            };
            throw new ArgumentException(problem.ToString(), parameter);
        }

        return new ConfusionMap(vocabulary, substitutions, deletions, insertions, hypothesisLabelCounts);
    }

    /// <summary>
    /// Checks the parts of a map without building it and returns the first problem, or <see langword="null"/> when
    /// there is none. Lists are checked in the order substitutions, deletions, insertions, hypothesis label counts;
    /// entries in index order; within an entry, the fields in declaration order, then duplication.
    /// </summary>
    public static ConfusionMapProblem? Validate(
        CtcVocabulary vocabulary,
        ReadOnlySpan<SubstitutionEntry> substitutions,
        ReadOnlySpan<DeletionEntry> deletions,
        ReadOnlySpan<InsertionEntry> insertions,
        ReadOnlySpan<int> hypothesisLabelCounts)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);

        var seenPairs = new Dictionary<(int, int), int>();
        for (int i = 0; i < substitutions.Length; i++)
        {
            SubstitutionEntry e = substitutions[i];
            if (CheckLabel(vocabulary, SubstitutionsList, i, nameof(SubstitutionEntry.From), e.From) is { } p1)
            {
                return p1;
            }

            if (CheckLabel(vocabulary, SubstitutionsList, i, nameof(SubstitutionEntry.To), e.To) is { } p2)
            {
                return p2;
            }

            if (e.To == e.From)
            {
                return new ConfusionMapProblem(SubstitutionsList, i, nameof(SubstitutionEntry.To), Invariant($"equals From ({e.From}): a substitution must change the label."));
            }

            if (CheckCount(SubstitutionsList, i, e.Count) is { } p3)
            {
                return p3;
            }

            if (!seenPairs.TryAdd((e.From, e.To), i))
            {
                return new ConfusionMapProblem(SubstitutionsList, i, null, Invariant($"duplicates {SubstitutionsList}[{seenPairs[(e.From, e.To)]}] (From {e.From}, To {e.To})."));
            }
        }

        var seenLabels = new Dictionary<int, int>();
        for (int i = 0; i < deletions.Length; i++)
        {
            DeletionEntry e = deletions[i];
            if (CheckLabel(vocabulary, DeletionsList, i, nameof(DeletionEntry.Label), e.Label) is { } p1)
            {
                return p1;
            }

            if (CheckCount(DeletionsList, i, e.Count) is { } p2)
            {
                return p2;
            }

            if (!seenLabels.TryAdd(e.Label, i))
            {
                return new ConfusionMapProblem(DeletionsList, i, null, Invariant($"duplicates {DeletionsList}[{seenLabels[e.Label]}] (Label {e.Label})."));
            }
        }

        seenPairs.Clear();
        for (int i = 0; i < insertions.Length; i++)
        {
            InsertionEntry e = insertions[i];
            if (CheckLabel(vocabulary, InsertionsList, i, nameof(InsertionEntry.Label), e.Label) is { } p1)
            {
                return p1;
            }

            if (e.LeftContext != InsertionEntry.UtteranceStart && CheckLabel(vocabulary, InsertionsList, i, nameof(InsertionEntry.LeftContext), e.LeftContext) is { } p2)
            {
                return p2 with { Message = p2.Message + " Use -1 for the start of the utterance." };
            }

            if (CheckCount(InsertionsList, i, e.Count) is { } p3)
            {
                return p3;
            }

            if (!seenPairs.TryAdd((e.Label, e.LeftContext), i))
            {
                return new ConfusionMapProblem(InsertionsList, i, null, Invariant($"duplicates {InsertionsList}[{seenPairs[(e.Label, e.LeftContext)]}] (Label {e.Label}, LeftContext {e.LeftContext})."));
            }
        }

        if (hypothesisLabelCounts.Length != vocabulary.Count)
        {
            return new ConfusionMapProblem(HypothesisLabelCountsList, -1, null, Invariant($"has {hypothesisLabelCounts.Length} counts; the vocabulary has {vocabulary.Count} classes."));
        }

        for (int i = 0; i < hypothesisLabelCounts.Length; i++)
        {
            if (hypothesisLabelCounts[i] < 0)
            {
                return new ConfusionMapProblem(HypothesisLabelCountsList, i, null, Invariant($"count {hypothesisLabelCounts[i]} is negative."));
            }

            if (i == vocabulary.BlankIndex && hypothesisLabelCounts[i] != 0)
            {
                return new ConfusionMapProblem(HypothesisLabelCountsList, i, null, Invariant($"class {i} is the blank, which never occurs in a hypothesis: its count must be 0, not {hypothesisLabelCounts[i]}."));
            }
        }

        return null;
    }

    /// <summary>Count of the substitution entry (<paramref name="from"/> → <paramref name="to"/>); 0 if there is none.</summary>
    public int GetSubstitutionCount(int from, int to) => _substitutionCounts.Get(from, to);

    /// <summary>Sum of the counts of all substitution entries from <paramref name="from"/>; 0 if there are none.</summary>
    public long GetSubstitutionTotal(int from) => (uint)from < (uint)_substitutionTotals.Length ? _substitutionTotals[from] : 0;

    /// <summary>Count of the deletion entry of <paramref name="label"/>; 0 if there is none.</summary>
    public int GetDeletionCount(int label) => (uint)label < (uint)_deletionCounts.Length ? _deletionCounts[label] : 0;

    /// <summary>Count of the insertion entry (<paramref name="label"/> after <paramref name="leftContext"/>, −1 = utterance start); 0 if there is none.</summary>
    public int GetInsertionCount(int label, int leftContext) =>
        leftContext >= InsertionEntry.UtteranceStart ? _insertionCounts.Get(leftContext + 1, label) : 0;

    /// <summary>Sum of the counts of all insertion entries of <paramref name="label"/>, over every left context; 0 if there are none.</summary>
    public long GetInsertionTotal(int label) => (uint)label < (uint)_insertionTotals.Length ? _insertionTotals[label] : 0;

    /// <summary>How often <paramref name="label"/> occurred in the aligned hypotheses; 0 for ids outside the vocabulary.</summary>
    public int GetHypothesisLabelCount(int label) => (uint)label < (uint)_hypothesisCounts.Length ? _hypothesisCounts[label] : 0;

    /// <summary>The substitution entries from <paramref name="from"/>, by count descending then To ascending (the generator's top-k order); empty if none.</summary>
    public ReadOnlySpan<SubstitutionEntry> GetSubstitutionsFrom(int from) =>
        (uint)from < (uint)Vocabulary.Count
            ? _substitutionsByFrom.AsSpan(_substitutionStart[from], _substitutionStart[from + 1] - _substitutionStart[from])
            : [];

    /// <summary>The insertion entries with left context <paramref name="leftContext"/> (−1 = utterance start), by count descending then label ascending; empty if none.</summary>
    public ReadOnlySpan<InsertionEntry> GetInsertionsAfter(int leftContext)
    {
        int row = leftContext + 1;
        return (uint)row <= (uint)Vocabulary.Count
            ? _insertionsByContext.AsSpan(_insertionStart[row], _insertionStart[row + 1] - _insertionStart[row])
            : [];
    }

    /// <inheritdoc />
    public override string ToString() => Invariant(
        $"ConfusionMap(substitutions={Substitutions.Length}, deletions={Deletions.Length}, insertions={Insertions.Length}, hypothesis labels={TotalHypothesisLabelCount})");

    private static int[] GroupStarts<T>(T[] sorted, int groups, Func<T, int> group)
    {
        int[] start = new int[groups + 1];
        foreach (T e in sorted)
        {
            start[group(e) + 1]++;
        }

        for (int g = 0; g < groups; g++)
        {
            start[g + 1] += start[g];
        }

        return start;
    }

    private static ConfusionMapProblem? CheckLabel(CtcVocabulary vocabulary, string list, int index, string field, int label)
    {
        if (vocabulary.IsLabel(label))
        {
            return null;
        }

        string why = label == vocabulary.BlankIndex ? "is the blank" : "is outside the vocabulary";
        return new ConfusionMapProblem(list, index, field, Invariant(
            $"class {label} {why}; labels are the non-blank class ids of [0, {vocabulary.Count}) (blank = {vocabulary.BlankIndex})."));
    }

    private static ConfusionMapProblem? CheckCount(string list, int index, int count) =>
        count >= 1 ? null : new ConfusionMapProblem(list, index, "Count", Invariant($"Count {count} must be at least 1."));

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
