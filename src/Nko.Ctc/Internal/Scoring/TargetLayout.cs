using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static Nko.Ctc.Internal.Scoring.ScoringMath;

namespace Nko.Ctc.Internal.Scoring;

/// <summary>
/// The layout of one prepared target: the split rows (blank states, then label states) and the ring of eight of them,
/// skip flags, minimum frames, where each label's emission stream starts, and its label emissions transposed frame-major.
/// </summary>
internal sealed class TargetLayout(EmissionStreams streams)
{
    private readonly EmissionStreams _streams = streams;

    // Split row layout of width _rowWidth: B[k] (blank before label k, B[L] the final blank) at k, Y[k] (label k) at
    // _y0 + k, exact zeros everywhere else (the gap of at least eight cells after B[L], the tail).
    private int _y0;
    private int _rowWidth;
    private int _labelWidth; // RoundUp(L + 1, Block): the cells every step computes in the tables
    private readonly AlignedDoubles _ring = new(); // eight rows: row u in slot u & 7

    // e_t(y_k) at [(t & mask) * _labelWidth + k], zero for k ≥ L: a ring of eight rows (mask 7) for one target's forward,
    // every frame (mask -1) for a hypothesis' tables, whose forward and backward passes both read them.
    private readonly AlignedDoubles _labelEmit = new();
    private nint[] _labelRows = []; // offset of each label's emission stream (row C past the end)
    private double[] _skip = []; // [k] = 1 when y_k may follow y_{k-1} directly (k ≥ 1, y_k ≠ y_{k-1}), else 0
    private bool _repeats; // some label repeats the one before it
    private int[] _prefix = []; // [j] = frames needed for y_0..y_{j-1}
    private int[] _suffix = []; // [b] = frames needed for y_b..y_{L-1}

    /// <summary>Where the label states start in a row.</summary>
    public int Y0 => _y0;

    public int RowWidth => _rowWidth;

    /// <summary>Columns of a label-emission row (and of a table row).</summary>
    public int LabelWidth => _labelWidth;

    public AlignedDoubles Ring => _ring;

    public AlignedDoubles LabelEmit => _labelEmit;

    /// <summary>The label emissions hold every frame's row of the current hypothesis (set by its tables, cleared by anything else that writes them).</summary>
    public bool LabelsKept { get; set; }

    public nint[] LabelRows => _labelRows;

    public double[] Skip => _skip;

    public bool Repeats => _repeats;

    public int[] Prefix => _prefix;

    // Lays out the target: row geometry, skip flags, minimum frames, and where each label's emissions start.
    public void Prepare<TS>(ReadOnlySpan<int> target)
        where TS : struct, ILanes<TS>
    {
        int length = target.Length, stride = _streams.Stride;
        RingCells(length);
        LabelsKept = false;
        _y0 = RoundUp(length + 1, Block) + Block;
        _rowWidth = _y0 + RoundUp(length + 1, Block) + Block;
        _labelWidth = RoundUp(length + 1, Block); // zero columns from L on
        _ring.EnsureCapacity((Slots + 1) * _rowWidth);
        _labelEmit.EnsureCapacity((Slots + 1) * _labelWidth);
        Grow(ref _skip, _labelWidth + Block);
        Grow(ref _prefix, length + 1);
        Grow(ref _suffix, length + 1);
        Grow(ref _labelRows, _labelWidth);
        MinimumFrames(target, _prefix, _suffix);
        Span<double> skip = _skip.AsSpan(0, _labelWidth + Block);
        skip.Clear();
        _repeats = false;
        for (int k = 1; k < length; k++)
        {
            skip[k] = target[k] != target[k - 1] ? 1.0 : 0.0;
            _repeats |= target[k] == target[k - 1];
        }

        for (int k = 0; k < length; k++)
        {
            _streams.Ensure<TS>(target[k]);
        }

        for (int k = 0; k < _labelWidth; k++)
        {
            _labelRows[k] = (Label(target, k) * stride) + Pad;
        }
    }

