using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Nko.Ctc;

namespace Nko.Candidates;

/// <summary>
/// The bounded, deterministic candidate generator: every single SUB/DEL/INS edit of a hypothesis that the confusion
/// maps license under the <see cref="GeneratorOptions"/>, without no-ops or duplicates, in a documented total order.
/// </summary>
/// <remarks>
/// <para>Which edits are licensed (n = hypothesis length, k = <see cref="GeneratorOptions.TopKPerLabel"/>):</para>
/// <list type="bullet">
/// <item><b>SUB at i</b> (0 ≤ i &lt; n): hyp[i] → To, for the k most frequent substitution entries from hyp[i] with count ≥ MinCount.</item>
/// <item><b>DEL at i</b>: if the deletion entry of hyp[i] has count ≥ MinCount.</item>
/// <item><b>INS of x before i</b> (0 ≤ i ≤ n): for the k most frequent insertion entries of left context hyp[i−1] (−1 at i = 0) with count ≥ MinCount.</item>
/// </list>
/// <para>
/// Equivalent edits are merged: deleting any label of a run of equal labels, or inserting x anywhere in or next to
/// a run of x, yields the same sequence. Each such group becomes one candidate at its leftmost position (the start
/// of the run) with the largest count of the edits it merges. So no two candidates yield the same sequence, and
/// no candidate is a no-op (substitution entries never map a label to itself).
/// </para>
/// <para>
/// The candidates are ordered by <see cref="Candidate.Compare"/> (count descending, then substitute &lt; delete &lt;
/// insert, then position, then label) and the first <see cref="GeneratorOptions.MaxCandidates"/> are returned.
/// The order is total, so the output depends only on the hypothesis, the map and the options.
/// </para>
/// <para>
/// Cost: two passes over the N licensed edits plus one over the R distinct counts of licensed map entries, O(N + R),
/// with no sort: the first pass counts the edits per count, which places the cutoff (the count of the
/// <see cref="GeneratorOptions.MaxCandidates"/>-th best edit); the second writes each kept edit straight into its
/// slot of the destination (a counting sort by count, stable because the edits are produced in the order of the
/// remaining keys). The histogram is a stack buffer, or a pooled array for maps with very many distinct counts; its
/// buckets stop counting at <see cref="GeneratorOptions.MaxCandidates"/>, which is all the cutoff needs, so no input
/// length can overflow them.
/// </para>
/// <para>Instances are immutable and thread-safe; the span overload allocates nothing.</para>
/// </remarks>
public sealed class CandidateGenerator
{
    /// <summary>The most distinct licensed counts whose histogram lives on the stack; more use a pooled array.</summary>
    internal const int StackHistogramRanks = 1024;

    // A count's rank is its index among the distinct counts of the licensed entries, largest first, so rank order is
    // candidate order on counts. Every licensed edit below is stored with the rank of its count.
    private readonly int[] _countByRank;
    private readonly LicensedLabel[] _substitutions; // grouped by From: (To, rank), by rank then To (the map's top-k order)
    private readonly int[] _substitutionStart; // C + 1 offsets into _substitutions, by From
    private readonly int[] _deletionRank; // by label: rank of the licensed deletion, or -1
    private readonly LicensedLabel[] _insertions; // grouped by left context: (label, rank), by rank then label
    private readonly int[] _insertionStart; // C + 2 offsets into _insertions, by left context + 1
    private readonly PairCountTable _insertionRankPlusOne; // (left context + 1, label) → rank + 1 of the licensed insertion, 0 if none
    private readonly int[] _selfInsertionRank; // by label x: rank of the licensed insertion of x after x, or -1
    private readonly bool _hasDeletions;

