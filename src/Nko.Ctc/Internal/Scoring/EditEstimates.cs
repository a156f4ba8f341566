using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Nko.Ctc.Internal.Scoring.HypothesisTables;
using static Nko.Ctc.Internal.Scoring.ScoringMath;

namespace Nko.Ctc.Internal.Scoring;

/// <summary>
/// What one pass over a hypothesis' tables yields, computed once per hypothesis: the deletion sums (every deletion at
/// once, one lane per position) and each position's peak frame, from which a substitution or insertion is estimated by
/// its one-frame alignments near the peak (a lower bound of its exact likelihood).
/// </summary>
internal sealed class EditEstimates(EmissionStreams streams, HypothesisTables tables)
{
    /// <summary>Frames on each side of a position's peak frame that an estimate sums over (seven frames in all).</summary>
    public const int Radius = 3;

    private const int Slots8 = 8; // frames peak - 3 .. peak + 4 of an estimate; the last slot is always zero

    private double[] _peaks = []; // [j]: peak frame of a substitution at j; [_family + j]: of an insertion before j; -1 if none
    private bool _peaksReady;
    private bool _deletionSumsReady;
    private double[] _weights = []; // [(kind · family + j) · 8 + s]: (F_t · in_t) · out_t of frame peak - 3 + s, both skips allowed
    private bool[] _weightsReady = []; // [kind · family + j]: that row of _weights is computed for the current hypothesis
    private double[] _deletionSums = []; // [j]: deletion at j with the blank out-cell; [family + j]: with both skips
    private readonly EmissionStreams _streams = streams;
    private readonly HypothesisTables _tables = tables;

    /// <summary>[j] and [family + j]: the two deletion sums of position j (see <see cref="EnsureDeletionSums"/>).</summary>
    public double[] DeletionSums => _deletionSums;

    /// <summary>Forgets the sums and peaks (a new hypothesis).</summary>
    public void Invalidate()
    {
        _peaksReady = false;
        _deletionSumsReady = false;
    }

    /// <summary>The estimate of each substitution or insertion (validated, tables spliceable) into <paramref name="destination"/>.</summary>
    public void Estimate<TS>(ReadOnlySpan<LabelEdit> edits, Span<double> destination)
        where TS : struct, ILanes<TS>
    {
        EnsurePeaks<TS>();
        int length = _tables.Length, family = _tables.Family;
        ReadOnlySpan<int> hyp = _tables.Hypothesis.AsSpan(0, length);
        double logFinal = Math.Log(_tables.Final);
        Span<double> own = stackalloc double[Slots8];
        for (int i = 0; i < edits.Length; i++)
        {
            LabelEdit edit = edits[i];
            int j = edit.Position, z = edit.Label;
            int kind = edit.Kind == EditKind.Substitute ? 0 : 1;
            int next = j + 1 - kind;
            int peak = (int)_peaks[(kind * family) + j];
            double sum = 0;
            if (peak >= 0)
            {
                bool skipIn = j > 0 && hyp[j - 1] != z;
                bool skipNext = next < length && hyp[next] != z;
                ReadOnlySpan<double> w = skipIn && skipNext ? Weights(kind, j, peak) : WeightsOf(j, next, skipIn, skipNext, peak, own);
                _streams.Ensure<TS>(z);
                ref double e = ref Unsafe.Add(ref _streams.Start, (z * _streams.Stride) + Pad + peak - Radius);

                // A fixed tree over the eight slots (frames outside the edit's reach have weight 0; so does the last slot).
                double r0 = (e * w[0]) + (Unsafe.Add(ref e, 4) * w[4]);
                double r1 = (Unsafe.Add(ref e, 1) * w[1]) + (Unsafe.Add(ref e, 5) * w[5]);
                double r2 = (Unsafe.Add(ref e, 2) * w[2]) + (Unsafe.Add(ref e, 6) * w[6]);
                double r3 = Unsafe.Add(ref e, 3) * w[3];
                sum = (r0 + r2) + (r1 + r3);
            }

            destination[i] = sum > 0 ? Math.Log(sum) - logFinal + _tables.LogLikelihood : double.NegativeInfinity;
        }
    }

