using System.Runtime.CompilerServices;
using static Nko.Ctc.Internal.Scoring.ScoringMath;
using static Nko.Ctc.Internal.Scoring.TableKernels;

namespace Nko.Ctc.Internal.Scoring;

/// <summary>
/// The forward (α) and backward (β) tables of a hypothesis, frame-major rows of <see cref="Family"/> columns: the
/// forward pass writes α̂ straight into them, the backward pass runs in the target's ring and writes its rows joined to
/// α's scale, so that an edit's likelihood is a short recursion between an in-cell and an out-cell.
/// </summary>
internal sealed class HypothesisTables(EmissionStreams streams, TargetLayout layout)
{
    // Tables of a hypothesis: frame-major rows of _family columns, frame t (from -1) in row t + 1.
    internal const int InBlank = 0; // frame t, column j: α̂_{t-1}(B_j) (frame 0: the start, 1 at j = 0)
    internal const int InBoth = 1; // α̂_{t-1}(B_j) + α̂_{t-1}(Y_{j-1})
    internal const int AlphaLabel = 2; // α̂_t(Y_k)
    internal const int OutBlank = 3; // β̃_{t+1}(B_b) (frame T - 1: leaving, 1 at b = L; frame -1: β̃_0)
    internal const int OutBoth = 4; // β̃_{t+1}(B_b) + β̃_{t+1}(Y_b)
    internal const int Families = 5;

    private readonly EmissionStreams _streams = streams;
    private readonly TargetLayout _layout = layout;
    private int[] _hyp = [];
    private int _hypLength = -1;
    private int[] _hypPrefix = [];
    private int[] _hypSuffix = [];
    private readonly AlignedDoubles _factor = new(); // per-frame power-of-two factor of the α recursion, at [Pad + t]
    private int[] _alphaExp = [];
    private readonly AlignedDoubles _tables = new();
    private int _family; // columns of a table row
    private int _tableRows; // rows of a table
    private double _hypFinal;
    private double _hypLogLikelihood = double.NaN;
    private bool _spliceOk;
    private bool _unscaled; // every α scale factor of the hypothesis is 1

    /// <summary>The hypothesis' labels (the first <see cref="Length"/>).</summary>
    public int[] Hypothesis => _hyp;

    /// <summary>Labels of the hypothesis; −1 when none is set since the last reset.</summary>
    public int Length => _hypLength;

    /// <summary>[j]: frames needed for the labels before j.</summary>
    public int[] Prefix => _hypPrefix;

    /// <summary>[b]: frames needed for the labels from b on.</summary>
    public int[] Suffix => _hypSuffix;

    /// <summary>The α recursion's power-of-two factor of frame t at [Pad + t].</summary>
    public AlignedDoubles Factor => _factor;

    /// <summary>The five tables, table f's column j at frame t at <see cref="TableAt"/>(f, j) + t · <see cref="Family"/>.</summary>
    public AlignedDoubles Cells => _tables;

    public int Family => _family;

    public int Rows => _tableRows;

    /// <summary>The scaled total of the α tables (the likelihood divided by its power of two).</summary>
    public double Final => _hypFinal;

    public double LogLikelihood => _hypLogLikelihood;

    /// <summary>Whether the tables can be spliced (else every edit takes a full forward).</summary>
    public bool SpliceOk => _spliceOk;

    /// <summary>Whether every α scale factor of the hypothesis is 1 (edits then skip those multiplies).</summary>
    public bool Unscaled => _unscaled;

    /// <summary>Runs every recursion frame by frame: the reference the four-frame passes are tested against.</summary>
    public bool FrameByFrame { get; set; }

    /// <summary>Frames of the last tables that four-frame passes computed (tests check they ran).</summary>
    public int ChunkedFrames { get; private set; }

    /// <summary>Whether the last hypothesis' label emissions were moved from the previous one's (tests check it ran).</summary>
    public bool LabelsStepped { get; private set; }

    /// <summary>Forgets the hypothesis (a new matrix was loaded).</summary>
    public void Clear()
    {
        _hypLength = -1;
        _hypLogLikelihood = double.NaN;
    }

