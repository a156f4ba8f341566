using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Nko.Ctc.Internal.Scoring.ScoringMath;

namespace Nko.Ctc.Internal.Scoring;

/// <summary>
/// The exact fallback between the fast recursions and the log-space reference: a banded scalar scaled forward over the
/// states that can still start and finish in time, shifted by the target's own best class at each frame.
/// </summary>
internal sealed class ExactFallback(EmissionStreams streams)
{
    private readonly EmissionStreams _streams = streams;
    private const double Faint = 9.332636185032189E-302; // 2^-1000: a state this far below its frame's best is at risk

    private double[] _bandPrev = [];
    private double[] _bandCur = [];
    private int[] _bandPrefix = [];
    private int[] _bandSuffix = [];
    private int[] _bandColumn = []; // [c]: the column of class c in _bandEmit, or -1
    private int[] _bandClasses = []; // the target's distinct classes, the blank first
    private double[] _bandEmit = []; // [t * D + d]: exp(logp(t, class d) - the frame's best log-prob among the target's classes)

    // The log-likelihood of an alignable target when a fast recursion may have lost paths: first a scalar scaled
    // forward over only the states that can still start and finish in time, with emissions shifted by the best of the
    // target's own classes at each frame, then, if even that loses precision, the log-space reference. The fast
    // recursions keep every reachable state, and on long targets (L/T near 1) the states that can no longer finish
    // outweigh the ones that can by more than double range (~700 nats), so the latter are flushed to zero; within the
    // band they are close, and the band is narrow exactly then (about T − L labels wide). The fast recursions also
    // shift each frame by its best class overall, so a target whose classes all sit ~700 nats below it underflows
    // (see Lossy); shifted by the target's own best, it does not.
    public double Run(ReadOnlySpan<int> target)
    {
        double banded = BandedForward(target);
        return double.IsNaN(banded) ? CtcForward.LogSpaceLogLikelihood(_streams.Matrix, _streams.Blank, target) : banded;
    }

    // Fills _bandEmit for the target's classes and returns the sum of the shifts, −∞ when some frame gives every class
    // of the target probability zero (no alignment exists), or NaN when an emission underflows (the classes of one frame
    // spread over more than 700 nats).
    private double TargetEmissions(ReadOnlySpan<int> target, out int distinct)
    {
        Grow(ref _bandColumn, _streams.Classes);
        Grow(ref _bandClasses, Math.Min(target.Length + 1, _streams.Classes));
        Span<int> column = _bandColumn.AsSpan(0, _streams.Classes);
        column.Fill(-1);
        distinct = 0;
        column[_streams.Blank] = distinct;
        _bandClasses[distinct++] = _streams.Blank;
        foreach (int label in target)
        {
            if (column[label] < 0)
            {
                column[label] = distinct;
                _bandClasses[distinct++] = label;
            }
        }

        int frames = _streams.Frames, classes = _streams.Classes, d = distinct;
        Grow(ref _bandEmit, checked(frames * d));
        ReadOnlySpan<float> lp = _streams.Matrix.Span;
        ReadOnlySpan<int> which = _bandClasses.AsSpan(0, d);
        Span<double> emit = _bandEmit.AsSpan(0, frames * d);
        double offset = 0;
        for (int t = 0; t < frames; t++)
        {
            ReadOnlySpan<float> row = lp.Slice(t * classes, classes);
            float best = float.NegativeInfinity;
            foreach (int c in which)
            {
                best = Math.Max(best, row[c]);
            }

            if (float.IsNegativeInfinity(best))
            {
                return double.NegativeInfinity;
            }

            offset += best;
            for (int k = 0; k < d; k++)
            {
                double x = (double)row[which[k]] - best;
                if (x < MinShiftedLogProb && !double.IsNegativeInfinity(x))
                {
                    return double.NaN;
                }

                emit[(t * d) + k] = x;
            }
        }

        // The library's own exponential, as for the fast path's emissions: the same bits on every machine.
        DeterministicExp.ExpInPlace<Lanes1>(ref MemoryMarshal.GetReference(emit), emit.Length);
        return offset;
    }

