using System.Runtime.CompilerServices;
using Nko.Ctc.Internal;

namespace Nko.Ctc;

// One-frame estimates of substitutions and insertions: a cheap lower bound of their exact likelihood, to choose which
// of many candidates deserve an exact rescoring.
public sealed partial class CtcScorer
{
    /// <summary>Frames on each side of a position's peak frame that <see cref="EstimateEdits"/> sums over (seven frames in all).</summary>
    public const int EstimateRadius = 3;

    private const int Slots8 = 8; // frames peak - 3 .. peak + 4 of an estimate; the last slot is always zero

    private double[] _peaks = []; // [j]: peak frame of a substitution at j; [_family + j]: of an insertion before j; -1 if none
    private bool _peaksReady;
    private bool _deletionSumsReady;
    private double[] _weights = []; // [(kind · family + j) · 8 + s]: (F_t · in_t) · out_t of frame peak - 3 + s, both skips allowed
    private bool[] _weightsReady = []; // [kind · family + j]: that row of _weights is computed for the current hypothesis

    /// <summary>
    /// Writes, for each substitution or insertion, a cheap lower bound of the log-likelihood <see cref="ScoreEdits"/>
    /// gives: the likelihood of the alignments of the edited hypothesis that emit the new label in exactly one frame,
    /// near the frame where such alignments of the position carry the most mass. Meant to choose which of many
    /// candidates deserve exact rescoring: it costs a few frames per edit instead of a recursion over all of them.
    /// </summary>
    /// <remarks>
    /// <para>For an edit putting label z at position j the value is log Σ_t e_t(z)·in_t·out_t, where in_t is the forward
    /// mass that may enter the new label at frame t and out_t the backward mass that may leave it after t (the cells
    /// exact rescoring uses), over the frames within <see cref="EstimateRadius"/> of the position's peak: the first
    /// frame where in_t·out_t, with both skip transitions allowed, is largest (one peak for substitutions at j, one for
    /// insertions before j, found in one pass over the tables shared with the deletion sums). Every term is the
    /// likelihood of distinct alignments of the edited hypothesis, so the value never exceeds the exact one; it
    /// approaches it when the recogniser is peaky. The seven terms are added in a fixed order. −∞ when no frame
    /// contributes.</para>
    /// <para>Deterministic and the same bits at every SIMD width. When the hypothesis has no tables to estimate from (its
    /// own likelihood is 0, or a pathological matrix makes exact rescoring fall back to full forwards), the exact
    /// log-likelihood is written instead, which is not a lower bound but ranks the edits all the same.</para>
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short, an edit is a deletion (deletions are
    /// rescored exactly in one sweep, so they need no estimate), or an edit does not fit the hypothesis.</exception>
    /// <exception cref="InvalidOperationException"><see cref="SetHypothesis"/> has not been called since the last reset.</exception>
    public void EstimateEdits(ReadOnlySpan<LabelEdit> edits, Span<double> destination)
    {
        ValidateBatch(edits, destination, estimates: true);
        if (!_spliceOk)
        {
            Score(edits, destination);
            return;
        }

        EnsurePeaks();
        int length = _hypLength, family = _family;
        ReadOnlySpan<int> hyp = _hyp.AsSpan(0, length);
        double logFinal = Math.Log(_hypFinal);
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
                EnsureEmissions(z);
                ref double e = ref Unsafe.Add(ref _emit.Start, (z * _stride) + Pad + peak - EstimateRadius);

                // A fixed tree over the eight slots (frames outside the edit's reach have weight 0; so does the last slot).
                double r0 = (e * w[0]) + (Unsafe.Add(ref e, 4) * w[4]);
                double r1 = (Unsafe.Add(ref e, 1) * w[1]) + (Unsafe.Add(ref e, 5) * w[5]);
                double r2 = (Unsafe.Add(ref e, 2) * w[2]) + (Unsafe.Add(ref e, 6) * w[6]);
                double r3 = Unsafe.Add(ref e, 3) * w[3];
                sum = (r0 + r2) + (r1 + r3);
            }

            destination[i] = sum > 0 ? Math.Log(sum) - logFinal + _hypLogLikelihood : double.NegativeInfinity;
        }
    }

    // The weights of edits at j of one kind whose new label differs from both neighbours (the common case), computed
    // once per hypothesis.
    private ReadOnlySpan<double> Weights(int kind, int j, int peak)
    {
        int row = (kind * _family) + j;
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
        int family = _family;
        int from = Math.Max(peak - EstimateRadius, _hypPrefix[j]);
        int to = Math.Min(peak + EstimateRadius, _frames - 1 - _hypSuffix[next]);
        ref double cellIn = ref Unsafe.Add(ref _tables.Start, TableAt(skipIn ? InBoth : InBlank, j));
        ref double cellOut = ref Unsafe.Add(ref _tables.Start, TableAt(skipNext ? OutBoth : OutBlank, next));
        ref double factor = ref Unsafe.Add(ref _factor.Start, Pad);
        w.Clear();
        for (int t = from; t <= to; t++)
        {
            nint row = (nint)t * family;
            double cell = _unscaled ? Unsafe.Add(ref cellIn, row) : Unsafe.Add(ref factor, t) * Unsafe.Add(ref cellIn, row);
            w[t - peak + EstimateRadius] = cell * Unsafe.Add(ref cellOut, row);
        }

        return w;
    }

    private void EnsureDeletionSums()
    {
        if (!_deletionSumsReady)
        {
            Sweep(peaks: false);
        }
    }

    private void EnsurePeaks()
    {
        if (!_peaksReady)
        {
            Sweep(peaks: true);
        }
    }

    // One pass over the tables for the deletion sums (if not done yet) and, when asked, the peaks.
    private void Sweep(bool peaks)
    {
        int family = _family;
        Grow(ref _deletionSums, 2 * family);
        Span<double> blankSums = _deletionSums.AsSpan(0, family), bothSums = _deletionSums.AsSpan(family, family);
        ref double tables = ref _tables.Start;
        if (!peaks)
        {
            switch (_simd)
            {
                case SimdWidth.Vector512:
                    DeletionSweep<Lanes8>(ref tables, TableAt(AlphaLabel, 0), TableAt(OutBlank, 0), TableAt(OutBoth, 0), family, _frames, blankSums, bothSums);
                    break;
                case SimdWidth.Vector256:
                    DeletionSweep<Lanes4>(ref tables, TableAt(AlphaLabel, 0), TableAt(OutBlank, 0), TableAt(OutBoth, 0), family, _frames, blankSums, bothSums);
                    break;
                case SimdWidth.Vector128:
                    DeletionSweep<Lanes2>(ref tables, TableAt(AlphaLabel, 0), TableAt(OutBlank, 0), TableAt(OutBoth, 0), family, _frames, blankSums, bothSums);
                    break;
                default:
                    DeletionSweep<Lanes1>(ref tables, TableAt(AlphaLabel, 0), TableAt(OutBlank, 0), TableAt(OutBoth, 0), family, _frames, blankSums, bothSums);
                    break;
            }

            _deletionSumsReady = true;
            return;
        }

        Grow(ref _peaks, 2 * family);
        Grow(ref _weights, 2 * family * Slots8);
        Grow(ref _weightsReady, 2 * family);
        _weightsReady.AsSpan(0, 2 * family).Clear();

        bool sums = !_deletionSumsReady;
        switch (_simd)
        {
            case SimdWidth.Vector512:
                SweepWithPeaks<Lanes8>(sums);
                break;
            case SimdWidth.Vector256:
                SweepWithPeaks<Lanes4>(sums);
                break;
            case SimdWidth.Vector128:
                SweepWithPeaks<Lanes2>(sums);
                break;
            default:
                SweepWithPeaks<Lanes1>(sums);
                break;
        }

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
        int family = _family, frames = _frames, n = TS.Count;
        ref double tables = ref _tables.Start;
        ref double alpha = ref Unsafe.Add(ref tables, TableAt(AlphaLabel, 0));
        ref double inBoth = ref Unsafe.Add(ref tables, TableAt(InBoth, 0));
        ref double outBlank = ref Unsafe.Add(ref tables, TableAt(OutBlank, 0));
        ref double outBoth = ref Unsafe.Add(ref tables, TableAt(OutBoth, 0));
        ref double factor = ref Unsafe.Add(ref _factor.Start, Pad);
        ref double peaks = ref _peaks[0];
        ref double blankSums = ref _deletionSums[0];
        ref double bothSums = ref _deletionSums[family];
        bool unscaled = _unscaled;
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
}
