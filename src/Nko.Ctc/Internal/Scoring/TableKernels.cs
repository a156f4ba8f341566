using System.Runtime.CompilerServices;
using static Nko.Ctc.Internal.Scoring.HypothesisTables;
using static Nko.Ctc.Internal.Scoring.Recursion;
using static Nko.Ctc.Internal.Scoring.ScoringMath;

namespace Nko.Ctc.Internal.Scoring;

/// <summary>
/// The recursions of a hypothesis' tables over a range of frames: four unscaled frames in one pass (forward and
/// backward), and frame by frame with rescaling. Each is pinned bit for bit to the frame-by-frame twin.
/// </summary>
internal static class TableKernels
{
    // Frames t .. t + 3 of the α recursion in the tables with f = 1 (exactly TableForwardFrames' unscaled steps), in one
    // pass over the cells: block k of frame t + i feeds block k of frame t + i + 1 in registers. Writes the four rows of
    // each α table and the four maxima.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void TableForwardChunk<TS, TRepeats>(
        int t, ref double tables, int rows, int family, ref double labels, int labelWidth, ref double blankEmit, ref double skip, Span<double> maxima)
        where TS : struct, ILanes<TS>
        where TRepeats : struct, IFlag
    {
        ref double inBlank = ref Unsafe.Add(ref tables, (((InBlank * rows) + 1) * family) + (t * family)); // α̂_{t-1}(B)
        ref double inBoth = ref Unsafe.Add(ref tables, (((InBoth * rows) + 1) * family) + ((t + 1) * family));
        ref double alphaLabel = ref Unsafe.Add(ref tables, (((AlphaLabel * rows) + 1) * family) + ((t - 1) * family));
        ref double e = ref Unsafe.Add(ref labels, t * labelWidth);
        TS pb0 = TS.Broadcast(Unsafe.Add(ref blankEmit, t)), pb1 = TS.Broadcast(Unsafe.Add(ref blankEmit, t + 1));
        TS pb2 = TS.Broadcast(Unsafe.Add(ref blankEmit, t + 2)), pb3 = TS.Broadcast(Unsafe.Add(ref blankEmit, t + 3));
        TS m0 = TS.Zero, m1 = TS.Zero, m2 = TS.Zero, m3 = TS.Zero;
        TS y0Before = TS.Zero, y1Before = TS.Zero, y2Before = TS.Zero, y3Before = TS.Zero; // previous block of each frame's input Y
        TS n0Before = TS.Zero, n1Before = TS.Zero, n2Before = TS.Zero, n3Before = TS.Zero; // previous block of each frame's new Y
        nint f1 = family, f2 = 2 * family, f3 = 3 * family, f4 = 4 * family, w1 = labelWidth, w2 = 2 * labelWidth, w3 = 3 * labelWidth;
        for (nint k = 0; k < family; k += TS.Count)
        {
            TS sk = TRepeats.On ? TS.Load(ref skip, k) : default;
            TS b = TS.Load(ref inBlank, k);
            TS y = TS.Load(ref alphaLabel, k);
            ForwardCell<TS, TRepeats>(ref b, ref y, ref y0Before, ref m0, pb0, TS.Load(ref e, k), sk);
            TS.Store(b, ref inBlank, f1 + k);
            TS.Store(y, ref alphaLabel, f1 + k);
            TS.Store(b + TS.ShiftUp(n0Before, y), ref inBoth, k);
            n0Before = y;
            ForwardCell<TS, TRepeats>(ref b, ref y, ref y1Before, ref m1, pb1, TS.Load(ref e, w1 + k), sk);
            TS.Store(b, ref inBlank, f2 + k);
            TS.Store(y, ref alphaLabel, f2 + k);
            TS.Store(b + TS.ShiftUp(n1Before, y), ref inBoth, f1 + k);
            n1Before = y;
            ForwardCell<TS, TRepeats>(ref b, ref y, ref y2Before, ref m2, pb2, TS.Load(ref e, w2 + k), sk);
            TS.Store(b, ref inBlank, f3 + k);
            TS.Store(y, ref alphaLabel, f3 + k);
            TS.Store(b + TS.ShiftUp(n2Before, y), ref inBoth, f2 + k);
            n2Before = y;
            ForwardCell<TS, TRepeats>(ref b, ref y, ref y3Before, ref m3, pb3, TS.Load(ref e, w3 + k), sk);
            TS.Store(b, ref inBlank, f4 + k);
            TS.Store(y, ref alphaLabel, f4 + k);
            TS.Store(b + TS.ShiftUp(n3Before, y), ref inBoth, f3 + k);
            n3Before = y;
        }

        maxima[0] = TS.MaxAcross(m0);
        maxima[1] = TS.MaxAcross(m1);
        maxima[2] = TS.MaxAcross(m2);
        maxima[3] = TS.MaxAcross(m3);
    }

    // Frames [from, to) of the α recursion, in the tables (every cell of a table row is computed, so no row needs clearing).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static bool TableForwardFrames<TS, TRepeats>(
        ref ForwardState state, int from, int to, ref double tables, int rows, int family, ref double labels, int labelWidth, ref double blankEmit, ref double skip, ref double factor, int[] alphaExp)
        where TS : struct, ILanes<TS>
        where TRepeats : struct, IFlag
    {
        double max = state.Max;
        long exponent = state.Exponent;
        ref double inBlank = ref Unsafe.Add(ref tables, ((InBlank * rows) + 1) * family);
        ref double inBoth = ref Unsafe.Add(ref tables, ((InBoth * rows) + 1) * family);
        ref double alphaLabel = ref Unsafe.Add(ref tables, ((AlphaLabel * rows) + 1) * family);
        bool ok = true;
        for (int t = from; t < to; t++)
        {
            if (max == 0)
            {
                ok = false;
                break;
            }

            int e = ScaleExponent(max);
            exponent += e;
            ref double prevB = ref Unsafe.Add(ref inBlank, t * family); // α̂_{t-1}(B) is in-frame t
            ref double prevY = ref Unsafe.Add(ref alphaLabel, (t - 1) * family);
            ref double curB = ref Unsafe.Add(ref prevB, family);
            ref double curY = ref Unsafe.Add(ref prevY, family);
            ref double both = ref Unsafe.Add(ref inBoth, (t + 1) * family);
            ref double labelEmit = ref Unsafe.Add(ref labels, t * labelWidth);
            double blank = Unsafe.Add(ref blankEmit, t), f = 1;
            if (e == 0)
            {
                max = ForwardStep<TS, No, TRepeats, Yes>(ref prevB, ref prevY, ref curB, ref curY, ref both, family, blank, ref labelEmit, 1, ref skip);
            }
            else
            {
                f = Pow2(-e);
                max = ForwardStep<TS, Yes, TRepeats, Yes>(ref prevB, ref prevY, ref curB, ref curY, ref both, family, blank * f, ref labelEmit, f, ref skip);
            }

            Unsafe.Add(ref factor, t) = f;
            alphaExp[t] = (int)exponent;
        }

        state.Max = max;
        state.Exponent = exponent;
        return ok;
    }

    // Frames low + 3 down to low of the β recursion with f = 1 (exactly TableBackwardFrames' unscaled steps; a join of 1
    // multiplies exactly), in one pass over the cells from the last block down: block k of frame t feeds block k of
    // frame t - 1 in registers, and block k + N of each frame's input is kept from the block before. Writes the lowest
    // ring row (the next chunk's input), the four joined out-table rows and the four maxima (maxima[i] of frame
    // low + 3 - i).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void TableBackwardChunk<TS, TRepeats>(
        int low, ref double ring, int width, int y0, ref double labels, int labelWidth, ref double blankEmit, ref double skip, ReadOnlySpan<double> joins, ref double tables, int rows, int family, Span<double> maxima)
        where TS : struct, ILanes<TS>
        where TRepeats : struct, IFlag
    {
        int t0 = low + 3, n = TS.Count;
        ref double next = ref Unsafe.Add(ref ring, ((t0 + 1) & Slots) * width);
        ref double r3 = ref Unsafe.Add(ref ring, ((t0 - 3) & Slots) * width);
        ref double e0 = ref Unsafe.Add(ref labels, t0 * labelWidth);
        nint w1 = -labelWidth, w2 = -2 * labelWidth, w3 = -3 * labelWidth;
        ref double outBlank = ref Unsafe.Add(ref tables, ((OutBlank * rows) * family) + (t0 * family));
        ref double outBoth = ref Unsafe.Add(ref tables, ((OutBoth * rows) * family) + (t0 * family));
        nint f1 = -family, f2 = -2 * family, f3 = -3 * family;
        TS pb0 = TS.Broadcast(Unsafe.Add(ref blankEmit, t0)), pb1 = TS.Broadcast(Unsafe.Add(ref blankEmit, t0 - 1));
        TS pb2 = TS.Broadcast(Unsafe.Add(ref blankEmit, t0 - 2)), pb3 = TS.Broadcast(Unsafe.Add(ref blankEmit, t0 - 3));
        TS j0 = TS.Broadcast(joins[0]), j1 = TS.Broadcast(joins[1]), j2 = TS.Broadcast(joins[2]), j3 = TS.Broadcast(joins[3]);
        TS m0 = TS.Zero, m1 = TS.Zero, m2 = TS.Zero, m3 = TS.Zero;
        TS b1After = TS.Zero, y1After = TS.Zero, b2After = TS.Zero, y2After = TS.Zero, b3After = TS.Zero, y3After = TS.Zero;
        for (nint k = family - n; k >= 0; k -= n)
        {
            TS sk = TRepeats.On ? TS.Load(ref skip, k + 1) : default;
            TS b = TS.Load(ref next, k), y = TS.Load(ref next, y0 + k);
            // Only the chunk's lowest row goes to the ring: it is the next chunk's input (and a chunk that has to be
            // redone frame by frame starts again from the row above it, which this pass does not touch), so the
            // three rows above it would be dead stores.
            TS nb0 = BackwardCell<TS, TRepeats>(b, y, TS.Load(ref next, k + n), TS.Load(ref next, y0 + k + n), pb0, TS.Load(ref e0, k), sk, out TS ny0);
            StoreJoined(ref outBlank, ref outBoth, k, nb0, ny0, j0, ref m0);
            TS nb1 = BackwardCell<TS, TRepeats>(nb0, ny0, b1After, y1After, pb1, TS.Load(ref e0, w1 + k), sk, out TS ny1);
            StoreJoined(ref Unsafe.Add(ref outBlank, f1), ref Unsafe.Add(ref outBoth, f1), k, nb1, ny1, j1, ref m1);
            TS nb2 = BackwardCell<TS, TRepeats>(nb1, ny1, b2After, y2After, pb2, TS.Load(ref e0, w2 + k), sk, out TS ny2);
            StoreJoined(ref Unsafe.Add(ref outBlank, f2), ref Unsafe.Add(ref outBoth, f2), k, nb2, ny2, j2, ref m2);
            TS nb3 = BackwardCell<TS, TRepeats>(nb2, ny2, b3After, y3After, pb3, TS.Load(ref e0, w3 + k), sk, out TS ny3);
            StoreBackward(ref r3, ref Unsafe.Add(ref outBlank, f3), ref Unsafe.Add(ref outBoth, f3), y0, k, nb3, ny3, j3, ref m3);
            (b1After, y1After, b2After, y2After, b3After, y3After) = (nb0, ny0, nb1, ny1, nb2, ny2);
        }

        maxima[0] = TS.MaxAcross(m0);
        maxima[1] = TS.MaxAcross(m1);
        maxima[2] = TS.MaxAcross(m2);
        maxima[3] = TS.MaxAcross(m3);
    }

    // Frames high down to low of the β recursion: β̂_t, and β̃_t = β̂_t · 2^(ea[t-1] + eb[t] - ea[T-1]) (ea[-1] = 0) into
    // out-frame t - 1.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static bool TableBackwardFrames<TS, TRepeats>(
        ref ForwardState state, int high, int low, int frames, ref double ring, int width, int y0, ref double labels, int labelWidth, ref double blankEmit, ref double skip, int[] alphaExp, ref double tables, int rows, int family)
        where TS : struct, ILanes<TS>
        where TRepeats : struct, IFlag
    {
        double max = state.Max;
        long exponent = state.Exponent;
        long last = alphaExp[frames - 1];
        ref double outBlank = ref Unsafe.Add(ref tables, (OutBlank * rows) * family); // out-frame -1 is row 0
        ref double outBoth = ref Unsafe.Add(ref tables, (OutBoth * rows) * family);
        bool ok = true;
        for (int t = high; t >= low; t--)
        {
            if (max == 0)
            {
                ok = false;
                break;
            }

            int e = ScaleExponent(max);
            exponent += e;
            long join = (t > 0 ? alphaExp[t - 1] : 0) + exponent - last;
            if (join > MaxJoinExponent || join < -MaxJoinExponent)
            {
                ok = false;
                break;
            }

            ref double next = ref Unsafe.Add(ref ring, ((t + 1) & Slots) * width);
            ref double cur = ref Unsafe.Add(ref ring, (t & Slots) * width);
            ref double labelEmit = ref Unsafe.Add(ref labels, t * labelWidth);
            ref double blank = ref Unsafe.Add(ref outBlank, t * family);
            ref double both = ref Unsafe.Add(ref outBoth, t * family);
            double pb = Unsafe.Add(ref blankEmit, t), j = Pow2((int)join);
            if (e == 0 && join == 0)
            {
                max = BackwardStep<TS, No, TRepeats, No>(ref next, ref cur, y0, family, pb, ref labelEmit, 1, ref skip, j, ref blank, ref both);
            }
            else if (e == 0)
            {
                max = BackwardStep<TS, No, TRepeats, Yes>(ref next, ref cur, y0, family, pb, ref labelEmit, 1, ref skip, j, ref blank, ref both);
            }
            else
            {
                double f = Pow2(-e);
                max = BackwardStep<TS, Yes, TRepeats, Yes>(ref next, ref cur, y0, family, pb * f, ref labelEmit, f, ref skip, j, ref blank, ref both);
            }
        }

        state.Max = max;
        state.Exponent = exponent;
        return ok;
    }
}