    // e_t(y_k) for the frames [t0, t0 + Chunk) and k in [0, _labelWidth), into label rows t & mask: N×N block transposes
    // of the class-major emissions (row C, read past the last label, is zero).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LoadLabelEmissions<TL>(int t0, int mask = Slots)
        where TL : struct, ILanes<TL>
    {
        ref double emit = ref _streams.Start;
        ref double dst = ref _labelEmit.Start;
        ref nint row = ref At(_labelRows);
        int width = _labelWidth;
        for (int t = t0; t < t0 + Chunk; t += TL.Count)
        {
            ref double at = ref Unsafe.Add(ref dst, (t & mask) * width);
            for (int k = 0; k < width; k += TL.Count)
            {
                LoadBlock(
                    ref emit,
                    Unsafe.Add(ref row, k),
                    TL.Count > 1 ? Unsafe.Add(ref row, k + 1) : 0,
                    TL.Count > 2 ? Unsafe.Add(ref row, k + 2) : 0,
                    TL.Count > 2 ? Unsafe.Add(ref row, k + 3) : 0,
                    t,
                    out TL v0,
                    out TL v1,
                    out TL v2,
                    out TL v3);
                StoreColumns(ref at, k, width, v0, v1, v2, v3);
            }
        }
    }

    private int Label(ReadOnlySpan<int> target, int k) => k < target.Length ? target[k] : _streams.Classes;

    // Turns the label rows of the previous hypothesis (every frame, this row width) into this one's: the common suffix
    // moves by the shift, the new columns are read from their class streams (_labelRows is this hypothesis'). Columns
    // from L on are zero before and after (the row width has room for the longer of the two).
    public void Step(LabelStep step, int length)
    {
        int width = _labelWidth, rows = RoundUp(_streams.Frames, Chunk), end = length - step.Suffix;
        ref double dst = ref _labelEmit.Start;
        ref double emit = ref _streams.Start;
        ref nint labelRows = ref At(_labelRows);
        for (int t = 0; t < rows; t++)
        {
            ref double row = ref Unsafe.Add(ref dst, t * width);
            if (step.Shift > 0)
            {
                ShiftRight(ref row, end - 1, width);
            }
            else if (step.Shift < 0)
            {
                ShiftLeft(ref row, end, width);
            }

            for (int k = step.Prefix; k < end; k++)
            {
                Unsafe.Add(ref row, k) = Unsafe.Add(ref emit, Unsafe.Add(ref labelRows, k) + t);
            }
        }
    }

    // row[k + 1] = row[k] for k in [j, width - 1), from the top down (each block is read before the one below it is
    // written). Vector moves only where the vector type is hardware accelerated: a software Vector256 (NativeAOT's
    // default x64 target has no AVX) may be copied in halves, and these moves overlap.
    private static void ShiftRight(ref double row, int j, int width)
    {
        int k = width - 1; // sources [j, k) are still to move
        if (Vector256.IsHardwareAccelerated)
        {
            for (; k - 4 >= j; k -= 4)
            {
                Vector256.LoadUnsafe(ref row, (nuint)(k - 4)).StoreUnsafe(ref row, (nuint)(k - 3));
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; k - 2 >= j; k -= 2)
            {
                Vector128.LoadUnsafe(ref row, (nuint)(k - 2)).StoreUnsafe(ref row, (nuint)(k - 1));
            }
        }

        for (; k - 1 >= j; k--)
        {
            Unsafe.Add(ref row, k) = Unsafe.Add(ref row, k - 1);
        }
    }

    // row[k] = row[k + 1] for k in [j, width - 1), from the bottom up; row[width - 1] keeps its (zero) value.
    private static void ShiftLeft(ref double row, int j, int width)
    {
        int k = j; // destinations [k, width - 1) are still to fill
        if (Vector256.IsHardwareAccelerated)
        {
            for (; k + 4 <= width - 1; k += 4)
            {
                Vector256.LoadUnsafe(ref row, (nuint)(k + 1)).StoreUnsafe(ref row, (nuint)k);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; k + 2 <= width - 1; k += 2)
            {
                Vector128.LoadUnsafe(ref row, (nuint)(k + 1)).StoreUnsafe(ref row, (nuint)k);
            }
        }

        for (; k < width - 1; k++)
        {
            Unsafe.Add(ref row, k) = Unsafe.Add(ref row, k + 1);
        }
    }

    // The ring of a single forward: eight rows of the split layout.
    internal static void RingCells(int length)
    {
        long width = (2 * (RoundUp((long)length + 1, Block) + Block));
        Cells((Slots + 1) * width, 0, length, "forward rows");
    }
}