    // The weights of edits at j of one kind whose new label differs from both neighbours (the common case), computed
    // once per hypothesis.
    private ReadOnlySpan<double> Weights(int kind, int j, int peak)
    {
        int row = (kind * _tables.Family) + j;
        Span<double> w = _weights.AsSpan(row * Slots8, Slots8);
        if (!_weightsReady[row])
        {
            WeightsOf(j, j + 1 - kind, true, true, peak, w);
            _weightsReady[row] = true;
        }

        return w;
    }

    private ReadOnlySpan<double> WeightsOf(int j, int next, bool skipIn, bool skipNext, int peak, Span<double> w)
    {
        int family = _tables.Family;
        int from = Math.Max(peak - Radius, _tables.Prefix[j]);
        int to = Math.Min(peak + Radius, _streams.Frames - 1 - _tables.Suffix[next]);
        ref double cellIn = ref Unsafe.Add(ref _tables.Cells.Start, _tables.TableAt(skipIn ? InBoth : InBlank, j));
        ref double cellOut = ref Unsafe.Add(ref _tables.Cells.Start, _tables.TableAt(skipNext ? OutBoth : OutBlank, next));
        ref double factor = ref Unsafe.Add(ref _tables.Factor.Start, Pad);
        w.Clear();
        for (int t = from; t <= to; t++)
        {
            nint row = (nint)t * family;
            double cell = _tables.Unscaled ? Unsafe.Add(ref cellIn, row) : Unsafe.Add(ref factor, t) * Unsafe.Add(ref cellIn, row);
            w[t - peak + Radius] = cell * Unsafe.Add(ref cellOut, row);
        }

        return w;
    }

    public void EnsureDeletionSums<TS>()
        where TS : struct, ILanes<TS>
    {
        if (!_deletionSumsReady)
        {
            Sweep<TS>(peaks: false);
        }
    }

    private void EnsurePeaks<TS>()
        where TS : struct, ILanes<TS>
    {
        if (!_peaksReady)
        {
            Sweep<TS>(peaks: true);
        }
    }

    // One pass over the tables for the deletion sums (if not done yet) and, when asked, the peaks.
    private void Sweep<TS>(bool peaks)
        where TS : struct, ILanes<TS>
    {
        int family = _tables.Family;
        Grow(ref _deletionSums, 2 * family);
        Span<double> blankSums = _deletionSums.AsSpan(0, family), bothSums = _deletionSums.AsSpan(family, family);
        ref double tables = ref _tables.Cells.Start;
        if (!peaks)
        {
            DeletionSweep<TS>(ref tables, _tables.TableAt(AlphaLabel, 0), _tables.TableAt(OutBlank, 0), _tables.TableAt(OutBoth, 0), family, _streams.Frames, blankSums, bothSums);

            _deletionSumsReady = true;
            return;
        }

        Grow(ref _peaks, 2 * family);
        Grow(ref _weights, 2 * family * Slots8);
        Grow(ref _weightsReady, 2 * family);
        _weightsReady.AsSpan(0, 2 * family).Clear();

        bool sums = !_deletionSumsReady;
        SweepWithPeaks<TS>(sums);

        _deletionSumsReady = true;
        _peaksReady = true;
    }