    /// <summary>Takes the hypothesis and computes its tables; returns its log-likelihood (−∞ when paths were lost).</summary>
    public double Set<TL, TS>(ReadOnlySpan<int> hypothesis)
        where TL : struct, ILanes<TL>
        where TS : struct, ILanes<TS>
    {
        int length = hypothesis.Length;
        LabelStep step = default;
        bool stepped = _layout.LabelsKept && LabelStep.Between(_hyp.AsSpan(0, _hypLength), hypothesis, out step);
        _layout.LabelsKept = false;
        LabelsStepped = false;
        Grow(ref _hyp, length);
        hypothesis.CopyTo(_hyp);
        _hypLength = length;
        Grow(ref _hypPrefix, length + 1);
        Grow(ref _hypSuffix, length + 1);
        MinimumFrames(hypothesis, _hypPrefix, _hypSuffix);
        _spliceOk = false;
        _hypFinal = 0;
        _hypLogLikelihood = Compute<TL, TS>(hypothesis, stepped, step);
        return _hypLogLikelihood;
    }

    /// <summary>The tables cannot be trusted: the likelihood comes from the exact fallback and there is nothing to splice.</summary>
    public void UseFallback(double logLikelihood)
    {
        _spliceOk = false;
        _layout.LabelsKept = false;
        _hypLogLikelihood = logLikelihood;
    }

    public int TableAt(int familyIndex, int column) => (((familyIndex * _tableRows) + 1) * _family) + column;

    // Doubles of the label-emission rows and of the five tables a hypothesis of `length` labels needs on `frames` frames
    // (about 48 bytes per frame and label), checked against what one array holds. Sizes are computed in long, so a
    // hypothesis too long for its matrix is a clear error instead of a wrapped size.
    internal static (int LabelCells, int TableCells) TableCells(int frames, int length)
    {
        long labelWidth = RoundUp((long)length + 1, Block), rows = RoundUp((long)frames, Block) + (2 * Block);
        long labels = Math.Max(RoundUp((long)frames, Chunk), Slots + 1) * labelWidth;
        long tables = Families * rows * labelWidth;
        return (Cells(labels, frames, length, "label emissions"), Cells(tables, frames, length, "forward/backward tables"));
    }

