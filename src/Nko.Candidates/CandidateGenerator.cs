using System.Buffers;
using System.Globalization;
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
/// <para>Instances are immutable and thread-safe; the span overload allocates nothing.</para>
/// </remarks>
public sealed class CandidateGenerator
{
    private readonly int[] _substitutionTake; // by label: how many of GetSubstitutionsFrom(label) are licensed
    private readonly int[] _deletionCount; // by label: licensed deletion count, or 0
    private readonly int[] _insertionTake; // by left context + 1: how many of GetInsertionsAfter(context) are licensed
    private readonly int[] _selfInsertionCount; // by label x: licensed count of inserting x after x, or 0

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

        _substitutionTake = new int[c];
        _deletionCount = new int[c];
        _insertionTake = new int[c + 1];
        _selfInsertionCount = new int[c];

        for (int label = 0; label < c; label++)
        {
            if ((ops & EditOperations.Substitute) != 0)
            {
                _substitutionTake[label] = Take(map.GetSubstitutionsFrom(label), k, min);
            }

            if ((ops & EditOperations.Delete) != 0 && map.GetDeletionCount(label) >= min)
            {
                _deletionCount[label] = map.GetDeletionCount(label);
            }
        }

        if ((ops & EditOperations.Insert) != 0)
        {
            for (int context = InsertionEntry.UtteranceStart; context < c; context++)
            {
                _insertionTake[context + 1] = Take(map.GetInsertionsAfter(context), k, min);
            }

            for (int label = 0; label < c; label++)
            {
                _selfInsertionCount[label] = LicensedInsertionCount(label, label);
            }
        }
    }

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

    /// <summary>The confusion maps that license edits.</summary>
    public ConfusionMap Map { get; }

    /// <summary>The bounds.</summary>
    public GeneratorOptions Options { get; }

    /// <summary>The vocabulary of the map; hypotheses are sequences of its non-blank class ids.</summary>
    public CtcVocabulary Vocabulary => Map.Vocabulary;

    /// <summary>The most candidates one call returns, and the least a destination span must hold (<see cref="GeneratorOptions.MaxCandidates"/>).</summary>
    public int MaxCandidates => Options.MaxCandidates;

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

        var heap = new CandidateHeap(destination[..MaxCandidates]);
        AddSubstitutions(hypothesis, ref heap);
        AddDeletions(hypothesis, ref heap);
        AddInsertions(hypothesis, ref heap);
        return heap.SortBestFirst();
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

    private void AddSubstitutions(ReadOnlySpan<int> hypothesis, ref CandidateHeap heap)
    {
        for (int i = 0; i < hypothesis.Length; i++)
        {
            int from = hypothesis[i];
            ReadOnlySpan<SubstitutionEntry> entries = Map.GetSubstitutionsFrom(from)[.._substitutionTake[from]];
            foreach (SubstitutionEntry e in entries)
            {
                // Entries come in candidate order for a fixed position: once one is rejected, so are the rest.
                if (!heap.Offer(EditKind.Substitute, i, e.To, e.Count))
                {
                    break;
                }
            }
        }
    }

    private void AddDeletions(ReadOnlySpan<int> hypothesis, ref CandidateHeap heap)
    {
        for (int i = 0; i < hypothesis.Length; i++)
        {
            int label = hypothesis[i];
            if (i > 0 && hypothesis[i - 1] == label)
            {
                continue; // same sequence as deleting the start of the run
            }

            int count = _deletionCount[label];
            if (count > 0)
            {
                heap.Offer(EditKind.Delete, i, -1, count);
            }
        }
    }

    private void AddInsertions(ReadOnlySpan<int> hypothesis, ref CandidateHeap heap)
    {
        // Inserting x before p yields the same sequence for every p from the start a of a run of x up to just after
        // it; the canonical candidate sits at a. It is licensed by x after hyp[a−1] (at a) or by x after x (inside or
        // after the run), and keeps the larger count.
        int n = hypothesis.Length;
        for (int p = 0; p <= n; p++)
        {
            int context = p == 0 ? InsertionEntry.UtteranceStart : hypothesis[p - 1];
            int next = p < n ? hypothesis[p] : -1;
            ReadOnlySpan<InsertionEntry> entries = Map.GetInsertionsAfter(context)[.._insertionTake[context + 1]];
            bool nextLicensedHere = false;
            foreach (InsertionEntry e in entries)
            {
                int x = e.Label;
                if (x == context)
                {
                    continue; // x after a run of x: merged into the candidate at the start of that run
                }

                int count = e.Count;
                if (x == next)
                {
                    nextLicensedHere = true;
                    count = Math.Max(count, _selfInsertionCount[x]);
                }

                heap.Offer(EditKind.Insert, p, x, count);
            }

            // A run of x starts at p, x is licensed after x but not after hyp[p−1].
            if (next >= 0 && next != context && !nextLicensedHere && _selfInsertionCount[next] > 0)
            {
                heap.Offer(EditKind.Insert, p, next, _selfInsertionCount[next]);
            }
        }
    }

    private int LicensedInsertionCount(int label, int context)
    {
        foreach (InsertionEntry e in Map.GetInsertionsAfter(context)[.._insertionTake[context + 1]])
        {
            if (e.Label == label)
            {
                return e.Count;
            }
        }

        return 0;
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

    /// <summary>
    /// The best candidates seen so far, as <see cref="CandidateKey"/>s laid over the caller's destination span (keys and
    /// candidates are both 16 bytes, so the sorted keys are decoded into candidates in place). Keys are appended until
    /// the span is full; only then do they become a bounded max-heap (worst at the root) that admits a new key by
    /// replacing the root.
    /// </summary>
    private ref struct CandidateHeap
    {
        private readonly Span<Candidate> _destination;
        private readonly Span<CandidateKey> _keys;
        private int _count;
        private bool _isHeap;

        public CandidateHeap(Span<Candidate> destination)
        {
            _destination = destination;
            _keys = MemoryMarshal.Cast<Candidate, CandidateKey>(destination);
            _count = 0;
            _isHeap = false;
        }

        /// <summary>Keeps the candidate if it is among the best seen so far; returns whether it was kept.</summary>
        public bool Offer(EditKind kind, int position, int label, int count)
        {
            var key = new CandidateKey(kind, position, label, count);
            if (_count < _keys.Length)
            {
                _keys[_count++] = key;
                return true;
            }

            if (!_isHeap)
            {
                Heapify();
            }

            if (!key.IsBefore(_keys[0]))
            {
                return false;
            }

            SiftDown(0, key, _count);
            return true;
        }

        /// <summary>Sorts the kept keys best first and decodes them into candidates in place; returns their number.</summary>
        public readonly int SortBestFirst()
        {
            Span<CandidateKey> kept = _keys[.._count];
            kept.Sort();
            for (int i = 0; i < kept.Length; i++)
            {
                _destination[i] = kept[i].ToCandidate();
            }

            return _count;
        }

        private void Heapify()
        {
            for (int i = (_count / 2) - 1; i >= 0; i--)
            {
                SiftDown(i, _keys[i], _count);
            }

            _isHeap = true;
        }

        // Places key at index i (whose subtrees are heaps) and restores the heap over the first count keys.
        private readonly void SiftDown(int i, CandidateKey key, int count)
        {
            while (true)
            {
                int child = (2 * i) + 1;
                if (child >= count)
                {
                    break;
                }

                if (child + 1 < count && _keys[child].IsBefore(_keys[child + 1]))
                {
                    child++;
                }

                if (!key.IsBefore(_keys[child]))
                {
                    break;
                }

                _keys[i] = _keys[child];
                i = child;
            }

            _keys[i] = key;
        }
    }
}