    // For every column j, the deletion sums of DeletionSweep (when `sums`) and the peaks: the first frame where
    // (F_t · in_t(j)) · out_t(j + 1) (substitutions at j) and (F_t · in_t(j)) · out_t(j) (insertions before j) is largest,
    // over the in-table and out-table that allow both skips (the largest cells), or -1 where every product is 0. Two
    // blocks of N columns advance together frame by frame (independent chains hide the compare latency); each column
    // sums its frames in ascending order and comparisons are exact, so every width gets the same bits and frames.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SweepWithPeaks<TS>(bool sums)
        where TS : struct, ILanes<TS>
    {
        int family = _tables.Family, frames = _streams.Frames, n = TS.Count;
        ref double tables = ref _tables.Cells.Start;
        ref double alpha = ref Unsafe.Add(ref tables, _tables.TableAt(AlphaLabel, 0));
        ref double inBoth = ref Unsafe.Add(ref tables, _tables.TableAt(InBoth, 0));
        ref double outBlank = ref Unsafe.Add(ref tables, _tables.TableAt(OutBlank, 0));
        ref double outBoth = ref Unsafe.Add(ref tables, _tables.TableAt(OutBoth, 0));
        ref double factor = ref Unsafe.Add(ref _tables.Factor.Start, Pad);
        ref double peaks = ref _peaks[0];
        ref double blankSums = ref _deletionSums[0];
        ref double bothSums = ref _deletionSums[family];
        bool unscaled = _tables.Unscaled;
        for (int k = 0; k < family; k += 2 * n)
        {
            // A second block past the last column reads zeros and spare rows, and is not stored.
            bool second = k + n < family;
            TS none = TS.Broadcast(-1);
            TS maxSub0 = TS.Zero, maxIns0 = TS.Zero, peakSub0 = none, peakIns0 = none;
            TS maxSub1 = TS.Zero, maxIns1 = TS.Zero, peakSub1 = none, peakIns1 = none;
            TS blank0 = TS.Zero, both0 = TS.Zero, blank1 = TS.Zero, both1 = TS.Zero;
            ref double a = ref Unsafe.Add(ref alpha, k);
            ref double ob = ref Unsafe.Add(ref outBlank, k);
            ref double oy = ref Unsafe.Add(ref outBoth, k);
            ref double ib = ref Unsafe.Add(ref inBoth, k);
            for (int t = 0; t < frames; t++)
            {
                TS oy0 = TS.Load(ref oy, 0), oy1 = TS.Load(ref oy, n), oy2 = TS.Load(ref oy, 2 * n);
                TS oyNext0 = TS.ShiftDown(oy0, oy1), oyNext1 = TS.ShiftDown(oy1, oy2);
                if (sums)
                {
                    TS a0 = TS.Load(ref a, 0), a1 = TS.Load(ref a, n);
                    TS before0 = TS.ShiftUp(TS.Load(ref a, -n), a0), before1 = TS.ShiftUp(a0, a1);
                    TS ob0 = TS.Load(ref ob, 0), ob1 = TS.Load(ref ob, n), ob2 = TS.Load(ref ob, 2 * n);
                    blank0 += before0 * TS.ShiftDown(ob0, ob1);
                    both0 += before0 * oyNext0;
                    blank1 += before1 * TS.ShiftDown(ob1, ob2);
                    both1 += before1 * oyNext1;
                }

                TS in0 = TS.Load(ref ib, 0), in1 = TS.Load(ref ib, n);
                if (!unscaled)
                {
                    TS f = TS.Broadcast(Unsafe.Add(ref factor, t));
                    in0 = f * in0;
                    in1 = f * in1;
                }

                TS at = TS.Broadcast(t);
                TS sub0 = in0 * oyNext0, ins0 = in0 * oy0, sub1 = in1 * oyNext1, ins1 = in1 * oy1;
                peakSub0 = TS.SelectGreater(sub0, maxSub0, at, peakSub0);
                maxSub0 = TS.Max(maxSub0, sub0);
                peakIns0 = TS.SelectGreater(ins0, maxIns0, at, peakIns0);
                maxIns0 = TS.Max(maxIns0, ins0);
                peakSub1 = TS.SelectGreater(sub1, maxSub1, at, peakSub1);
                maxSub1 = TS.Max(maxSub1, sub1);
                peakIns1 = TS.SelectGreater(ins1, maxIns1, at, peakIns1);
                maxIns1 = TS.Max(maxIns1, ins1);
                a = ref Unsafe.Add(ref a, family);
                ob = ref Unsafe.Add(ref ob, family);
                oy = ref Unsafe.Add(ref oy, family);
                ib = ref Unsafe.Add(ref ib, family);
            }

            TS.Store(peakSub0, ref peaks, k);
            TS.Store(peakIns0, ref peaks, family + k);
            if (sums)
            {
                TS.Store(blank0, ref blankSums, k);
                TS.Store(both0, ref bothSums, k);
            }

            if (second)
            {
                TS.Store(peakSub1, ref peaks, k + n);
                TS.Store(peakIns1, ref peaks, family + k + n);
                if (sums)
                {
                    TS.Store(blank1, ref blankSums, k + n);
                    TS.Store(both1, ref bothSums, k + n);
                }
            }
        }
    }