    // The forward pass writes α̂ straight into the tables (InBlank and AlphaLabel are its rows; InBoth is written on the
    // way), the backward pass runs in the ring and writes its rows joined to α's scale. Returns the log-likelihood.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Compute<TL, TS>(ReadOnlySpan<int> target, bool stepped, LabelStep step)
        where TL : struct, ILanes<TL>
        where TS : struct, ILanes<TS>
    {
        int frames = _streams.Frames, length = target.Length;
        if (MinimumFramesOf(target) > frames)
        {
            return double.NegativeInfinity;
        }

        int keptWidth = _layout.LabelWidth;
        _layout.Prepare<TS>(target);

        // The previous hypothesis' label emissions are still in place and this one differs in a few columns (one edit,
        // the usual case between correction rounds): move its columns instead of transposing every label again. Same
        // values, so same bits.
        bool loaded = stepped && _layout.LabelWidth == keptWidth;
        if (loaded)
        {
            _layout.Step(step, _hypLength);
        }

        LabelsStepped = loaded;
        int family = _layout.LabelWidth, rows = RoundUp(frames, Block) + (2 * Block), labelWidth = _layout.LabelWidth;
        (int labelCells, int tableCells) = TableCells(frames, length);
        _layout.LabelEmit.EnsureCapacity(labelCells);
        _family = family;
        _tableRows = rows;
        _tables.EnsureCapacity(tableCells);
        _factor.EnsureCapacity(_streams.Stride);
        Grow(ref _alphaExp, frames);
        Span<double> all = _tables.AsSpan(0, tableCells);
        ref double tables = ref _tables.Start;
        ref double labels = ref _layout.LabelEmit.Start;
        ref double blankEmit = ref _streams.BlankStream;

        // Rows no recursion writes: frame -1 of the α tables, frames from T on (the α in-tables keep frame T, which is
        // α̂ at T - 1 and read for the final sum), and the end row of the β tables.
        for (int f = 0; f < Families; f++)
        {
            int keep = f is InBlank or InBoth ? 1 : 0;
            all.Slice(f * rows * family, family).Clear();
            all.Slice(((f * rows) + frames + 1 + keep) * family, (rows - frames - 1 - keep) * family).Clear();
        }

        all.Slice(TableAt(OutBlank, 0) + ((frames - 1) * family), family).Clear();
        all.Slice(TableAt(OutBoth, 0) + ((frames - 1) * family), family).Clear();
        all[TableAt(OutBlank, length) + ((frames - 1) * family)] = 1;
        all[TableAt(OutBoth, length) + ((frames - 1) * family)] = 1;

        // Frame 0 of the in-tables is the start (1 at j = 0); α̂_0 is frame 1 of the in-tables and frame 0 of AlphaLabel.
        if (!loaded)
        {
            _layout.LoadLabelEmissions<TL>(0, All);
        }

        Span<double> start = all.Slice(TableAt(InBlank, 0), family);
        start.Clear();
        start[0] = 1;
        start.CopyTo(all.Slice(TableAt(InBoth, 0), family));
        Span<double> b0 = all.Slice(TableAt(InBlank, 0) + family, family);
        Span<double> both0 = all.Slice(TableAt(InBoth, 0) + family, family);
        Span<double> y0 = all.Slice(TableAt(AlphaLabel, 0), family);
        b0.Clear();
        both0.Clear();
        y0.Clear();
        b0[0] = blankEmit;
        both0[0] = blankEmit;
        var state = new ForwardState { Max = blankEmit };
        if (length > 0)
        {
            y0[0] = labels;
            both0[1] = 0 + labels; // B_1 + Y_0
            state.Max = Math.Max(state.Max, labels);
        }

        _factor.AsSpan(0, _streams.Stride).Clear();
        ref double factor = ref Unsafe.Add(ref _factor.Start, Pad);
        factor = 1;
        _alphaExp[0] = 0;
        ChunkedFrames = 0;
        bool repeats = _layout.Repeats;
        Span<double> maxima = stackalloc double[Chunk];
        for (int chunk = 0; chunk < frames; chunk += Chunk)
        {
            if (chunk > 0 && !loaded)
            {
                _layout.LoadLabelEmissions<TL>(chunk, All);
            }

            if (!FrameByFrame && chunk > 0 && chunk + Chunk <= frames && state.Max > 0 && ScaleExponent(state.Max) == 0)
            {
                // Optimistic, as in the single-target forward: four unscaled frames in one pass over the row. Checked
                // after; when some frame needs rescaling the chunk is redone frame by frame (its input rows are untouched).
                if (repeats)
                {
                    TableForwardChunk<TS, Yes>(chunk, ref tables, rows, family, ref labels, labelWidth, ref blankEmit, ref At(_layout.Skip), maxima);
                }
                else
                {
                    TableForwardChunk<TS, No>(chunk, ref tables, rows, family, ref labels, labelWidth, ref blankEmit, ref At(_layout.Skip), maxima);
                }

                if (NeedNoScaling(maxima))
                {
                    for (int t = chunk; t < chunk + Chunk; t++)
                    {
                        Unsafe.Add(ref factor, t) = 1;
                        _alphaExp[t] = (int)state.Exponent;
                    }

                    state.Max = maxima[Chunk - 1];
                    ChunkedFrames += Chunk;
                    continue;
                }
            }

            int from = Math.Max(chunk, 1), to = Math.Min(chunk + Chunk, frames);
            bool ok = repeats
                ? TableForwardFrames<TS, Yes>(ref state, from, to, ref tables, rows, family, ref labels, labelWidth, ref blankEmit, ref At(_layout.Skip), ref factor, _alphaExp)
                : TableForwardFrames<TS, No>(ref state, from, to, ref tables, rows, family, ref labels, labelWidth, ref blankEmit, ref At(_layout.Skip), ref factor, _alphaExp);
            if (!ok)
            {
                return double.NegativeInfinity;
            }
        }

        _layout.LabelsKept = true; // every frame's label row is in place (the backward pass reads them too)
        double final = all[TableAt(InBlank, length) + (frames * family)];
        if (length > 0)
        {
            final += all[TableAt(AlphaLabel, length - 1) + ((frames - 1) * family)];
        }

        _hypFinal = final;
        if (final <= 0 || MayHaveLostPaths(final, state.Max))
        {
            return double.NegativeInfinity;
        }

        double logLikelihood = Math.Log(final) + (state.Exponent * Ln2) + _streams.Offset;
        _spliceOk = Backward<TL, TS>(length);
        if (_spliceOk && !Agree(final, all[TableAt(OutBoth, 0) - family]))
        {
            // The backward pass sums the same paths from the other end (β̃_0(B_0) + β̃_0(Y_0), joined to α's scale). The
            // two lose different states when states are flushed, so a disagreement means paths were lost on one side:
            // neither the likelihood nor the splices can be trusted, and the exact fallback decides.
            _spliceOk = false;
            return double.NegativeInfinity;
        }

        _unscaled = !_factor.AsSpan(Pad, frames).ContainsAnyExcept(1.0);
        return logLikelihood;
    }

