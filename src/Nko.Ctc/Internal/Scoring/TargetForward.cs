using System.Runtime.CompilerServices;
using static Nko.Ctc.Internal.Scoring.ScoringMath;
using static Nko.Ctc.Internal.Scoring.Recursion;

namespace Nko.Ctc.Internal.Scoring;

/// <summary>
/// The forward likelihood of one target in a ring of eight rows (only the states reachable so far are computed): four
/// unscaled frames per pass with the label emissions transposed on the fly where no rescaling is needed, else frame by
/// frame with the emissions transposed a chunk at a time.
/// </summary>
internal sealed class TargetForward(EmissionStreams streams, TargetLayout layout)
{
    private readonly EmissionStreams _streams = streams;
    private readonly TargetLayout _layout = layout;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Run<TL, TS>(ReadOnlySpan<int> target)
        where TL : struct, ILanes<TL>
        where TS : struct, ILanes<TS>
    {
        int frames = _streams.Frames, length = target.Length;
        if (MinimumFramesOf(target) > frames)
        {
            return double.NegativeInfinity;
        }

        _layout.Prepare<TS>(target);
        int y0 = _layout.Y0, width = _layout.RowWidth, labelWidth = _layout.LabelWidth;
        _layout.Ring.AsSpan(0, (Slots + 1) * width).Clear();
        ref double ring = ref _layout.Ring.Start;
        ref double labels = ref _layout.LabelEmit.Start;
        ref double blankEmit = ref _streams.BlankStream;
        _layout.LoadLabelEmissions<TL>(0);
        ring = blankEmit;
        var state = new ForwardState { Max = ring, ReachB = 1, ReachY = length > 0 ? 1 : 0 };
        if (length > 0)
        {
            Unsafe.Add(ref ring, y0) = labels;
            state.Max = Math.Max(state.Max, labels);
        }

        bool repeats = _layout.Repeats;
        Span<double> maxima = stackalloc double[Chunk];
        for (int chunk = 0; chunk < frames; chunk += Chunk)
        {
            if (TL.Count == Chunk && chunk > 0 && chunk + Chunk <= frames && state.Max > 0 && ScaleExponent(state.Max) == 0)
            {
                // Optimistic: the next frames need no rescaling either (the usual case on recogniser output), so all
                // four go in one pass over the row, their label emissions transposed on the fly. Checked after.
                AdvanceReach(ref state, chunk + Chunk - 1, ref At(_layout.Prefix), length);
                int count = RoundUp(Math.Max(state.ReachB, state.ReachY), TS.Count);
                ref double prev = ref Unsafe.Add(ref ring, ((chunk - 1) & Slots) * width);
                ref double cur = ref Unsafe.Add(ref ring, ((chunk + Chunk - 1) & Slots) * width);
                if (typeof(TS) == typeof(Lanes8))
                {
                    if (repeats)
                    {
                        ForwardChunkWide<Yes>(ref prev, ref cur, y0, count, ref Unsafe.Add(ref _streams.Start, chunk), ref At(_layout.LabelRows), ref Unsafe.Add(ref blankEmit, chunk), ref At(_layout.Skip), maxima);
                    }
                    else
                    {
                        ForwardChunkWide<No>(ref prev, ref cur, y0, count, ref Unsafe.Add(ref _streams.Start, chunk), ref At(_layout.LabelRows), ref Unsafe.Add(ref blankEmit, chunk), ref At(_layout.Skip), maxima);
                    }
                }
                else if (repeats)
                {
                    ForwardChunk<TL, Yes>(ref prev, ref cur, y0, count, ref Unsafe.Add(ref _streams.Start, chunk), ref At(_layout.LabelRows), ref Unsafe.Add(ref blankEmit, chunk), ref At(_layout.Skip), maxima);
                }
                else
                {
                    ForwardChunk<TL, No>(ref prev, ref cur, y0, count, ref Unsafe.Add(ref _streams.Start, chunk), ref At(_layout.LabelRows), ref Unsafe.Add(ref blankEmit, chunk), ref At(_layout.Skip), maxima);
                }

                if (NeedNoScaling(maxima))
                {
                    state.Max = maxima[Chunk - 1];
                    continue;
                }

                // Some frame needs rescaling: redo the chunk frame by frame (the previous row is untouched).
            }

            if (chunk > 0)
            {
                _layout.LoadLabelEmissions<TL>(chunk);
            }

            int from = Math.Max(chunk, 1), to = Math.Min(chunk + Chunk, frames);
            bool ok = repeats
                ? ForwardFrames<TS, Yes>(ref state, from, to, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_layout.Skip), ref At(_layout.Prefix), length)
                : ForwardFrames<TS, No>(ref state, from, to, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_layout.Skip), ref At(_layout.Prefix), length);
            if (!ok)
            {
                return double.NegativeInfinity;
            }
        }

        ref double last = ref Unsafe.Add(ref ring, ((frames - 1) & Slots) * width);
        double final = Unsafe.Add(ref last, length) + Unsafe.Add(ref last, y0 + length - 1);
        return final > 0 && !MayHaveLostPaths(final, state.Max) ? Math.Log(final) + (state.Exponent * Ln2) + _streams.Offset : double.NegativeInfinity;
    }

    // Frames t .. t + 3 of the α recursion with f = 1 (exactly the unscaled steps), in one pass over the cells: block k of
    // frame t + i feeds block k of frame t + i + 1 in registers, and the label emissions come straight from the class
    // streams. Writes frame t + 3 to `cur` and the four maxima.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardChunk<TL, TRepeats>(
        ref double prev, ref double cur, int y0, int count, ref double emit, ref nint labelRows, ref double blankEmit, ref double skip, Span<double> maxima)
        where TL : struct, ILanes<TL>
        where TRepeats : struct, IFlag
    {
        // emit and blankEmit point at frame t.
        TL pb0 = TL.Broadcast(blankEmit), pb1 = TL.Broadcast(Unsafe.Add(ref blankEmit, 1));
        TL pb2 = TL.Broadcast(Unsafe.Add(ref blankEmit, 2)), pb3 = TL.Broadcast(Unsafe.Add(ref blankEmit, 3));
        TL m0 = TL.Zero, m1 = TL.Zero, m2 = TL.Zero, m3 = TL.Zero;
        TL y0Before = TL.Zero, y1Before = TL.Zero, y2Before = TL.Zero, y3Before = TL.Zero; // previous block of each frame's input Y
        ref double prevY = ref Unsafe.Add(ref prev, y0);
        ref double curY = ref Unsafe.Add(ref cur, y0);
        for (int k = 0; k < count; k += TL.Count, labelRows = ref Unsafe.Add(ref labelRows, TL.Count))
        {
            TL.LoadTransposed(
                ref emit,
                labelRows,
                Unsafe.Add(ref labelRows, 1),
                Unsafe.Add(ref labelRows, 2),
                Unsafe.Add(ref labelRows, 3),
                out TL e0,
                out TL e1,
                out TL e2,
                out TL e3);
            TL sk = TRepeats.On ? TL.Load(ref skip, k) : default;
            TL b = TL.Load(ref prev, k);
            TL y = TL.Load(ref prevY, k);
            ForwardCell<TL, TRepeats>(ref b, ref y, ref y0Before, ref m0, pb0, e0, sk);
            ForwardCell<TL, TRepeats>(ref b, ref y, ref y1Before, ref m1, pb1, e1, sk);
            ForwardCell<TL, TRepeats>(ref b, ref y, ref y2Before, ref m2, pb2, e2, sk);
            ForwardCell<TL, TRepeats>(ref b, ref y, ref y3Before, ref m3, pb3, e3, sk);
            TL.Store(b, ref cur, k);
            TL.Store(y, ref curY, k);
        }

        maxima[0] = TL.MaxAcross(m0);
        maxima[1] = TL.MaxAcross(m1);
        maxima[2] = TL.MaxAcross(m2);
        maxima[3] = TL.MaxAcross(m3);
    }

    // ForwardChunk with eight-lane arithmetic: two 4×4 emission transposes per block of eight labels.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardChunkWide<TRepeats>(
        ref double prev, ref double cur, int y0, int count, ref double emit, ref nint labelRows, ref double blankEmit, ref double skip, Span<double> maxima)
        where TRepeats : struct, IFlag
    {
        Lanes8 pb0 = Lanes8.Broadcast(blankEmit), pb1 = Lanes8.Broadcast(Unsafe.Add(ref blankEmit, 1));
        Lanes8 pb2 = Lanes8.Broadcast(Unsafe.Add(ref blankEmit, 2)), pb3 = Lanes8.Broadcast(Unsafe.Add(ref blankEmit, 3));
        Lanes8 m0 = Lanes8.Zero, m1 = Lanes8.Zero, m2 = Lanes8.Zero, m3 = Lanes8.Zero;
        Lanes8 y0Before = Lanes8.Zero, y1Before = Lanes8.Zero, y2Before = Lanes8.Zero, y3Before = Lanes8.Zero;
        ref double prevY = ref Unsafe.Add(ref prev, y0);
        ref double curY = ref Unsafe.Add(ref cur, y0);
        for (int k = 0; k < count; k += 8, labelRows = ref Unsafe.Add(ref labelRows, 8))
        {
            Lanes4.LoadTransposed(ref emit, labelRows, Unsafe.Add(ref labelRows, 1), Unsafe.Add(ref labelRows, 2), Unsafe.Add(ref labelRows, 3), out Lanes4 l0, out Lanes4 l1, out Lanes4 l2, out Lanes4 l3);
            Lanes4.LoadTransposed(ref emit, Unsafe.Add(ref labelRows, 4), Unsafe.Add(ref labelRows, 5), Unsafe.Add(ref labelRows, 6), Unsafe.Add(ref labelRows, 7), out Lanes4 h0, out Lanes4 h1, out Lanes4 h2, out Lanes4 h3);
            Lanes8 sk = TRepeats.On ? Lanes8.Load(ref skip, k) : default;
            Lanes8 b = Lanes8.Load(ref prev, k);
            Lanes8 y = Lanes8.Load(ref prevY, k);
            ForwardCell<Lanes8, TRepeats>(ref b, ref y, ref y0Before, ref m0, pb0, Lanes8.Combine(l0, h0), sk);
            ForwardCell<Lanes8, TRepeats>(ref b, ref y, ref y1Before, ref m1, pb1, Lanes8.Combine(l1, h1), sk);
            ForwardCell<Lanes8, TRepeats>(ref b, ref y, ref y2Before, ref m2, pb2, Lanes8.Combine(l2, h2), sk);
            ForwardCell<Lanes8, TRepeats>(ref b, ref y, ref y3Before, ref m3, pb3, Lanes8.Combine(l3, h3), sk);
            Lanes8.Store(b, ref cur, k);
            Lanes8.Store(y, ref curY, k);
        }

        maxima[0] = Lanes8.MaxAcross(m0);
        maxima[1] = Lanes8.MaxAcross(m1);
        maxima[2] = Lanes8.MaxAcross(m2);
        maxima[3] = Lanes8.MaxAcross(m3);
    }

    // Frames [from, to) of the α recursion in the ring: scale factor 2^-e from the previous row's maximum, the cells
    // reachable from the start, one step. False when a row is all zero (the target cannot be aligned).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool ForwardFrames<TS, TRepeats>(
        ref ForwardState state, int from, int to, ref double ring, int width, int y0, ref double labels, int labelWidth, ref double blankEmit, ref double skip, ref int prefix, int length)
        where TS : struct, ILanes<TS>
        where TRepeats : struct, IFlag
    {
        double max = state.Max;
        long exponent = state.Exponent;
        int reachB = state.ReachB, reachY = state.ReachY;
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
            while (reachB <= length && Unsafe.Add(ref prefix, reachB) <= t)
            {
                reachB++;
            }

            while (reachY < length && Unsafe.Add(ref prefix, reachY + 1) <= t + 1)
            {
                reachY++;
            }

            int count = RoundUp(Math.Max(reachB, reachY), TS.Count);
            ref double prev = ref Unsafe.Add(ref ring, ((t - 1) & Slots) * width);
            ref double cur = ref Unsafe.Add(ref ring, (t & Slots) * width);
            ref double labelEmit = ref Unsafe.Add(ref labels, (t & Slots) * labelWidth);
            double blank = Unsafe.Add(ref blankEmit, t);
            if (e == 0)
            {
                max = ForwardStep<TS, No, TRepeats, No>(ref prev, ref Unsafe.Add(ref prev, y0), ref cur, ref Unsafe.Add(ref cur, y0), ref cur, count, blank, ref labelEmit, 1, ref skip);
            }
            else
            {
                double f = Pow2(-e);
                max = ForwardStep<TS, Yes, TRepeats, No>(ref prev, ref Unsafe.Add(ref prev, y0), ref cur, ref Unsafe.Add(ref cur, y0), ref cur, count, blank * f, ref labelEmit, f, ref skip);
            }
        }

        state.Max = max;
        state.Exponent = exponent;
        state.ReachB = reachB;
        state.ReachY = reachY;
        return ok;
    }
}
