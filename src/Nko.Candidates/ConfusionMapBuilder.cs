using System.Globalization;
using Nko.Ctc;

namespace Nko.Candidates;

/// <summary>Accumulates confusion counts (for example while aligning training hypotheses with references), then builds a <see cref="ConfusionMap"/>.</summary>
/// <remarks>
/// Adding the same entry twice adds the counts. <see cref="Build"/> emits the entries in a canonical order
/// (substitutions by From then To; deletions by label; insertions by left context then label) so the map does not
/// depend on the order counts were added in. Not thread-safe; the maps it builds are.
/// </remarks>
public sealed class ConfusionMapBuilder
{
    private readonly Dictionary<(int From, int To), long> _substitutions = [];
    private readonly Dictionary<int, long> _deletions = [];
    private readonly Dictionary<(int LeftContext, int Label), long> _insertions = [];
    private readonly Dictionary<int, long> _hypothesisLabels = [];

    /// <summary>Adds <paramref name="count"/> observations of the recogniser writing <paramref name="from"/> where the reference has <paramref name="to"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A label is negative or <paramref name="count"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="from"/> equals <paramref name="to"/>.</exception>
    public ConfusionMapBuilder AddSubstitution(int from, int to, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfNegative(to);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (from == to)
        {
            throw new ArgumentException("A substitution must change the label (from equals to).", nameof(to));
        }

        Add(_substitutions, (from, to), count);
        return this;
    }

    /// <summary>Adds <paramref name="count"/> observations of the recogniser inserting <paramref name="label"/> spuriously.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is negative or <paramref name="count"/> is less than 1.</exception>
    public ConfusionMapBuilder AddDeletion(int label, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Add(_deletions, label, count);
        return this;
    }

    /// <summary>Adds <paramref name="count"/> observations of the recogniser dropping <paramref name="label"/> after <paramref name="leftContext"/> (−1 = utterance start).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is negative, <paramref name="leftContext"/> is below −1, or <paramref name="count"/> is less than 1.</exception>
    public ConfusionMapBuilder AddInsertion(int label, int leftContext, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfLessThan(leftContext, InsertionEntry.UtteranceStart);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Add(_insertions, (leftContext, label), count);
        return this;
    }

    /// <summary>Adds <paramref name="count"/> occurrences of <paramref name="label"/> in the aligned hypotheses.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is negative or <paramref name="count"/> is less than 1.</exception>
    public ConfusionMapBuilder AddHypothesisLabel(int label, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Add(_hypothesisLabels, label, count);
        return this;
    }

    /// <summary>Counts every label of an aligned hypothesis into the hypothesis label counts.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A label is negative.</exception>
    public ConfusionMapBuilder AddHypothesis(ReadOnlySpan<int> hypothesis)
    {
        foreach (int label in hypothesis)
        {
            AddHypothesisLabel(label);
        }

        return this;
    }

    /// <summary>Builds the map for <paramref name="vocabulary"/>.</summary>
    /// <exception cref="ArgumentException">A label is not a non-blank label of the vocabulary (the message names the entry).</exception>
    /// <exception cref="InvalidOperationException">An accumulated count exceeds <see cref="int.MaxValue"/>.</exception>
    public ConfusionMap Build(CtcVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);

        var substitutions = new SubstitutionEntry[_substitutions.Count];
        int i = 0;
        foreach (((int from, int to), long count) in _substitutions)
        {
            substitutions[i++] = new SubstitutionEntry(from, to, Narrow(count));
        }

        Array.Sort(substitutions, static (x, y) => x.From != y.From ? x.From.CompareTo(y.From) : x.To.CompareTo(y.To));

        var deletions = new DeletionEntry[_deletions.Count];
        i = 0;
        foreach ((int label, long count) in _deletions)
        {
            deletions[i++] = new DeletionEntry(label, Narrow(count));
        }

        Array.Sort(deletions, static (x, y) => x.Label.CompareTo(y.Label));

        var insertions = new InsertionEntry[_insertions.Count];
        i = 0;
        foreach (((int left, int label), long count) in _insertions)
        {
            insertions[i++] = new InsertionEntry(label, left, Narrow(count));
        }

        Array.Sort(insertions, static (x, y) => x.LeftContext != y.LeftContext ? x.LeftContext.CompareTo(y.LeftContext) : x.Label.CompareTo(y.Label));

        int[] hypothesisCounts = new int[vocabulary.Count];
        foreach ((int label, long count) in _hypothesisLabels)
        {
            if (label >= hypothesisCounts.Length)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{ConfusionMap.HypothesisLabelCountsList}[{label}]: class {label} is outside the vocabulary of {vocabulary.Count} classes."),
                    nameof(vocabulary));
            }

            hypothesisCounts[label] = Narrow(count);
        }

        return ConfusionMap.Create(vocabulary, substitutions, deletions, insertions, hypothesisCounts);
    }

    private static void Add<TKey>(Dictionary<TKey, long> counts, TKey key, int count)
        where TKey : notnull
    {
        counts.TryGetValue(key, out long current);
        counts[key] = current + count;
    }

    private static int Narrow(long count) => count <= int.MaxValue
        ? (int)count
        : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"An accumulated count ({count}) exceeds {int.MaxValue}."));
}