    // The β recursion in the ring, from row T - 1 down; every row goes, joined, to out-frame t - 1. False when a row
    // is all zero or a join leaves double range.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Backward<TL, TS>(int length)
        where TL : struct, ILanes<TL>
        where TS : struct, ILanes<TS>
    {
        int frames = _streams.Frames, y0 = _layout.Y0, width = _layout.RowWidth, labelWidth = _layout.LabelWidth, family = _family, rows = _tableRows;
        _layout.Ring.AsSpan(0, (Slots + 1) * width).Clear();
        ref double ring = ref _layout.Ring.Start;
        ref double labels = ref _layout.LabelEmit.Start;
        ref double tables = ref _tables.Start;
        ref double blankEmit = ref _streams.BlankStream;

        // Row T - 1, unscaled. The label emissions of every frame are in place from the forward pass.
        int chunk = (frames - 1) / Chunk * Chunk;
        ref double top = ref Unsafe.Add(ref ring, ((frames - 1) & Slots) * width);
        Unsafe.Add(ref top, length) = Unsafe.Add(ref blankEmit, frames - 1);
        var state = new ForwardState { Max = Unsafe.Add(ref top, length) };
        if (length > 0)
        {
            double e = Unsafe.Add(ref labels, ((frames - 1) * labelWidth) + length - 1);
            Unsafe.Add(ref top, y0 + length - 1) = e;
            state.Max = Math.Max(state.Max, e);
        }

        long join = (frames > 1 ? _alphaExp[frames - 2] : 0) - _alphaExp[frames - 1];
        if (join > MaxJoinExponent || join < -MaxJoinExponent)
        {
            return false;
        }

        TS vj = TS.Broadcast(Pow2((int)join));
        ref double blank = ref Unsafe.Add(ref tables, TableAt(OutBlank, 0) + ((frames - 2) * family));
        ref double both = ref Unsafe.Add(ref tables, TableAt(OutBoth, 0) + ((frames - 2) * family));
        for (int k = 0; k < family; k += TS.Count)
        {
            TS jb = TS.Load(ref top, k) * vj;
            TS.Store(jb, ref blank, k);
            TS.Store(jb + (TS.Load(ref top, y0 + k) * vj), ref both, k);
        }

        bool repeats = _layout.Repeats;
        Span<double> maxima = stackalloc double[Chunk];
        Span<double> joins = stackalloc double[Chunk];
        long last = _alphaExp[frames - 1];
        for (int high = frames - 2; chunk >= 0; high = chunk - 1, chunk -= Chunk)
        {
            if (high < chunk)
            {
                continue;
            }

            if (!FrameByFrame && high == chunk + Chunk - 1 && state.Max > 0 && ScaleExponent(state.Max) == 0 && Joins(chunk, state.Exponent, last, joins))
            {
                // Optimistic, as in the forward pass: frames high .. chunk unscaled in one pass over the row, checked after.
                if (repeats)
                {
                    TableBackwardChunk<TS, Yes>(chunk, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_layout.Skip), joins, ref tables, rows, family, maxima);
                }
                else
                {
                    TableBackwardChunk<TS, No>(chunk, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_layout.Skip), joins, ref tables, rows, family, maxima);
                }

                if (NeedNoScaling(maxima))
                {
                    state.Max = maxima[Chunk - 1];
                    ChunkedFrames += Chunk;
                    continue;
                }
            }

            bool ok = repeats
                ? TableBackwardFrames<TS, Yes>(ref state, high, chunk, frames, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_layout.Skip), _alphaExp, ref tables, rows, family)
                : TableBackwardFrames<TS, No>(ref state, high, chunk, frames, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_layout.Skip), _alphaExp, ref tables, rows, family);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    // The join factors 2^(ea[t-1] + eb - ea[T-1]) of frames low .. low + 3 (joins[i] for frame low + 3 - i) when no β
    // frame of them is rescaled; false when one leaves the range the frame-by-frame pass accepts.
    private bool Joins(int low, long exponent, long last, Span<double> joins)
    {
        for (int i = 0; i < Chunk; i++)
        {
            int t = low + Chunk - 1 - i;
            long join = (t > 0 ? _alphaExp[t - 1] : 0) + exponent - last;
            if (join > MaxJoinExponent || join < -MaxJoinExponent)
            {
                return false;
            }

            joins[i] = Pow2((int)join);
        }

        return true;
    }
}
