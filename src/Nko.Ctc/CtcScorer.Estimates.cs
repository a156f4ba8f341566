using System.Runtime.CompilerServices;
using Nko.Ctc.Internal;

namespace Nko.Ctc;

// One-frame estimates of substitutions and insertions: a cheap lower bound of their exact likelihood, to choose which
// of many candidates deserve an exact rescoring.
public sealed partial class CtcScorer
{
    /// <summary>
    /// Frames on each side of a position's peak frame that <see cref="EstimateEdits"/> sums over (so at most
    /// 2·<see cref="EstimateRadius"/> + 1 frames per edit).
    /// </summary>
    public const int EstimateRadius = 3;

    private double[] _peaks = []; // [j]: peak frame of a substitution at j; [_family + j]: of an insertion before j; -1 if none
    private bool _peaksReady;

    /// <summary>Frames on each side of the peak that estimates sum over (tests widen it to cover every frame).</summary>
    internal int Radius { get; set; } = EstimateRadius;

    /// <summary>
    /// Writes, for each substitution or insertion, a cheap lower bound of the log-likelihood <see cref="ScoreEdits"/>
    /// gives: the likelihood of the alignments of the edited hypothesis that emit the new label in exactly one frame,
    /// near the frame where such alignments of the position carry the most mass. Meant to choose which of many
    /// candidates deserve exact rescoring: it costs a few frames per edit instead of a recursion over all of them.
    /// </summary>
    /// <remarks>
    /// <para>For an edit putting label z at position j the value is log Σ_t e_t(z)·in_t·out_t, where in_t is the forward
    /// mass that may enter the new label at frame t and out_t the backward mass that may leave it after t (the cells
    /// exact rescoring uses), summed in ascending frame order over the frames within <see cref="EstimateRadius"/> of
    /// the position's peak: the first frame where in_t·out_t, with both skip transitions allowed, is largest (one peak
    /// for substitutions at j, one for insertions before j). Every term is the likelihood of distinct alignments of
    /// the edited hypothesis, so the value never exceeds the exact one; it approaches it when the recogniser is peaky.
    /// −∞ when no frame contributes.</para>
    /// <para>Deterministic and the same bits at every SIMD width. When the hypothesis has no tables to estimate from (its
    /// own likelihood is 0, or a pathological matrix makes exact rescoring fall back to full forwards), the exact
    /// log-likelihood is written instead, which is not a lower bound but ranks the edits all the same.</para>
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short, an edit is a deletion (deletions are
    /// rescored exactly in one sweep, so they need no estimate), or an edit does not fit the hypothesis.</exception>
    /// <exception cref="InvalidOperationException"><see cref="SetHypothesis"/> has not been called since the last reset.</exception>
    public void EstimateEdits(ReadOnlySpan<LabelEdit> edits, Span<double> destination)
    {
        if (_hypLength < 0)
        {
            throw new InvalidOperationException("Call SetHypothesis before estimating edits.");
        }

        if (destination.Length < edits.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values; {edits.Length} edits need as many.", nameof(destination));
        }

        foreach (LabelEdit edit in edits)
        {
            if (edit.Kind == EditKind.Delete)
            {
                throw new ArgumentException($"Edit {edit} is a deletion; estimates cover substitutions and insertions (score deletions exactly with ScoreEdits).", nameof(edits));
            }

            ValidateEdit(edit);
        }

        if (!_spliceOk)
        {
            Score(edits, destination);
            return;
        }

        EnsurePeaks();
        int length = _hypLength, family = _family, radius = Radius;
        ReadOnlySpan<int> hyp = _hyp.AsSpan(0, length);
        ref double tables = ref _tables.Start;
        ref double factor = ref Unsafe.Add(ref _factor.Start, Pad);
        bool unscaled = _unscaled;
        double logFinal = Math.Log(_hypFinal);
        for (int i = 0; i < edits.Length; i++)
        {
            LabelEdit edit = edits[i];
            int j = edit.Position, z = edit.Label;
            bool substitute = edit.Kind == EditKind.Substitute;
            int next = substitute ? j + 1 : j;
            int peak = (int)_peaks[substitute ? j : family + j];
            double sum = 0;
            if (peak >= 0)
            {
                int from = Math.Max(peak - radius, _hypPrefix[j]);
                int to = Math.Min(peak + radius, _frames - 1 - _hypSuffix[next]);
                if (from <= to)
                {
                    bool skipIn = j > 0 && hyp[j - 1] != z;
                    bool skipNext = next < length && hyp[next] != z;
                    EnsureEmissions(z);
                    ref double e = ref Unsafe.Add(ref _emit.Start, (z * _stride) + Pad);
                    ref double cellIn = ref Unsafe.Add(ref tables, TableAt(skipIn ? InBoth : InBlank, j));
                    ref double cellOut = ref Unsafe.Add(ref tables, TableAt(skipNext ? OutBoth : OutBlank, next));
                    for (int t = from; t <= to; t++)
                    {
                        nint row = (nint)t * family;
                        double ef = unscaled ? Unsafe.Add(ref e, t) : Unsafe.Add(ref e, t) * Unsafe.Add(ref factor, t);
                        sum += ef * Unsafe.Add(ref cellIn, row) * Unsafe.Add(ref cellOut, row);
                    }
                }
            }

            destination[i] = sum > 0 ? Math.Log(sum) - logFinal + _hypLogLikelihood : double.NegativeInfinity;
        }
    }

    private void EnsurePeaks()
    {
        if (_peaksReady)
        {
            return;
        }

        Grow(ref _peaks, 2 * _family);
        switch (_simd)
        {
            case SimdWidth.Vector512:
                Peaks<Lanes8>();
                break;
            case SimdWidth.Vector256:
                Peaks<Lanes4>();
                break;
            case SimdWidth.Vector128:
                Peaks<Lanes2>();
                break;
            default:
                Peaks<Lanes1>();
                break;
        }

        _peaksReady = true;
    }

    // For every column j: the first frame where in_t(j)·out_t(j + 1)·F_t (substitutions at j) and in_t(j)·out_t(j)·F_t
    // (insertions before j) is largest, over the in-table and out-table that allow both skips (the largest cells), or
    // -1 where every product is 0. N columns at a time, frame after frame; comparisons are exact, so every width agrees.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Peaks<TS>()
        where TS : struct, ILanes<TS>
    {
        int family = _family, frames = _frames;
        ref double inBoth = ref Unsafe.Add(ref _tables.Start, TableAt(InBoth, 0));
        ref double outBoth = ref Unsafe.Add(ref _tables.Start, TableAt(OutBoth, 0));
        ref double factor = ref Unsafe.Add(ref _factor.Start, Pad);
        ref double peaks = ref _peaks[0];
        bool unscaled = _unscaled;
        for (int k = 0; k < family; k += TS.Count)
        {
            TS maxSub = TS.Zero, maxIns = TS.Zero, none = TS.Broadcast(-1);
            TS peakSub = none, peakIns = none;
            ref double inAt = ref Unsafe.Add(ref inBoth, k);
            ref double outAt = ref Unsafe.Add(ref outBoth, k);
            for (int t = 0; t < frames; t++)
            {
                nint row = (nint)t * family;
                TS cellIn = TS.Load(ref inAt, row);
                if (!unscaled)
                {
                    cellIn *= TS.Broadcast(Unsafe.Add(ref factor, t));
                }

                TS sub = cellIn * TS.Load(ref outAt, row + 1);
                TS ins = cellIn * TS.Load(ref outAt, row);
                TS at = TS.Broadcast(t);
                peakSub = TS.SelectGreater(sub, maxSub, at, peakSub);
                maxSub = TS.Max(maxSub, sub);
                peakIns = TS.SelectGreater(ins, maxIns, at, peakIns);
                maxIns = TS.Max(maxIns, ins);
            }

            TS.Store(peakSub, ref peaks, k);
            TS.Store(peakIns, ref peaks, family + k);
        }
    }
}
