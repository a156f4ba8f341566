using System.Runtime.CompilerServices;

namespace Nko.Ctc.Internal.Scoring;

/// <summary>
/// One block of one frame of the α and β recursions, and one row step of each: the arithmetic every pass (the ring
/// forward of a target, the hypothesis' tables in both directions) shares, so that every pass computes the same bits.
/// </summary>
internal static class Recursion
{
    // One block of one frame of the α recursion: (b, y) of the previous frame in, of this frame out; pb and e are the
    // emissions, already multiplied by the frame's scale factor when it is not 1. Every α kernel uses it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ForwardCell<TL, TRepeats>(ref TL b, ref TL y, ref TL previousY, ref TL max, TL pb, TL e, TL skip)
        where TL : struct, ILanes<TL>
        where TRepeats : struct, IFlag
    {
        TL before = TL.ShiftUp(previousY, y);
        previousY = y;
        TL nb = (b + before) * pb;
        TL sum = TRepeats.On ? (y + b) + (skip * before) : (y + b) + before;
        TL ny = sum * e;
        max = TL.Max(max, TL.Max(nb, ny));
        b = nb;
        y = ny;
    }

    // One block of one frame of the β recursion: (b, y) of block k of the next frame and (bAfterBlock, yAfterBlock) of
    // block k + N in; B of this frame returned, Y out. pb and e as in ForwardCell. Every β kernel uses it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TS BackwardCell<TS, TRepeats>(TS b, TS y, TS bAfterBlock, TS yAfterBlock, TS pb, TS e, TS skip, out TS ny)
        where TS : struct, ILanes<TS>
        where TRepeats : struct, IFlag
    {
        TS bAfter = TS.ShiftDown(b, bAfterBlock);
        TS yAfter = TS.ShiftDown(y, yAfterBlock);
        TS nb = (b + y) * pb;
        TS sum = TRepeats.On ? (y + bAfter) + (skip * yAfter) : (y + bAfter) + yAfter;
        ny = sum * e;
        return nb;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreBackward<TS>(ref double row, ref double blank, ref double both, int y0, nint k, TS nb, TS ny, TS join, ref TS max)
        where TS : struct, ILanes<TS>
    {
        TS.Store(nb, ref row, k);
        TS.Store(ny, ref row, y0 + k);
        StoreJoined(ref blank, ref both, k, nb, ny, join, ref max);
    }

    // The out-table cells of one block (joined to α's scale) and the running maximum, without the ring row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreJoined<TS>(ref double blank, ref double both, nint k, TS nb, TS ny, TS join, ref TS max)
        where TS : struct, ILanes<TS>
    {
        TS jb = nb * join;
        TS.Store(jb, ref blank, k);
        TS.Store(jb + (ny * join), ref both, k);
        max = TS.Max(max, TS.Max(nb, ny));
    }

    // cur.B[k] = (prev.B[k] + prev.Y[k-1]) · pb;  cur.Y[k] = ((prev.Y[k] + prev.B[k]) + skip[k] · prev.Y[k-1]) · (e_t(y_k) · f),
    // for k in [0, count) (a multiple of N; cells beyond are zero at this frame). Y[k-1] comes from the vectors already
    // loaded (no load straddles the previous frame's stores). Exact shortcuts: f = 1 skips the scaling multiply, and
    // without adjacent repeats skip[k] · Y[k-1] is Y[k-1] wherever it matters (at k = 0 and k ≥ L the cell is 0 either
    // way). With TStore, also writes cur.B[k] + cur.Y[k-1] to `both`. Returns the maximum.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double ForwardStep<TL, TScaled, TRepeats, TStore>(
        ref double prevB, ref double prevY, ref double curB, ref double curY, ref double both, int count, double pb, ref double labelEmit, double f, ref double skip)
        where TL : struct, ILanes<TL>
        where TScaled : struct, IFlag
        where TRepeats : struct, IFlag
        where TStore : struct, IFlag
    {
        TL max = TL.Zero, previousY = TL.Zero, previousNewY = TL.Zero;
        TL vpb = TL.Broadcast(pb), vf = TL.Broadcast(f);
        for (int k = 0; k < count; k += TL.Count)
        {
            TL b = TL.Load(ref prevB, k);
            TL y = TL.Load(ref prevY, k);
            TL e = TScaled.On ? TL.Load(ref labelEmit, k) * vf : TL.Load(ref labelEmit, k);
            ForwardCell<TL, TRepeats>(ref b, ref y, ref previousY, ref max, vpb, e, TRepeats.On ? TL.Load(ref skip, k) : default);
            TL.Store(b, ref curB, k);
            TL.Store(y, ref curY, k);
            if (TStore.On)
            {
                TL.Store(b + TL.ShiftUp(previousNewY, y), ref both, k);
                previousNewY = y;
            }
        }

        return TL.MaxAcross(max);
    }

    // β̂ in the ring layout: B[k] = (B'[k] + Y'[k]) · pb;  Y[k] = ((Y'[k] + B'[k+1]) + skip[k+1] · Y'[k+1]) · (e_t(y_k) · f),
    // for k in [0, count) (a multiple of N; B'[count..] and Y'[count..] are zero cells). The same exact shortcuts as the
    // forward step. Also writes the row joined to α's scale: B·J to `blank` and B·J + Y·J to `both`.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double BackwardStep<TL, TScaled, TRepeats, TJoined>(
        ref double next, ref double cur, int y0, int count, double pb, ref double labelEmit, double f, ref double skip, double join, ref double blank, ref double both)
        where TL : struct, ILanes<TL>
        where TScaled : struct, IFlag
        where TRepeats : struct, IFlag
        where TJoined : struct, IFlag
    {
        TL max = TL.Zero;
        TL vpb = TL.Broadcast(pb), vf = TL.Broadcast(f), vj = TL.Broadcast(join);
        ref double nextY = ref Unsafe.Add(ref next, y0);
        ref double curY = ref Unsafe.Add(ref cur, y0);
        TL b = TL.Load(ref next, 0);
        TL y = TL.Load(ref nextY, 0);
        for (int k = 0; k < count; k += TL.Count)
        {
            TL bAfterBlock = TL.Load(ref next, k + TL.Count);
            TL yAfterBlock = TL.Load(ref nextY, k + TL.Count);
            TL e = TScaled.On ? TL.Load(ref labelEmit, k) * vf : TL.Load(ref labelEmit, k);
            TL nb = BackwardCell<TL, TRepeats>(b, y, bAfterBlock, yAfterBlock, vpb, e, TRepeats.On ? TL.Load(ref skip, k + 1) : default, out TL ny);
            TL.Store(nb, ref cur, k);
            TL.Store(ny, ref curY, k);
            TL jb = TJoined.On ? nb * vj : nb; // join = 1 skips exact multiplies
            TL.Store(jb, ref blank, k);
            TL.Store(jb + (TJoined.On ? ny * vj : ny), ref both, k);
            max = TL.Max(max, TL.Max(nb, ny));
            b = bAfterBlock;
            y = yAfterBlock;
        }

        return TL.MaxAcross(max);
    }

    internal static void AdvanceReach(ref ForwardState state, int t, ref int prefix, int length)
    {
        while (state.ReachB <= length && Unsafe.Add(ref prefix, state.ReachB) <= t)
        {
            state.ReachB++;
        }

        while (state.ReachY < length && Unsafe.Add(ref prefix, state.ReachY + 1) <= t + 1)
        {
            state.ReachY++;
        }
    }
}
