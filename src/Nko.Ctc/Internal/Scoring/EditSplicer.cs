using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static Nko.Ctc.Internal.Scoring.HypothesisTables;
using static Nko.Ctc.Internal.Scoring.ScoringMath;

namespace Nko.Ctc.Internal.Scoring;

/// <summary>
/// Scores single edits of the hypothesis from its tables: substitutions and insertions as one-state recursions between
/// an α in-cell and a β out-cell, several side by side in vector lanes (sorted by position), and deletions from the
/// deletion sums of <see cref="EditEstimates"/>. Each sum is the edited target's likelihood over the hypothesis' final
/// scale.
/// </summary>
internal sealed class EditSplicer(EmissionStreams streams, HypothesisTables tables, EditEstimates estimates)
{
    private readonly EmissionStreams _streams = streams;
    private readonly HypothesisTables _tables = tables;
    private readonly EditEstimates _estimates = estimates;
    private SpliceLane[] _chains = [];
    private int[] _counts = [];
    private int[] _order = [];
    private double[] _sums = [];

    /// <summary>[i]: the spliced likelihood of edit i of the last batch, divided by the hypothesis' final power of two.</summary>
    public double[] Sums => _sums;

    // Spliced likelihood of every edit, divided by 2^ea[T-1] (the hypothesis' final scale), into _sums.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Splice<TL, TS>(ReadOnlySpan<LabelEdit> edits)
        where TL : struct, ILanes<TL>
        where TS : struct, ILanes<TS>
    {
        int count = edits.Length, length = _tables.Length, frames = _streams.Frames, stride = _streams.Stride, family = _tables.Family;
        int group = 2 * TL.Count;
        Grow(ref _sums, count);
        Grow(ref _chains, count + group);
        Grow(ref _counts, length + 2);
        ReadOnlySpan<int> hyp = _tables.Hypothesis.AsSpan(0, length);
        Span<int> counts = _counts.AsSpan(0, length + 2);
        Span<double> sums = _sums.AsSpan(0, count);
        sums.Clear();

        // Counting sort by position (lanes scored together then cover similar frames and neighbouring table cells).
        counts.Clear();
        foreach (LabelEdit edit in edits)
        {
            counts[edit.Position + 1]++;
        }

        for (int j = 1; j < counts.Length; j++)
        {
            counts[j] += counts[j - 1];
        }

        int chains = 0;
        bool deletions = false;
        Grow(ref _order, count);
        Span<int> order = _order.AsSpan(0, count);
        for (int i = 0; i < count; i++)
        {
            order[counts[edits[i].Position]++] = i;
        }

        foreach (int i in order)
        {
            LabelEdit edit = edits[i];
            int j = edit.Position;
            if (edit.Kind == EditKind.Delete)
            {
                if (j == 0)
                {
                    // β̃_0(B_1) + β̃_0(Y_1): the paths that start after the deleted first label (out-frame -1).
                    sums[i] = _tables.Cells.AsSpan(0, Families * _tables.Rows * family)[_tables.TableAt(OutBoth, 1) - family];
                    continue;
                }

                deletions = true;
                continue;
            }

            int z = edit.Label;
            _streams.Ensure<TS>(z);
            int next = edit.Kind == EditKind.Substitute ? j + 1 : j; // the label after the new one
            bool skipIn = j > 0 && hyp[j - 1] != z;
            bool skipNext = next < length && hyp[next] != z;
            _chains[chains++] = new SpliceLane
            {
                Edit = i,
                Emit = (z * stride) + Pad,
                In = _tables.TableAt(skipIn ? InBoth : InBlank, j),
                Out = _tables.TableAt(skipNext ? OutBoth : OutBlank, next),
                Start = _tables.Prefix[j],
                End = frames - 1 - _tables.Suffix[next],
            };
        }

        ref double emit = ref _streams.Start;
        ref double tables = ref _tables.Cells.Start;
        ref double factor = ref Unsafe.Add(ref _tables.Factor.Start, Pad);
        for (int g = 0; g < chains; g += group)
        {
            Span<SpliceLane> lanes = _chains.AsSpan(g, group);
            PadGroup(lanes, chains - g);
            if (typeof(TL) == typeof(Lanes4) && SpliceChainsPermuted(ref emit, ref tables, ref factor, family, lanes, sums, _tables.Unscaled))
            {
                continue;
            }

            if (_tables.Unscaled)
            {
                SpliceChains<TL, No>(ref emit, ref tables, ref factor, family, lanes, sums);
            }
            else
            {
                SpliceChains<TL, Yes>(ref emit, ref tables, ref factor, family, lanes, sums);
            }
        }

        if (deletions)
        {
            // Every deletion at once, one lane per position: D[j] = Σ_t α̂_t(Y_{j-1}) · out_t(j + 1) (once per hypothesis).
            _estimates.EnsureDeletionSums<TS>();
            Span<double> blankSums = _estimates.DeletionSums.AsSpan(0, family), bothSums = _estimates.DeletionSums.AsSpan(family, family);
            for (int i = 0; i < count; i++)
            {
                LabelEdit edit = edits[i];
                int j = edit.Position;
                if (edit.Kind == EditKind.Delete && j > 0)
                {
                    bool skipOut = j + 1 < length && hyp[j - 1] != hyp[j + 1];
                    sums[i] = (skipOut ? bothSums : blankSums)[j];
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TL LoadLanes<TL>(ref double source, in LaneCells cells, nint row)
        where TL : struct, ILanes<TL>
    {
        if (typeof(TL) == typeof(Lanes4) && cells.Contiguous)
        {
            Lanes4 v = Lanes4.LoadPermuted(ref source, cells.O0 + row, cells.Control);
            return Unsafe.As<Lanes4, TL>(ref v);
        }

        return TL.Gather(ref source, cells.O0 + row, cells.O1 + row, cells.O2 + row, cells.O3 + row);
    }

    // Lanes past the batch copy the group's first lane (same cells, same frames) and write nowhere.
    private static void PadGroup(Span<SpliceLane> lanes, int used)
    {
        for (int i = used; i < lanes.Length; i++)
        {
            lanes[i] = lanes[0] with { Edit = -1 };
        }
    }

    // The group's frame range: the union of its lanes' ranges, in whole blocks. Frames outside a lane's own range add
    // exact zeros to it (its in-cells or out-cells are zero there), so every lane gets the bits of its own loop.
    private static bool GroupRange(ReadOnlySpan<SpliceLane> lanes, out int start, out int end)
    {
        start = int.MaxValue;
        end = -1;
        foreach (SpliceLane lane in lanes)
        {
            if (lane.Start <= lane.End)
            {
                start = Math.Min(start, lane.Start);
                end = Math.Max(end, lane.End);
            }
        }

        start -= start % Chunk;
        end = RoundUp(end + 1, Chunk);
        return end > 0;
    }

    // 2N substitutions/insertions at once (two groups of N lanes, interleaved so that their dependency chains overlap).
    // Every lane runs a_t = (e_t(z) · F_t) · (a_{t-1} + in_t);  P += a_t · out_t.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SpliceChains<TL, TScaled>(ref double emit, ref double tables, ref double factor, int family, ReadOnlySpan<SpliceLane> lanes, Span<double> sums)
        where TL : struct, ILanes<TL>
        where TScaled : struct, IFlag
    {
        if (!GroupRange(lanes, out int start, out int end))
        {
            return;
        }

        int n = TL.Count;
        nint eA0 = lanes[0].Emit, eA1 = lanes[Math.Min(1, n - 1)].Emit, eA2 = lanes[Math.Min(2, n - 1)].Emit, eA3 = lanes[Math.Min(3, n - 1)].Emit;
        nint eB0 = lanes[n].Emit, eB1 = lanes[n + Math.Min(1, n - 1)].Emit, eB2 = lanes[n + Math.Min(2, n - 1)].Emit, eB3 = lanes[n + Math.Min(3, n - 1)].Emit;
        LaneCells dA = Cells(lanes[..n], static lane => lane.In), oA = Cells(lanes[..n], static lane => lane.Out);
        LaneCells dB = Cells(lanes[n..], static lane => lane.In), oB = Cells(lanes[n..], static lane => lane.Out);
        TL a = TL.Zero, p = TL.Zero, b = TL.Zero, q = TL.Zero;
        for (nint t = start; t < end; t += n)
        {
            TL f0 = TScaled.On ? TL.Broadcast(Unsafe.Add(ref factor, t)) : default;
            TL f1 = TScaled.On && TL.Count > 1 ? TL.Broadcast(Unsafe.Add(ref factor, t + 1)) : default;
            TL f2 = TScaled.On && TL.Count > 2 ? TL.Broadcast(Unsafe.Add(ref factor, t + 2)) : default;
            TL f3 = TScaled.On && TL.Count > 2 ? TL.Broadcast(Unsafe.Add(ref factor, t + 3)) : default;
            nint row = t * family;
            LoadBlock(ref emit, eA0, eA1, eA2, eA3, t, out TL e0, out TL e1, out TL e2, out TL e3);
            ChainStep<TL, TScaled>(ref a, ref p, e0, f0, LoadLanes<TL>(ref tables, dA, row), LoadLanes<TL>(ref tables, oA, row));
            if (TL.Count > 1)
            {
                ChainStep<TL, TScaled>(ref a, ref p, e1, f1, LoadLanes<TL>(ref tables, dA, row + family), LoadLanes<TL>(ref tables, oA, row + family));
            }

            if (TL.Count > 2)
            {
                ChainStep<TL, TScaled>(ref a, ref p, e2, f2, LoadLanes<TL>(ref tables, dA, row + (2 * family)), LoadLanes<TL>(ref tables, oA, row + (2 * family)));
                ChainStep<TL, TScaled>(ref a, ref p, e3, f3, LoadLanes<TL>(ref tables, dA, row + (3 * family)), LoadLanes<TL>(ref tables, oA, row + (3 * family)));
            }

            LoadBlock(ref emit, eB0, eB1, eB2, eB3, t, out e0, out e1, out e2, out e3);
            ChainStep<TL, TScaled>(ref b, ref q, e0, f0, LoadLanes<TL>(ref tables, dB, row), LoadLanes<TL>(ref tables, oB, row));
            if (TL.Count > 1)
            {
                ChainStep<TL, TScaled>(ref b, ref q, e1, f1, LoadLanes<TL>(ref tables, dB, row + family), LoadLanes<TL>(ref tables, oB, row + family));
            }

            if (TL.Count > 2)
            {
                ChainStep<TL, TScaled>(ref b, ref q, e2, f2, LoadLanes<TL>(ref tables, dB, row + (2 * family)), LoadLanes<TL>(ref tables, oB, row + (2 * family)));
                ChainStep<TL, TScaled>(ref b, ref q, e3, f3, LoadLanes<TL>(ref tables, dB, row + (3 * family)), LoadLanes<TL>(ref tables, oB, row + (3 * family)));
            }
        }

        WriteSums(lanes, p, q, sums);
    }

    // SpliceChains for 2 × 4 lanes whose in-cells and out-cells each lie within four consecutive doubles of a row
    // (the usual case: lanes sorted by position): one load and one permutation per cell vector. The same operations
    // per lane as SpliceChains. False (nothing done) when some cells are spread wider.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool SpliceChainsPermuted(ref double emit, ref double tables, ref double factor, int family, ReadOnlySpan<SpliceLane> lanes, Span<double> sums, bool unscaled)
    {
        LaneCells dA = Cells(lanes[..4], static lane => lane.In), oA = Cells(lanes[..4], static lane => lane.Out);
        LaneCells dB = Cells(lanes[4..], static lane => lane.In), oB = Cells(lanes[4..], static lane => lane.Out);
        if (!(dA.Contiguous && oA.Contiguous && dB.Contiguous && oB.Contiguous))
        {
            return false;
        }

        if (GroupRange(lanes, out int start, out int end))
        {
            if (unscaled)
            {
                ChainsPermuted<No>(ref emit, ref tables, ref factor, family, lanes, sums, start, end, dA, oA, dB, oB);
            }
            else
            {
                ChainsPermuted<Yes>(ref emit, ref tables, ref factor, family, lanes, sums, start, end, dA, oA, dB, oB);
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ChainsPermuted<TScaled>(
        ref double emit, ref double tables, ref double factor, int family, ReadOnlySpan<SpliceLane> lanes, Span<double> sums, int start, int end, LaneCells dA, LaneCells oA, LaneCells dB, LaneCells oB)
        where TScaled : struct, IFlag
    {
        nint eA0 = lanes[0].Emit, eA1 = lanes[1].Emit, eA2 = lanes[2].Emit, eA3 = lanes[3].Emit;
        nint eB0 = lanes[4].Emit, eB1 = lanes[5].Emit, eB2 = lanes[6].Emit, eB3 = lanes[7].Emit;
        ref double dAt = ref Unsafe.Add(ref tables, dA.O0), oAt = ref Unsafe.Add(ref tables, oA.O0);
        ref double dBt = ref Unsafe.Add(ref tables, dB.O0), oBt = ref Unsafe.Add(ref tables, oB.O0);
        Vector256<int> dAc = dA.Control, oAc = oA.Control, dBc = dB.Control, oBc = oB.Control;
        Lanes4 a = default, p = default, b = default, q = default;
        for (nint t = start; t < end; t += 4)
        {
            Lanes4 f0 = TScaled.On ? Lanes4.Broadcast(Unsafe.Add(ref factor, t)) : default;
            Lanes4 f1 = TScaled.On ? Lanes4.Broadcast(Unsafe.Add(ref factor, t + 1)) : default;
            Lanes4 f2 = TScaled.On ? Lanes4.Broadcast(Unsafe.Add(ref factor, t + 2)) : default;
            Lanes4 f3 = TScaled.On ? Lanes4.Broadcast(Unsafe.Add(ref factor, t + 3)) : default;
            nint r0 = t * family, r1 = r0 + family, r2 = r1 + family, r3 = r2 + family;
            Lanes4.LoadTransposed(ref emit, eA0 + t, eA1 + t, eA2 + t, eA3 + t, out Lanes4 e0, out Lanes4 e1, out Lanes4 e2, out Lanes4 e3);
            ChainStep<Lanes4, TScaled>(ref a, ref p, e0, f0, Lanes4.LoadPermuted(ref dAt, r0, dAc), Lanes4.LoadPermuted(ref oAt, r0, oAc));
            ChainStep<Lanes4, TScaled>(ref a, ref p, e1, f1, Lanes4.LoadPermuted(ref dAt, r1, dAc), Lanes4.LoadPermuted(ref oAt, r1, oAc));
            ChainStep<Lanes4, TScaled>(ref a, ref p, e2, f2, Lanes4.LoadPermuted(ref dAt, r2, dAc), Lanes4.LoadPermuted(ref oAt, r2, oAc));
            ChainStep<Lanes4, TScaled>(ref a, ref p, e3, f3, Lanes4.LoadPermuted(ref dAt, r3, dAc), Lanes4.LoadPermuted(ref oAt, r3, oAc));
            Lanes4.LoadTransposed(ref emit, eB0 + t, eB1 + t, eB2 + t, eB3 + t, out e0, out e1, out e2, out e3);
            ChainStep<Lanes4, TScaled>(ref b, ref q, e0, f0, Lanes4.LoadPermuted(ref dBt, r0, dBc), Lanes4.LoadPermuted(ref oBt, r0, oBc));
            ChainStep<Lanes4, TScaled>(ref b, ref q, e1, f1, Lanes4.LoadPermuted(ref dBt, r1, dBc), Lanes4.LoadPermuted(ref oBt, r1, oBc));
            ChainStep<Lanes4, TScaled>(ref b, ref q, e2, f2, Lanes4.LoadPermuted(ref dBt, r2, dBc), Lanes4.LoadPermuted(ref oBt, r2, oBc));
            ChainStep<Lanes4, TScaled>(ref b, ref q, e3, f3, Lanes4.LoadPermuted(ref dBt, r3, dBc), Lanes4.LoadPermuted(ref oBt, r3, oBc));
        }

        WriteSums(lanes, p, q, sums);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ChainStep<TL, TScaled>(ref TL a, ref TL total, TL e, TL f, TL d, TL o)
        where TL : struct, ILanes<TL>
        where TScaled : struct, IFlag
    {
        a = (TScaled.On ? e * f : e) * (a + d); // f = 1 (every frame unscaled) skips an exact multiply
        total += a * o;
    }

    private static LaneCells Cells(ReadOnlySpan<SpliceLane> lanes, Func<SpliceLane, int> cell)
    {
        int n = lanes.Length;
        return LaneCells.Of(cell(lanes[0]), cell(lanes[Math.Min(1, n - 1)]), cell(lanes[Math.Min(2, n - 1)]), cell(lanes[Math.Min(3, n - 1)]), n);
    }

    private static void WriteSums<TL>(ReadOnlySpan<SpliceLane> lanes, TL p, TL q, Span<double> sums)
        where TL : struct, ILanes<TL>
    {
        Span<double> totals = stackalloc double[2 * Block];
        ref double at = ref MemoryMarshal.GetReference(totals);
        TL.Store(p, ref at, 0);
        TL.Store(q, ref at, TL.Count);
        for (int i = 0; i < lanes.Length; i++)
        {
            if (lanes[i].Edit >= 0)
            {
                sums[lanes[i].Edit] = totals[i];
            }
        }
    }
}