    // For every column j ≥ 1 (lane j: its own sums, in frame order; frames where the deletion's neighbours cannot be
    // reached add exact zeros): blank[j] = Σ_{t < T} label[t][j - 1] · outBlank[t][j + 1], and both[j] likewise with
    // outBoth. Column 0 is meaningless. The shifted columns come from aligned loads and lane shifts. Up to four column
    // blocks advance together frame by frame: eight independent sums hide the add latency and the rows are read in
    // order (each column still sums its frames in ascending order, so the bits do not depend on the blocking).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DeletionSweep<TS>(ref double tables, int label, int outBlank, int outBoth, int family, int frames, Span<double> blankSums, Span<double> bothSums)
        where TS : struct, ILanes<TS>
    {
        int n = TS.Count;
        for (int k = 0; k < family; k += 4 * n)
        {
            int blocks = Math.Min(4, (family - k) / n);
            ref double a = ref Unsafe.Add(ref tables, label + k);
            ref double ob = ref Unsafe.Add(ref tables, outBlank + k);
            ref double oy = ref Unsafe.Add(ref tables, outBoth + k);
            TS blank0 = TS.Zero, both0 = TS.Zero, blank1 = TS.Zero, both1 = TS.Zero;
            TS blank2 = TS.Zero, both2 = TS.Zero, blank3 = TS.Zero, both3 = TS.Zero;
            for (int t = 0; t < frames; t++)
            {
                TS previous = TS.Load(ref a, -n);
                TS current = TS.Load(ref a, 0);
                TS before = TS.ShiftUp(previous, current);
                blank0 += before * TS.ShiftDown(TS.Load(ref ob, 0), TS.Load(ref ob, n));
                both0 += before * TS.ShiftDown(TS.Load(ref oy, 0), TS.Load(ref oy, n));
                if (blocks > 1)
                {
                    previous = current;
                    current = TS.Load(ref a, n);
                    before = TS.ShiftUp(previous, current);
                    blank1 += before * TS.ShiftDown(TS.Load(ref ob, n), TS.Load(ref ob, 2 * n));
                    both1 += before * TS.ShiftDown(TS.Load(ref oy, n), TS.Load(ref oy, 2 * n));
                }

                if (blocks > 2)
                {
                    previous = current;
                    current = TS.Load(ref a, 2 * n);
                    before = TS.ShiftUp(previous, current);
                    blank2 += before * TS.ShiftDown(TS.Load(ref ob, 2 * n), TS.Load(ref ob, 3 * n));
                    both2 += before * TS.ShiftDown(TS.Load(ref oy, 2 * n), TS.Load(ref oy, 3 * n));
                }

                if (blocks > 3)
                {
                    previous = current;
                    current = TS.Load(ref a, 3 * n);
                    before = TS.ShiftUp(previous, current);
                    blank3 += before * TS.ShiftDown(TS.Load(ref ob, 3 * n), TS.Load(ref ob, 4 * n));
                    both3 += before * TS.ShiftDown(TS.Load(ref oy, 3 * n), TS.Load(ref oy, 4 * n));
                }

                a = ref Unsafe.Add(ref a, family);
                ob = ref Unsafe.Add(ref ob, family);
                oy = ref Unsafe.Add(ref oy, family);
            }

            ref double blankAt = ref MemoryMarshal.GetReference(blankSums);
            ref double bothAt = ref MemoryMarshal.GetReference(bothSums);
            TS.Store(blank0, ref blankAt, k);
            TS.Store(both0, ref bothAt, k);
            if (blocks > 1)
            {
                TS.Store(blank1, ref blankAt, k + n);
                TS.Store(both1, ref bothAt, k + n);
            }

            if (blocks > 2)
            {
                TS.Store(blank2, ref blankAt, k + (2 * n));
                TS.Store(both2, ref bothAt, k + (2 * n));
            }

            if (blocks > 3)
            {
                TS.Store(blank3, ref blankAt, k + (3 * n));
                TS.Store(both3, ref bothAt, k + (3 * n));
            }
        }
    }
}