    /// <summary>Creates a generator, checking that <paramref name="map"/> was built for <paramref name="vocabulary"/>.</summary>
    /// <exception cref="ArgumentException">The map's vocabulary is not equal to <paramref name="vocabulary"/>.</exception>
    public CandidateGenerator(ConfusionMap map, GeneratorOptions options, CtcVocabulary vocabulary)
        : this(map, options)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (!map.Vocabulary.Equals(vocabulary))
        {
            throw new ArgumentException($"The confusion map was built for {map.Vocabulary}, not for {vocabulary}.", nameof(vocabulary));
        }
    }

    /// <summary>Creates a generator over <paramref name="map"/> (and its vocabulary) with the given bounds.</summary>
    public CandidateGenerator(ConfusionMap map, GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(options);
        Map = map;
        Options = options;

        int c = map.Vocabulary.Count;
        int k = options.TopKPerLabel;
        int min = options.MinCount;
        EditOperations ops = options.Operations;
        bool substitute = (ops & EditOperations.Substitute) != 0;
        bool delete = (ops & EditOperations.Delete) != 0;
        bool insert = (ops & EditOperations.Insert) != 0;

        // The licensed entries: the first k of each sorted list whose count passes MinCount.
        int[] substitutionTake = new int[c];
        int[] insertionTake = new int[c + 1];
        var counts = new HashSet<int>();
        for (int label = 0; label < c; label++)
        {
            if (substitute)
            {
                ReadOnlySpan<SubstitutionEntry> entries = map.GetSubstitutionsFrom(label);
                substitutionTake[label] = Take(entries, k, min);
                foreach (SubstitutionEntry e in entries[..substitutionTake[label]])
                {
                    counts.Add(e.Count);
                }
            }

            if (delete && map.GetDeletionCount(label) >= min)
            {
                counts.Add(map.GetDeletionCount(label));
            }
        }

        for (int context = InsertionEntry.UtteranceStart; context < c && insert; context++)
        {
            ReadOnlySpan<InsertionEntry> entries = map.GetInsertionsAfter(context);
            insertionTake[context + 1] = Take(entries, k, min);
            foreach (InsertionEntry e in entries[..insertionTake[context + 1]])
            {
                counts.Add(e.Count);
            }
        }

        _countByRank = [.. counts];
        Array.Sort(_countByRank, static (x, y) => y.CompareTo(x));
        var rankOf = new Dictionary<int, int>(_countByRank.Length);
        for (int rank = 0; rank < _countByRank.Length; rank++)
        {
            rankOf.Add(_countByRank[rank], rank);
        }

        _substitutionStart = new int[c + 1];
        _substitutions = new LicensedLabel[substitutionTake.Sum()];
        _deletionRank = new int[c];
        for (int label = 0, next = 0; label < c; label++)
        {
            _substitutionStart[label] = next;
            foreach (SubstitutionEntry e in map.GetSubstitutionsFrom(label)[..substitutionTake[label]])
            {
                _substitutions[next++] = new LicensedLabel(e.To, rankOf[e.Count]);
            }

            _substitutionStart[label + 1] = next;
            int deletion = map.GetDeletionCount(label);
            _deletionRank[label] = delete && deletion >= min ? rankOf[deletion] : -1;
            _hasDeletions |= _deletionRank[label] >= 0;
        }

        _insertionStart = new int[c + 2];
        _insertions = new LicensedLabel[insertionTake.Sum()];
        _insertionRankPlusOne = new PairCountTable(c + 1, c, _insertions.Length);
        for (int context = InsertionEntry.UtteranceStart, next = 0; context < c; context++)
        {
            _insertionStart[context + 1] = next;
            foreach (InsertionEntry e in map.GetInsertionsAfter(context)[..insertionTake[context + 1]])
            {
                _insertions[next++] = new LicensedLabel(e.Label, rankOf[e.Count]);
                _insertionRankPlusOne.Set(context + 1, e.Label, rankOf[e.Count] + 1);
            }

            _insertionStart[context + 2] = next;
        }

        _selfInsertionRank = new int[c];
        for (int label = 0; label < c; label++)
        {
            _selfInsertionRank[label] = _insertionRankPlusOne.Get(label + 1, label) - 1;
        }
    }

    /// <summary>The confusion maps that license edits.</summary>
    public ConfusionMap Map { get; }

    /// <summary>The bounds.</summary>
    public GeneratorOptions Options { get; }

    /// <summary>The vocabulary of the map; hypotheses are sequences of its non-blank class ids.</summary>
    public CtcVocabulary Vocabulary => Map.Vocabulary;

    /// <summary>The most candidates one call returns, and the least a destination span must hold (<see cref="GeneratorOptions.MaxCandidates"/>).</summary>
    public int MaxCandidates => Options.MaxCandidates;

    /// <summary>How many distinct counts the licensed map entries have (candidate counts take only these values).</summary>
    internal int RankCount => _countByRank.Length;

    /// <summary>Writes the candidates for <paramref name="hypothesis"/> into <paramref name="destination"/>, best first, without allocating.</summary>
    /// <param name="hypothesis">Non-blank class ids of the vocabulary (may be empty).</param>
    /// <param name="destination">Receives the candidates; must hold at least <see cref="MaxCandidates"/>.</param>
    /// <returns>How many candidates were written (0 ≤ n ≤ <see cref="MaxCandidates"/>), in <see cref="Candidate.Compare"/> order.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="MaxCandidates"/>, or a hypothesis id is the blank or outside the vocabulary.</exception>
    public int Generate(ReadOnlySpan<int> hypothesis, Span<Candidate> destination)
    {
        if (destination.Length < MaxCandidates)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Destination holds {destination.Length} candidates; MaxCandidates is {MaxCandidates}."),
                nameof(destination));
        }

        CtcVocabulary vocabulary = Map.Vocabulary;
        for (int i = 0; i < hypothesis.Length; i++)
        {
            if (!vocabulary.IsLabel(hypothesis[i]))
            {
                ThrowNotALabel(hypothesis[i], i, vocabulary);
            }
        }

        return CountingSort(hypothesis, destination[..MaxCandidates]);
    }

    /// <summary>Returns the candidates for <paramref name="hypothesis"/>, best first (allocates the result array).</summary>
    /// <exception cref="ArgumentException">A hypothesis id is the blank or outside the vocabulary.</exception>
    public Candidate[] Generate(ReadOnlySpan<int> hypothesis)
    {
        Candidate[] buffer = ArrayPool<Candidate>.Shared.Rent(MaxCandidates);
        try
        {
            int n = Generate(hypothesis, buffer);
            return buffer.AsSpan(0, n).ToArray();
        }
        finally
        {
            ArrayPool<Candidate>.Shared.Return(buffer);
        }
    }

    // Emit produces the edits of each rank in (kind, position, label) order, so bucketing them by rank in the order
    // they come sorts them: pass 1 counts the edits per rank and finds the cut rank, whose bucket the destination ends
    // in; pass 2 writes every edit of a rank up to the cut into the next free slot of its rank's range.
    private int CountingSort(ReadOnlySpan<int> hypothesis, Span<Candidate> destination)
    {
        int ranks = _countByRank.Length;
        if (ranks == 0)
        {
            return 0;
        }

        int[]? pooled = ranks > StackHistogramRanks ? ArrayPool<int>.Shared.Rent(ranks) : null;
        Span<int> histogram = pooled is null ? stackalloc int[ranks] : pooled.AsSpan(0, ranks);
        histogram.Clear();
        try
        {
            var counter = new CountSink(histogram, destination.Length);
            Emit(hypothesis, ref counter);

            // Turn counts into the first slot of each rank, up to the rank in which the destination fills up (a bucket
            // that stopped counting at the destination's length fills it, so the saturation never shows).
            int total = 0;
            int cut = ranks - 1;
            for (int rank = 0; rank < ranks; rank++)
            {
                int count = histogram[rank];
                histogram[rank] = total;
                total += count;
                if (total >= destination.Length)
                {
                    cut = rank;
                    break;
                }
            }

            if (total == 0)
            {
                return 0;
            }

            var scatter = new ScatterSink(histogram, destination, _countByRank, cut);
            Emit(hypothesis, ref scatter);
            return Math.Min(total, destination.Length);
        }
        finally
        {
            if (pooled is not null)
            {
                ArrayPool<int>.Shared.Return(pooled);
            }
        }
    }

    /// <summary>
    /// Hands every licensed edit to <paramref name="sink"/>, merged, in order of kind, then position; at one position
    /// (and kind) by rank, then label. So the edits of any one rank come in candidate order.
    /// </summary>
    private void Emit<TSink>(ReadOnlySpan<int> hypothesis, ref TSink sink)
        where TSink : IEditSink, allows ref struct
    {
        int n = hypothesis.Length;
        LicensedLabel[] substitutions = _substitutions;
        if (substitutions.Length > 0)
        {
            int[] start = _substitutionStart;
            for (int i = 0; i < n; i++)
            {
                int from = hypothesis[i];
                for (int j = start[from], end = start[from + 1]; j < end; j++)
                {
                    if (!sink.Add(EditKind.Substitute, i, substitutions[j].Label, substitutions[j].Rank))
                    {
                        break;
                    }
                }
            }
        }

        if (_hasDeletions)
        {
            int[] deletionRank = _deletionRank;
            for (int i = 0; i < n; i++)
            {
                int label = hypothesis[i];
                if (i > 0 && hypothesis[i - 1] == label)
                {
                    continue; // same sequence as deleting the start of the run
                }

                int rank = deletionRank[label];
                if (rank >= 0)
                {
                    sink.Add(EditKind.Delete, i, -1, rank);
                }
            }
        }

        if (_insertions.Length > 0)
        {
            for (int p = 0; p <= n; p++)
            {
                EmitInsertions(p, p == 0 ? InsertionEntry.UtteranceStart : hypothesis[p - 1], p < n ? hypothesis[p] : -1, ref sink);
            }
        }
    }

    // Inserting x before p yields the same sequence for every p from the start a of a run of x up to just after it;
    // the canonical candidate sits at a. It is licensed by x after hyp[a−1] (at a) or by x after x (inside or after
    // the run), and keeps the larger count (the smaller rank). So at p: entries x = context are skipped (merged into
    // the start of the run before p), and x = next is proposed once, merged with x after x, in its place in the order.
    private void EmitInsertions<TSink>(int p, int context, int next, ref TSink sink)
        where TSink : IEditSink, allows ref struct
    {
        uint nextRank = uint.MaxValue; // none
        if (next >= 0 && next != context)
        {
            // −1 (not licensed) is uint.MaxValue, so the minimum is the licensed one, or the better of both.
            nextRank = Math.Min((uint)(_insertionRankPlusOne.Get(context + 1, next) - 1), (uint)_selfInsertionRank[next]);
        }

        LicensedLabel[] insertions = _insertions;
        for (int j = _insertionStart[context + 1], end = _insertionStart[context + 2]; j < end; j++)
        {
            int x = insertions[j].Label;
            int rank = insertions[j].Rank;
            if (x == context || x == next)
            {
                continue;
            }

            if (nextRank < (uint)rank || (nextRank == (uint)rank && next < x))
            {
                bool kept = sink.Add(EditKind.Insert, p, next, (int)nextRank);
                nextRank = uint.MaxValue;
                if (!kept)
                {
                    return;
                }
            }

            if (!sink.Add(EditKind.Insert, p, x, rank))
            {
                return;
            }
        }

        if (nextRank != uint.MaxValue)
        {
            sink.Add(EditKind.Insert, p, next, (int)nextRank);
        }
    }

    private static int Take(ReadOnlySpan<SubstitutionEntry> byCountDescending, int k, int minCount)
    {
        int take = 0;
        while (take < k && take < byCountDescending.Length && byCountDescending[take].Count >= minCount)
        {
            take++;
        }

        return take;
    }

    private static int Take(ReadOnlySpan<InsertionEntry> byCountDescending, int k, int minCount)
    {
        int take = 0;
        while (take < k && take < byCountDescending.Length && byCountDescending[take].Count >= minCount)
        {
            take++;
        }

        return take;
    }

    private static void ThrowNotALabel(int id, int index, CtcVocabulary vocabulary) =>
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"hypothesis[{index}] = {id} is not a label: labels are the non-blank class ids of [0, {vocabulary.Count}) (blank = {vocabulary.BlankIndex})."),
            "hypothesis");

    /// <summary>A licensed edit's label (the new label of a substitution, the inserted label) and the rank of its count.</summary>
    private readonly struct LicensedLabel(int label, int rank)
    {
        public readonly int Label = label;
        public readonly int Rank = rank;
    }

    /// <summary>Receives the licensed edits from <see cref="Emit"/>.</summary>
    private interface IEditSink
    {
        /// <summary>
        /// Takes an edit whose count has rank <paramref name="rank"/>; returns <see langword="false"/> if it was rejected,
        /// which promises that the edits after it of the same kind at the same position are rejected too.
        /// </summary>
        bool Add(EditKind kind, int position, int label, int rank);
    }

    /// <summary>Pass 1 of the counting sort: how many edits each rank has, up to <c>cap</c> (the destination's length).</summary>
    private readonly ref struct CountSink(Span<int> histogram, int cap) : IEditSink
    {
        private readonly Span<int> _histogram = histogram;
        private readonly int _cap = cap;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Add(EditKind kind, int position, int label, int rank)
        {
            ref int count = ref _histogram[rank];
            if (count < _cap)
            {
                count++;
            }

            return true;
        }
    }

    /// <summary>Pass 2 of the counting sort: writes the edits of ranks up to the cut into their slots, until the destination is full.</summary>
    private readonly ref struct ScatterSink(Span<int> nextSlot, Span<Candidate> destination, int[] countByRank, int cut) : IEditSink
    {
        private readonly Span<int> _nextSlot = nextSlot; // by rank ≤ cut
        private readonly Span<Candidate> _destination = destination;
        private readonly int[] _countByRank = countByRank;
        private readonly int _cut = cut;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Add(EditKind kind, int position, int label, int rank)
        {
            if (rank > _cut)
            {
                return false;
            }

            int slot = _nextSlot[rank];
            if (slot >= _destination.Length)
            {
                return false; // the cut rank's share is full; ranks before it never overflow
            }

            _destination[slot] = new Candidate(new LabelEdit(kind, position, label), _countByRank[rank]);
            _nextSlot[rank] = slot + 1;
            return true;
        }
    }
}