    // Scaled forward over the extended states s (even: blank before label s/2; odd: label s/2) that are feasible at
    // frame t: reachable in t + 1 frames and able to finish in the T − 1 − t after. Infeasible states contribute nothing
    // to the result, so leaving them out is exact. Within the band no state may fall 1000 binary orders below its frame's
    // best (where the subnormals begin to round): if one does, it returns NaN and the log-space reference decides, so a
    // value it returns has the accuracy of a plain scaled recursion.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double BandedForward(ReadOnlySpan<int> target)
    {
        int frames = _streams.Frames, length = target.Length, states = (2 * length) + 1;
        Grow(ref _bandPrefix, length + 1);
        Grow(ref _bandSuffix, length + 1);
        Grow(ref _bandPrev, states);
        Grow(ref _bandCur, states);
        Span<int> prefix = _bandPrefix.AsSpan(0, length + 1), suffix = _bandSuffix.AsSpan(0, length + 1);
        MinimumFrames(target, prefix, suffix);
        if (prefix[length] > frames)
        {
            return double.NegativeInfinity;
        }

        double offset = TargetEmissions(target, out int d);
        if (!double.IsFinite(offset))
        {
            return offset; // −∞: impossible; NaN: the log-space reference decides
        }

        ReadOnlySpan<int> column = _bandColumn;
        Span<double> prev = _bandPrev.AsSpan(0, states), cur = _bandCur.AsSpan(0, states);
        prev.Clear();
        cur.Clear();
        ReadOnlySpan<double> emit = _bandEmit.AsSpan(0, frames * d);
        long exponent = 0;
        bool lost = false;
        int lo = 0, hi = -1; // the band of the previous frame ([lo, hi], empty before frame 0)
        for (int t = 0; t < frames; t++)
        {
            int left = frames - 1 - t;
            int newHi = hi, newLo = lo;
            while (newHi + 1 < states && NeedStart(newHi + 1, prefix) <= t + 1)
            {
                newHi++;
            }

            while (newLo < states && NeedEnd(newLo, suffix, target) > left)
            {
                newLo++;
            }

            double max = 0;
            for (int s = newLo; s <= newHi; s++)
            {
                // Reads of the previous frame outside its band are zero (the band only moves right).
                double a = s >= lo && s <= hi ? prev[s] : 0;
                if (s >= 1 && s - 1 >= lo && s - 1 <= hi)
                {
                    a += prev[s - 1];
                }

                int c = _streams.Blank;
                if ((s & 1) == 1)
                {
                    int k = s >> 1;
                    c = target[k];
                    if (k >= 1 && target[k - 1] != c && s - 2 >= lo && s - 2 <= hi)
                    {
                        a += prev[s - 2];
                    }
                }

                double e = emit[(t * d) + column[c]];
                double v = t == 0 ? (s <= 1 ? e : 0) : a * e;
                lost |= v == 0 && e > 0 && (t == 0 ? s <= 1 : a > 0); // a path's product underflowed
                cur[s] = v;
                max = Math.Max(max, v);
            }

            if (max == 0)
            {
                // Every feasible state is zero: the target is impossible (an emission is exactly 0 on every path), or
                // the band underflowed. The log-space reference tells them apart.
                return double.NaN;
            }

            int shift = ScaleExponent(max);
            double f = Pow2(-shift);
            for (int s = newLo; s <= newHi; s++)
            {
                double v = cur[s] * f;
                lost |= v > 0 && v < Faint; // within reach of the subnormals: precision may go on later frames
                cur[s] = v;
            }

            if (lost)
            {
                return double.NaN;
            }

            exponent += shift;
            Span<double> swap = prev;
            prev = cur;
            cur = swap;
            lo = newLo;
            hi = newHi;
        }

        double final = (hi == states - 1 ? prev[states - 1] : 0) + (length > 0 && lo <= states - 2 && hi >= states - 2 ? prev[states - 2] : 0);
        return Math.Log(final) + (exponent * Ln2) + offset;

        // Frames needed up to and including state s, and after it.
        static int NeedStart(int s, ReadOnlySpan<int> prefix) => (s & 1) == 1 ? prefix[(s >> 1) + 1] : prefix[s >> 1] + 1;

        static int NeedEnd(int s, ReadOnlySpan<int> suffix, ReadOnlySpan<int> target)
        {
            int k = s >> 1;
            if ((s & 1) == 0)
            {
                return suffix[k];
            }

            return suffix[k + 1] + (k + 1 < target.Length && target[k + 1] == target[k] ? 1 : 0);
        }
    }
}
