using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Nko.Ctc.Internal;

namespace Nko.Ctc;

/// <summary>
/// Exact CTC scoring of many targets against one log-prob matrix: full forward likelihoods, and O(T) rescoring of
/// single-edit neighbours of a hypothesis from its forward/backward tables.
/// </summary>
/// <remarks>
/// <para><b>Method.</b> <see cref="Reset"/> exponentiates the matrix once, in double precision and shifted by each frame's
/// maximum (the shifts are added back in log space). The recursions run in scaled probability space: after each frame
/// the states are multiplied by a power of two chosen from their maximum, which is exact, and the exponents are
/// accumulated as integers. States are double precision, so a state must fall more than ~700 nats below the best state
/// of its frame before it is lost (float32 would lose it at ~87 nats); within that domain results agree with the
/// log-space reference <see cref="CtcForward.LogSpaceLogLikelihood"/> to about 1e-12 relative. Outside it (for example
/// a random target on a matrix whose log-probs reach below about −150 at nearly every frame) the reference is the exact
/// answer.</para>
/// <para><b>Single edits.</b> <see cref="SetHypothesis"/> computes the hypothesis' forward (α) and backward (β) tables
/// once and keeps them as per-state streams over time. A substituted, inserted or deleted label changes only the states
/// around the edit, so each edit is scored by a recursion over one new state joined with the untouched α prefix and
/// β suffix: O(T) per edit instead of O(T·L), over the frames where the new state can be reached at all. The result
/// equals the full forward of the edited target (the property tests pin this). When the join would leave double range
/// (pathological matrices), or a spliced likelihood underflows, the edit falls back to a full forward.</para>
/// <para><b>Determinism.</b> Every kernel (including the exponential) is a fixed sequence of IEEE additions and
/// multiplications (never a fused multiply-add), and scale factors are chosen from maxima, so the scalar, 128-bit and
/// 256-bit paths give bit-identical results, on every machine.</para>
/// <para>An instance is not thread-safe; use one per thread (they are cheap to keep and reuse: buffers only grow, and
/// nothing is allocated once they have grown).</para>
/// </remarks>
public sealed class CtcScorer
{
    private const int MaxJoinExponent = 960;
    private const int MaxScaleExponent = 1022; // |e| ≤ 1022: the scale factor 2^-e is a normal number
    private const int Pad = 8; // slots before frame 0 in every time stream (slot -1 holds β at frame 0); keeps frame 0 64-byte aligned
    private const int Block = 8; // rows and time streams are padded to multiples of the widest lane count
    private const int DelBlock = 8; // deletions sum eight interleaved partial sums at every width
    private const int Chunk = 4; // frames per recursion call (label emissions are transposed chunk by chunk)
    private const int Slots = 7; // ring slot mask: eight rows
    private static readonly double Ln2 = Math.Log(2.0);

    // Stream families of a hypothesis (each holds _family streams of _stride doubles):
    private const int InBlank = 0; // [t] = α_{t-1}(B_j); [0] = (j == 0)
    private const int InBoth = 1; // [t] = α_{t-1}(B_j) + α_{t-1}(Y_{j-1}); [0] = (j == 0)
    private const int AlphaLabel = 2; // [t] = α_t(Y_k)
    private const int OutBlank = 3; // [t] = β̃_{t+1}(B_b); [T-1] = (b == L); [-1] = β̃_0(B_b)
    private const int OutBoth = 4; // [t] = β̃_{t+1}(B_b) + β̃_{t+1}(Y_b); likewise
    private const int Families = 5;

    private readonly SimdWidth _simd;

    // Emissions exp(logp - rowMax), class-major: class c, frame t at [c * _stride + Pad + t]; zero outside [0, T).
    // Row C is all zeros (padding lanes and labels read it).
    private readonly AlignedDoubles _emit = new();
    private float[] _rowMax = [];
    private double _offset;
    private int _frames;
    private int _classes;
    private int _blank = -1;
    private int _stride;

    // The prepared target. Split row layout of width _rowWidth: B[k] (blank before label k, B[L] the final blank) at k,
    // Y[k] (label k) at _y0 + k, exact zeros everywhere else (the gap of at least four cells after B[L], the tail).
    private int _y0;
    private int _rowWidth;
    private int _labelWidth;
    private readonly AlignedDoubles _ring = new(); // eight rows: row u in slot u & 7
    private readonly AlignedDoubles _labelEmit = new(); // eight rows: e_t(y_k) at [(t & 7) * _labelWidth + k], zero for k ≥ L
    private int[] _labelRows = []; // offset of each label's emission stream (row C past the end)
    private double[] _skip = []; // [k] = 1 when y_k may follow y_{k-1} directly (k ≥ 1, y_k ≠ y_{k-1}), else 0
    private bool _repeats; // some label repeats the one before it
    private int[] _prefix = []; // [j] = frames needed for y_0..y_{j-1}
    private int[] _suffix = []; // [b] = frames needed for y_b..y_{L-1}

    // The hypothesis.
    private int[] _hyp = [];
    private int _hypLength = -1;
    private int[] _hypPrefix = [];
    private int[] _hypSuffix = [];
    private readonly AlignedDoubles _factor = new(); // per-frame power-of-two factor of the α recursion, at [Pad + t]
    private int[] _alphaExp = [];
    private double[] _join = []; // join factor of β row u at [u + Block] (zero outside [0, T])
    private readonly AlignedDoubles _streams = new();
    private int _family;
    private double _hypFinal;
    private double _hypLogLikelihood = double.NaN;
    private bool _spliceOk;
    private bool _unscaled; // every α scale factor of the hypothesis is 1

    // Edit scratch.
    private int[] _edited = [];
    private SpliceLane[] _chains = [];
    private SpliceLane[] _deletions = [];
    private int[] _counts = [];
    private double[] _sums = [];

    /// <summary>Creates a scorer that uses the widest SIMD width this machine accelerates.</summary>
    public CtcScorer()
        : this(SimdWidth.Auto)
    {
    }

    /// <summary>Creates a scorer pinned to one kernel width (tests compare the widths bit for bit).</summary>
    internal CtcScorer(SimdWidth width) => _simd = SimdWidths.Resolve(width);

    /// <summary>The kernel width this instance runs.</summary>
    internal SimdWidth Width => _simd;

    /// <summary>Frames T of the current matrix.</summary>
    public int Frames => _frames;

    /// <summary>Classes C of the current matrix.</summary>
    public int Classes => _classes;

    /// <summary>Blank class of the current matrix.</summary>
    public int BlankIndex => _blank;

    /// <summary>The log-likelihood of the hypothesis given to <see cref="SetHypothesis"/> (NaN before).</summary>
    public double HypothesisLogLikelihood => _hypLogLikelihood;

    /// <summary>Loads a log-prob matrix: exponentiates it once for every target scored until the next reset.</summary>
    /// <exception cref="ArgumentException">The matrix is empty or <paramref name="blankIndex"/> is out of range.</exception>
    /// <exception cref="InvalidLogProbsException">A value is NaN or +∞.</exception>
    public void Reset(LogProbMatrix logProbs, int blankIndex)
    {
        if (logProbs.IsEmpty)
        {
            throw new ArgumentException("The log-prob matrix is default (empty).", nameof(logProbs));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(blankIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(blankIndex, logProbs.Classes);
        _blank = -1;
        _hypLength = -1;
        _hypLogLikelihood = double.NaN;
        switch (_simd)
        {
            case SimdWidth.Vector512:
                Exponentiate<Lanes4, Lanes8>(logProbs);
                break;
            case SimdWidth.Vector256:
                Exponentiate<Lanes4, Lanes4>(logProbs);
                break;
            case SimdWidth.Vector128:
                Exponentiate<Lanes2, Lanes2>(logProbs);
                break;
            default:
                Exponentiate<Lanes1, Lanes1>(logProbs);
                break;
        }

        _blank = blankIndex;
    }

    /// <summary>The CTC log-likelihood of <paramref name="target"/>; −∞ when it cannot be aligned in T frames.</summary>
    /// <exception cref="ArgumentException">A label is the blank or outside [0, C).</exception>
    /// <exception cref="InvalidOperationException"><see cref="Reset"/> has not been called.</exception>
    public double LogLikelihood(ReadOnlySpan<int> target)
    {
        EnsureReset();
        ValidateTarget(target, _blank, _classes);
        return Forward(target, storeTables: false);
    }

    /// <summary>
    /// Sets the hypothesis whose single-edit neighbours <see cref="ScoreEdits"/> scores, computing its forward and backward tables.
    /// </summary>
    /// <returns>The hypothesis' log-likelihood.</returns>
    public double SetHypothesis(ReadOnlySpan<int> hypothesis)
    {
        EnsureReset();
        ValidateTarget(hypothesis, _blank, _classes);
        int length = hypothesis.Length;
        Grow(ref _hyp, length);
        hypothesis.CopyTo(_hyp);
        _hypLength = length;
        Grow(ref _hypPrefix, length + 1);
        Grow(ref _hypSuffix, length + 1);
        MinimumFrames(hypothesis, _hypPrefix, _hypSuffix);
        _family = RoundUp(length + 1, Block);
        _streams.EnsureCapacity(((Families * _family) + 1) * _stride);
        _factor.EnsureCapacity(_stride);
        Grow(ref _alphaExp, _frames);
        Grow(ref _join, _frames + (3 * Block));
        _spliceOk = false;
        _hypLogLikelihood = Forward(hypothesis, storeTables: true);
        if (_hypFinal > 0 && !double.IsInfinity(_hypLogLikelihood))
        {
            _spliceOk = _simd switch
            {
                SimdWidth.Vector512 => Backward<Lanes4, Lanes8>(length),
                SimdWidth.Vector256 => Backward<Lanes4, Lanes4>(length),
                SimdWidth.Vector128 => Backward<Lanes2, Lanes2>(length),
                _ => Backward<Lanes1, Lanes1>(length),
            };
            if (_spliceOk)
            {
                FinishStreams();
                _unscaled = !_factor.AsSpan(Pad, _frames).ContainsAnyExcept(1.0);
            }
        }

        return _hypLogLikelihood;
    }

    /// <summary>
    /// Writes the exact log-likelihood of the hypothesis with each edit applied into <paramref name="destination"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short, or an edit does not fit the hypothesis or names an invalid label.</exception>
    /// <exception cref="InvalidOperationException"><see cref="SetHypothesis"/> has not been called since the last reset.</exception>
    public void ScoreEdits(ReadOnlySpan<LabelEdit> edits, Span<double> destination)
    {
        if (_hypLength < 0)
        {
            throw new InvalidOperationException("Call SetHypothesis before scoring edits.");
        }

        if (destination.Length < edits.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values; {edits.Length} edits need as many.", nameof(destination));
        }

        foreach (LabelEdit edit in edits)
        {
            ValidateEdit(edit);
        }

        Score(edits, destination);
    }

    /// <summary>The exact log-likelihood of the hypothesis with <paramref name="edit"/> applied.</summary>
    public double ScoreEdit(LabelEdit edit)
    {
        if (_hypLength < 0)
        {
            throw new InvalidOperationException("Call SetHypothesis before scoring edits.");
        }

        ValidateEdit(edit);
        double result = 0;
        Score(new ReadOnlySpan<LabelEdit>(in edit), new Span<double>(ref result));
        return result;
    }

    internal static void ValidateTarget(ReadOnlySpan<int> target, int blankIndex, int classes)
    {
        for (int i = 0; i < target.Length; i++)
        {
            int label = target[i];
            if ((uint)label >= (uint)classes || label == blankIndex)
            {
                throw new ArgumentException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Target label {label} at position {i} is the blank ({blankIndex}) or outside [0, {classes})."), nameof(target));
            }
        }
    }

    private void ValidateEdit(LabelEdit edit)
    {
        edit.Validate(_hypLength);
        if (edit.Kind != EditKind.Delete && (edit.Label >= _classes || edit.Label == _blank))
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"Edit {edit} names label {edit.Label}, which is the blank or outside [0, {_classes})."), nameof(edit));
        }
    }

    private void EnsureReset()
    {
        if (_blank < 0)
        {
            throw new InvalidOperationException("Call Reset with a log-prob matrix first.");
        }
    }

    // Doubles per time stream: Pad + T rounded up + one spare block, as an odd number of 64-byte lines, so that the
    // many streams read or written side by side spread over every cache set instead of aliasing onto a few.
    private static int StreamStride(int frames)
    {
        int lines = ((Pad + RoundUp(frames, Block) + Block) + 7) / 8;
        return 8 * (lines | 1);
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static ref T At<T>(T[] array) => ref MemoryMarshal.GetArrayDataReference(array);

    // prefix[j] = frames needed to emit target[0..j), suffix[b] = frames needed to emit target[b..L); returns prefix[L].
    private static int MinimumFrames(ReadOnlySpan<int> target, Span<int> prefix, Span<int> suffix)
    {
        int length = target.Length;
        prefix[0] = 0;
        for (int j = 1; j <= length; j++)
        {
            prefix[j] = prefix[j - 1] + (j >= 2 && target[j - 1] == target[j - 2] ? 2 : 1);
        }

        suffix[length] = 0;
        for (int b = length - 1; b >= 0; b--)
        {
            suffix[b] = suffix[b + 1] + (b + 1 < length && target[b] == target[b + 1] ? 2 : 1);
        }

        return prefix[length];
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Emissions.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Exponentiate<TL, TS>(LogProbMatrix logProbs)
        where TL : struct, ILanes<TL>
        where TS : struct, ILanes<TS>
    {
        int frames = logProbs.Frames, classes = logProbs.Classes, n = TL.Count;
        int stride = StreamStride(frames);
        _emit.EnsureCapacity((classes + 1) * stride);
        Grow(ref _rowMax, frames);
        ReadOnlySpan<float> lp = logProbs.Span;
        double offset = 0;
        for (int t = 0; t < frames; t++)
        {
            float max = TensorPrimitives.Max(lp.Slice(t * classes, classes));
            if (float.IsNaN(max) || float.IsPositiveInfinity(max))
            {
                logProbs.ValidateValues();
            }

            if (float.IsNegativeInfinity(max))
            {
                // No class can be emitted at this frame (every target is impossible): the row stays −∞, so exp gives 0.
                _rowMax[t] = 0;
                continue;
            }

            _rowMax[t] = max;
            offset += max;
        }

        Span<double> emit = _emit.AsSpan(0, (classes + 1) * stride);
        for (int c = 0; c < classes; c++)
        {
            emit.Slice(c * stride, Pad).Fill(double.NegativeInfinity);
            emit.Slice((c * stride) + Pad + frames, stride - Pad - frames).Fill(double.NegativeInfinity);
        }

        // Class-major x = logp - rowMax, by N×N block transposes (exact: widening and one subtraction).
        ref float src = ref MemoryMarshal.GetReference(lp);
        ref double dst = ref _emit.Start;
        ref float rowMax = ref At(_rowMax);
        int mainFrames = frames - (frames % n), mainClasses = classes - (classes % n);
        for (int t = 0; t < mainFrames; t += n)
        {
            for (int c = 0; c < mainClasses; c += n)
            {
                TL v0 = TL.LoadWidened(ref src, (t * classes) + c) - TL.Broadcast(Unsafe.Add(ref rowMax, t));
                TL v1 = default, v2 = default, v3 = default;
                if (TL.Count > 1)
                {
                    v1 = TL.LoadWidened(ref src, ((t + 1) * classes) + c) - TL.Broadcast(Unsafe.Add(ref rowMax, t + 1));
                }

                if (TL.Count > 2)
                {
                    v2 = TL.LoadWidened(ref src, ((t + 2) * classes) + c) - TL.Broadcast(Unsafe.Add(ref rowMax, t + 2));
                    v3 = TL.LoadWidened(ref src, ((t + 3) * classes) + c) - TL.Broadcast(Unsafe.Add(ref rowMax, t + 3));
                }

                TL.Transpose(ref v0, ref v1, ref v2, ref v3);
                nint at = (c * stride) + Pad + t;
                TL.Store(v0, ref dst, at);
                if (TL.Count > 1)
                {
                    TL.Store(v1, ref dst, at + stride);
                }

                if (TL.Count > 2)
                {
                    TL.Store(v2, ref dst, at + (2 * stride));
                    TL.Store(v3, ref dst, at + (3 * stride));
                }
            }

            for (int c = mainClasses; c < classes; c++)
            {
                for (int i = 0; i < n; i++)
                {
                    emit[(c * stride) + Pad + t + i] = (double)lp[((t + i) * classes) + c] - (double)_rowMax[t + i];
                }
            }
        }

        for (int t = mainFrames; t < frames; t++)
        {
            for (int c = 0; c < classes; c++)
            {
                emit[(c * stride) + Pad + t] = (double)lp[(t * classes) + c] - (double)_rowMax[t];
            }
        }

        DeterministicExp.ExpInPlace<TS>(ref dst, classes * stride);
        emit.Slice(classes * stride, stride).Clear();
        _offset = offset;
        _frames = frames;
        _classes = classes;
        _stride = stride;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Forward and backward recursions.

    private double Forward(ReadOnlySpan<int> target, bool storeTables) => _simd switch
    {
        SimdWidth.Vector512 => Forward<Lanes4, Lanes8>(target, storeTables),
        SimdWidth.Vector256 => Forward<Lanes4, Lanes4>(target, storeTables),
        SimdWidth.Vector128 => Forward<Lanes2, Lanes2>(target, storeTables),
        _ => Forward<Lanes1, Lanes1>(target, storeTables),
    };

    // Lays out the target: row geometry, skip flags, minimum frames, and the label emissions e_t(y_k) frame-major.
    // Lays out the target: row geometry, skip flags, minimum frames, and where each label's emissions start.
    private void PrepareTarget(ReadOnlySpan<int> target)
    {
        int length = target.Length, stride = _stride;
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

        for (int k = 0; k < _labelWidth; k++)
        {
            _labelRows[k] = (Label(target, k) * stride) + Pad;
        }
    }

    // e_t(y_k) for the frames [t0, t0 + Chunk) and k in [0, _labelWidth), into label slots t & 7: N×N block transposes
    // of the class-major emissions (row C, read past the last label, is zero).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LoadLabelEmissions<TL>(int t0)
        where TL : struct, ILanes<TL>
    {
        ref double emit = ref _emit.Start;
        ref double dst = ref _labelEmit.Start;
        ref int row = ref At(_labelRows);
        int width = _labelWidth;
        for (int t = t0; t < t0 + Chunk; t += TL.Count)
        {
            ref double at = ref Unsafe.Add(ref dst, (t & Slots) * width);
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

    private int Label(ReadOnlySpan<int> target, int k) => k < target.Length ? target[k] : _classes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Forward<TL, TS>(ReadOnlySpan<int> target, bool storeTables)
        where TL : struct, ILanes<TL>
        where TS : struct, ILanes<TS>
    {
        int frames = _frames, length = target.Length, n = TL.Count;
        if (storeTables)
        {
            _hypFinal = 0;
        }

        if (MinimumFramesOf(target) > frames)
        {
            return double.NegativeInfinity;
        }

        PrepareTarget(target);
        int y0 = _y0, width = _rowWidth, labelWidth = _labelWidth;
        _ring.AsSpan(0, (Slots + 1) * width).Clear();
        ref double ring = ref _ring.Start;
        ref double labels = ref _labelEmit.Start;
        ref double blankEmit = ref Unsafe.Add(ref _emit.Start, (_blank * _stride) + Pad);
        LoadLabelEmissions<TL>(0);
        ring = blankEmit;
        var state = new ForwardState { Max = ring, ReachB = 1, ReachY = length > 0 ? 1 : 0 };
        if (length > 0)
        {
            Unsafe.Add(ref ring, y0) = labels;
            state.Max = Math.Max(state.Max, labels);
        }

        int inDone = 0, labelDone = 0; // stream frames written so far
        ref double factor = ref Unsafe.Add(ref _factor.Start, Pad);
        if (storeTables)
        {
            // Row -1 (slot 7, overwritten at frame 7): the start condition, B[0] = 1, so that the in-streams read
            // [0] = (j == 0) like every other frame.
            Unsafe.Add(ref ring, Slots * width) = 1;
            _factor.AsSpan(0, _stride).Clear();
            factor = 1;
            _alphaExp[0] = 0;
            EmitAlpha<TL>(0, length, ref inDone, ref labelDone);
        }

        bool repeats = _repeats;
        for (int chunk = 0; chunk < frames; chunk += Chunk)
        {
            if (chunk > 0)
            {
                LoadLabelEmissions<TL>(chunk);
            }

            int from = Math.Max(chunk, 1), to = Math.Min(chunk + Chunk, frames);
            bool ok = repeats
                ? ForwardFrames<TS, Yes>(ref state, from, to, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_skip), ref At(_prefix), length, ref factor, _alphaExp, storeTables)
                : ForwardFrames<TS, No>(ref state, from, to, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_skip), ref At(_prefix), length, ref factor, _alphaExp, storeTables);
            if (!ok)
            {
                return double.NegativeInfinity;
            }

            if (storeTables)
            {
                EmitAlpha<TL>(to - 1, length, ref inDone, ref labelDone);
            }
        }

        if (storeTables)
        {
            // The last blocks: rows past T - 1 are stale but finite; FinishStreams zeroes what they write.
            EmitAlpha<TL>(frames + n, length, ref inDone, ref labelDone);
        }

        ref double last = ref Unsafe.Add(ref ring, ((frames - 1) & Slots) * width);
        double final = Unsafe.Add(ref last, length) + Unsafe.Add(ref last, y0 + length - 1);
        if (storeTables)
        {
            _hypFinal = final;
        }

        return final > 0 ? Math.Log(final) + (state.Exponent * Ln2) + _offset : double.NegativeInfinity;
    }

    private struct ForwardState
    {
        public double Max; // of the last computed row
        public long Exponent; // sum of the scale exponents so far
        public int ReachB; // B cells that can be non-zero at the last computed frame
        public int ReachY;
    }

    // Frames [from, to) of the α recursion: scale factor 2^-e from the previous row's maximum, the reachable cells, one
    // step. False when a row is all zero (the target cannot be aligned).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool ForwardFrames<TS, TRepeats>(
        ref ForwardState state, int from, int to, ref double ring, int width, int y0, ref double labels, int labelWidth, ref double blankEmit, ref double skip, ref int prefix, int length, ref double factor, int[] alphaExp, bool store)
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
            double blank = Unsafe.Add(ref blankEmit, t), f = 1;
            if (e == 0)
            {
                max = ForwardStep<TS, No, TRepeats>(ref prev, ref cur, y0, count, blank, ref labelEmit, f, ref skip);
            }
            else
            {
                f = Pow2(-e);
                max = ForwardStep<TS, Yes, TRepeats>(ref prev, ref cur, y0, count, blank * f, ref labelEmit, f, ref skip);
            }

            if (store)
            {
                Unsafe.Add(ref factor, t) = f;
                alphaExp[t] = (int)exponent;
            }
        }

        state.Max = max;
        state.Exponent = exponent;
        state.ReachB = reachB;
        state.ReachY = reachY;
        return ok;
    }

    // ILogB(max) (max > 0 and finite) clamped so that 2^-e and 2^e are normal numbers.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ScaleExponent(double max)
    {
        int biased = (int)(BitConverter.DoubleToInt64Bits(max) >>> 52);
        int e = biased != 0 ? biased - 1023 : Math.ILogB(max);
        return Math.Clamp(e, -MaxScaleExponent, MaxScaleExponent);
    }

    // 2^e for e in [-1022, 1023].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Pow2(int e) => BitConverter.Int64BitsToDouble((long)(e + 1023) << 52);

    private static int MinimumFramesOf(ReadOnlySpan<int> target)
    {
        int needed = target.Length;
        for (int i = 1; i < target.Length; i++)
        {
            if (target[i] == target[i - 1])
            {
                needed++;
            }
        }

        return needed;
    }

    // cur.B[k] = (prev.B[k] + prev.Y[k-1]) · pb;  cur.Y[k] = ((prev.Y[k] + prev.B[k]) + skip[k] · prev.Y[k-1]) · (e_t(y_k) · f),
    // for k in [0, count) (a multiple of N; cells beyond are zero at this frame). Y[k-1] comes from the vectors already
    // loaded (no load that straddles the previous frame's stores). Exact shortcuts: f = 1 skips the scaling multiply,
    // and without adjacent repeats skip[k] · Y[k-1] is Y[k-1] wherever it matters (at k = 0 and k ≥ L the cell is 0
    // either way). Returns the maximum.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ForwardStep<TL, TScaled, TRepeats>(ref double prev, ref double cur, int y0, int count, double pb, ref double labelEmit, double f, ref double skip)
        where TL : struct, ILanes<TL>
        where TScaled : struct, IFlag
        where TRepeats : struct, IFlag
    {
        TL maxB = TL.Zero, maxY = TL.Zero, previousY = TL.Zero;
        TL vpb = TL.Broadcast(pb), vf = TL.Broadcast(f);
        ref double prevY = ref Unsafe.Add(ref prev, y0);
        ref double curY = ref Unsafe.Add(ref cur, y0);
        for (int k = 0; k < count; k += TL.Count)
        {
            TL b = TL.Load(ref prev, k);
            TL y = TL.Load(ref prevY, k);
            TL before = TL.ShiftUp(previousY, y);
            previousY = y;
            TL nb = (b + before) * vpb;
            TL sum = TRepeats.On ? (y + b) + (TL.Load(ref skip, k) * before) : (y + b) + before;
            TL e = TScaled.On ? TL.Load(ref labelEmit, k) * vf : TL.Load(ref labelEmit, k);
            TL ny = sum * e;
            TL.Store(nb, ref cur, k);
            TL.Store(ny, ref curY, k);
            maxB = TL.Max(maxB, nb);
            maxY = TL.Max(maxY, ny);
        }

        return TL.MaxAcross(TL.Max(maxB, maxY));
    }

    // β̂ in the same layout: B[k] = (B'[k] + Y'[k]) · pb;  Y[k] = ((Y'[k] + B'[k+1]) + skip[k+1] · Y'[k+1]) · (e_t(y_k) · f),
    // for k in [from, count) (multiples of N); cells below cannot reach the end from this frame and stay zero. The
    // same exact shortcuts as the forward step.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double BackwardStep<TL, TScaled, TRepeats>(ref double next, ref double cur, int y0, int from, int count, double pb, ref double labelEmit, double f, ref double skip)
        where TL : struct, ILanes<TL>
        where TScaled : struct, IFlag
        where TRepeats : struct, IFlag
    {
        TL maxB = TL.Zero, maxY = TL.Zero;
        TL vpb = TL.Broadcast(pb), vf = TL.Broadcast(f);
        ref double nextY = ref Unsafe.Add(ref next, y0);
        ref double curY = ref Unsafe.Add(ref cur, y0);
        TL b = TL.Load(ref next, from);
        TL y = TL.Load(ref nextY, from);
        for (int k = from; k < count; k += TL.Count)
        {
            TL bAfterBlock = TL.Load(ref next, k + TL.Count);
            TL yAfterBlock = TL.Load(ref nextY, k + TL.Count);
            TL bAfter = TL.ShiftDown(b, bAfterBlock);
            TL yAfter = TL.ShiftDown(y, yAfterBlock);
            TL nb = (b + y) * vpb;
            TL sum = TRepeats.On ? (y + bAfter) + (TL.Load(ref skip, k + 1) * yAfter) : (y + bAfter) + yAfter;
            TL e = TScaled.On ? TL.Load(ref labelEmit, k) * vf : TL.Load(ref labelEmit, k);
            TL ny = sum * e;
            TL.Store(nb, ref cur, k);
            TL.Store(ny, ref curY, k);
            maxB = TL.Max(maxB, nb);
            maxY = TL.Max(maxY, ny);
            b = bAfterBlock;
            y = yAfterBlock;
        }

        return TL.MaxAcross(TL.Max(maxB, maxY));
    }

    // Writes every α stream block whose rows are all computed once row `done` is: in-streams [i, i + N) from rows
    // i - 1 .. i + N - 2, label streams [i, i + N) from rows i .. i + N - 1 (aligned stores; the ring still holds them).
    private void EmitAlpha<TL>(int done, int length, ref int inDone, ref int labelDone)
        where TL : struct, ILanes<TL>
    {
        int n = TL.Count, frames = _frames;
        while (inDone < frames && inDone + n - 2 <= done)
        {
            EmitAlphaIn<TL>(inDone, length);
            inDone += n;
        }

        while (labelDone < frames && labelDone + n - 1 <= done)
        {
            EmitAlphaLabels<TL>(labelDone, length);
            labelDone += n;
        }
    }

    // In-streams at frames i .. i + N - 1 from α̂ rows i - 1 .. i + N - 2: InBlank = B[j], InBoth = B[j] + Y[j-1].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitAlphaIn<TL>(int i, int length)
        where TL : struct, ILanes<TL>
    {
        int y0 = _y0, width = _rowWidth, stride = _stride, family = _family;
        ref double ring = ref _ring.Start;
        ref double r0 = ref Unsafe.Add(ref ring, ((i - 1) & Slots) * width);
        ref double r1 = ref Unsafe.Add(ref ring, (i & Slots) * width);
        ref double r2 = ref Unsafe.Add(ref ring, ((i + 1) & Slots) * width);
        ref double r3 = ref Unsafe.Add(ref ring, ((i + 2) & Slots) * width);
        ref double blank = ref Unsafe.Add(ref _streams.Start, (InBlank * family * stride) + Pad + i);
        ref double both = ref Unsafe.Add(ref _streams.Start, (InBoth * family * stride) + Pad + i);
        int columns = RoundUp(length + 1, TL.Count);
        for (int j = 0; j < columns; j += TL.Count)
        {
            TL b0 = TL.Load(ref r0, j), b1 = default, b2 = default, b3 = default;
            TL s0 = b0 + TL.Load(ref r0, y0 + j - 1), s1 = default, s2 = default, s3 = default;
            if (TL.Count > 1)
            {
                b1 = TL.Load(ref r1, j);
                s1 = b1 + TL.Load(ref r1, y0 + j - 1);
            }

            if (TL.Count > 2)
            {
                b2 = TL.Load(ref r2, j);
                s2 = b2 + TL.Load(ref r2, y0 + j - 1);
                b3 = TL.Load(ref r3, j);
                s3 = b3 + TL.Load(ref r3, y0 + j - 1);
            }

            TL.Transpose(ref b0, ref b1, ref b2, ref b3);
            TL.Transpose(ref s0, ref s1, ref s2, ref s3);
            StoreColumns(ref blank, j * stride, stride, b0, b1, b2, b3);
            StoreColumns(ref both, j * stride, stride, s0, s1, s2, s3);
        }
    }

    // α label streams at frames i .. i + N - 1: Y[k] of rows i .. i + N - 1.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitAlphaLabels<TL>(int i, int length)
        where TL : struct, ILanes<TL>
    {
        int y0 = _y0, width = _rowWidth, stride = _stride, family = _family;
        ref double ring = ref _ring.Start;
        ref double r0 = ref Unsafe.Add(ref ring, ((i & Slots) * width) + y0);
        ref double r1 = ref Unsafe.Add(ref ring, (((i + 1) & Slots) * width) + y0);
        ref double r2 = ref Unsafe.Add(ref ring, (((i + 2) & Slots) * width) + y0);
        ref double r3 = ref Unsafe.Add(ref ring, (((i + 3) & Slots) * width) + y0);
        ref double labels = ref Unsafe.Add(ref _streams.Start, (AlphaLabel * family * stride) + Pad + i);
        int columns = RoundUp(length, TL.Count);
        for (int k = 0; k < columns; k += TL.Count)
        {
            TL a0 = TL.Load(ref r0, k);
            TL a1 = TL.Count > 1 ? TL.Load(ref r1, k) : default;
            TL a2 = TL.Count > 2 ? TL.Load(ref r2, k) : default;
            TL a3 = TL.Count > 2 ? TL.Load(ref r3, k) : default;
            TL.Transpose(ref a0, ref a1, ref a2, ref a3);
            StoreColumns(ref labels, k * stride, stride, a0, a1, a2, a3);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Backward<TL, TS>(int length)
        where TL : struct, ILanes<TL>
        where TS : struct, ILanes<TS>
    {
        int frames = _frames, n = TL.Count, y0 = _y0, width = _rowWidth, labelWidth = _labelWidth;
        _ring.AsSpan(0, (Slots + 1) * width).Clear();
        _join.AsSpan(0, frames + (3 * Block)).Clear();
        ref double ring = ref _ring.Start;
        ref double labels = ref _labelEmit.Start;
        ref double blankEmit = ref Unsafe.Add(ref _emit.Start, (_blank * _stride) + Pad);
        int outNext = (frames - 1) / n * n; // first frame of the next out-stream block to write (going down)

        // Row T: leaving the utterance after the final blank or the last label (probability 1, unscaled).
        Unsafe.Add(ref ring, ((frames & Slots) * width) + length) = 1;
        _join[frames + Block] = 1;
        EmitBeta<TL>(frames, length, ref outNext);

        // Row T - 1, unscaled.
        int chunk = (frames - 1) / Chunk * Chunk;
        LoadLabelEmissions<TL>(chunk);
        ref double top = ref Unsafe.Add(ref ring, ((frames - 1) & Slots) * width);
        Unsafe.Add(ref top, length) = Unsafe.Add(ref blankEmit, frames - 1);
        var state = new BackwardState { Max = Unsafe.Add(ref top, length), FromB = length, FromY = Math.Max(length - 1, 0) };
        if (length > 0)
        {
            double e = Unsafe.Add(ref labels, (((frames - 1) & Slots) * labelWidth) + length - 1);
            Unsafe.Add(ref top, y0 + length - 1) = e;
            state.Max = Math.Max(state.Max, e);
        }

        long join = (frames > 1 ? _alphaExp[frames - 2] : 0) - _alphaExp[frames - 1];
        if (join > MaxJoinExponent || join < -MaxJoinExponent)
        {
            return false;
        }

        _join[frames - 1 + Block] = Pow2((int)join);
        EmitBeta<TL>(frames - 1, length, ref outNext);
        bool repeats = _repeats;
        for (int high = frames - 2; chunk >= 0; chunk -= Chunk, high = chunk + Chunk - 1)
        {
            if (high < frames - 2)
            {
                LoadLabelEmissions<TL>(chunk);
            }

            bool ok = repeats
                ? BackwardFrames<TS, Yes>(ref state, high, chunk, frames, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_skip), ref At(_suffix), length, _alphaExp, _join)
                : BackwardFrames<TS, No>(ref state, high, chunk, frames, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_skip), ref At(_suffix), length, _alphaExp, _join);
            if (!ok)
            {
                return false;
            }

            EmitBeta<TL>(chunk, length, ref outNext);
        }

        // The block holding frame -1 (β̃ at frame 0, read by deletions of the first label); rows below 0 have join 0.
        EmitBeta<TL>(-n, length, ref outNext);
        return true;
    }

    private struct BackwardState
    {
        public double Max; // of the last computed row
        public long Exponent; // sum of the scale exponents so far
        public int FromB; // B cells below this cannot reach the end from the last computed frame
        public int FromY;
    }

    // Frames high down to low of the β recursion, each row joined to α's scale: β̃_t = β̂_t · 2^(ea[t-1] + eb[t] - ea[T-1])
    // (ea[-1] = 0). False when a row is all zero or a join leaves double range.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool BackwardFrames<TS, TRepeats>(
        ref BackwardState state, int high, int low, int frames, ref double ring, int width, int y0, ref double labels, int labelWidth, ref double blankEmit, ref double skip, ref int suffix, int length, int[] alphaExp, double[] joins)
        where TS : struct, ILanes<TS>
        where TRepeats : struct, IFlag
    {
        double max = state.Max;
        long exponent = state.Exponent;
        int fromB = state.FromB, fromY = state.FromY, count = RoundUp(length + 1, TS.Count);
        long last = alphaExp[frames - 1];
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
            int left = frames - t;
            while (fromB > 0 && Unsafe.Add(ref suffix, fromB - 1) + 1 <= left)
            {
                fromB--;
            }

            while (fromY > 0 && Unsafe.Add(ref suffix, fromY - 1) <= left)
            {
                fromY--;
            }

            int from = Math.Min(fromB, fromY);
            from -= from % TS.Count;
            ref double next = ref Unsafe.Add(ref ring, ((t + 1) & Slots) * width);
            ref double cur = ref Unsafe.Add(ref ring, (t & Slots) * width);
            ref double labelEmit = ref Unsafe.Add(ref labels, (t & Slots) * labelWidth);
            double blank = Unsafe.Add(ref blankEmit, t);
            if (e == 0)
            {
                max = BackwardStep<TS, No, TRepeats>(ref next, ref cur, y0, from, count, blank, ref labelEmit, 1, ref skip);
            }
            else
            {
                double f = Pow2(-e);
                max = BackwardStep<TS, Yes, TRepeats>(ref next, ref cur, y0, from, count, blank * f, ref labelEmit, f, ref skip);
            }

            long join = (t > 0 ? alphaExp[t - 1] : 0) + exponent - last;
            if (join > MaxJoinExponent || join < -MaxJoinExponent)
            {
                ok = false;
                break;
            }

            joins[t + Block] = Pow2((int)join);
        }

        state.Max = max;
        state.Exponent = exponent;
        state.FromB = fromB;
        state.FromY = fromY;
        return ok;
    }

    // Writes every out-stream block [i, i + N) whose rows i + 1 .. i + N are all computed once row `done` is.
    private void EmitBeta<TL>(int done, int length, ref int outNext)
        where TL : struct, ILanes<TL>
    {
        while (outNext >= -TL.Count && outNext + 1 >= done)
        {
            EmitBetaBlock<TL>(outNext, length);
            outNext -= TL.Count;
        }
    }

    // Out-streams at frames i .. i + N - 1 from β̂ rows i + 1 .. i + N, joined: OutBlank = B[b]·J, OutBoth = B[b]·J + Y[b]·J.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitBetaBlock<TL>(int i, int length)
        where TL : struct, ILanes<TL>
    {
        int y0 = _y0, width = _rowWidth, stride = _stride, family = _family;
        ref double ring = ref _ring.Start;
        ref double r0 = ref Unsafe.Add(ref ring, ((i + 1) & Slots) * width);
        ref double r1 = ref Unsafe.Add(ref ring, ((i + 2) & Slots) * width);
        ref double r2 = ref Unsafe.Add(ref ring, ((i + 3) & Slots) * width);
        ref double r3 = ref Unsafe.Add(ref ring, ((i + 4) & Slots) * width);
        ref double join = ref Unsafe.Add(ref At(_join), i + 1 + Block);
        TL j0 = TL.Broadcast(join);
        TL j1 = TL.Count > 1 ? TL.Broadcast(Unsafe.Add(ref join, 1)) : default;
        TL j2 = TL.Count > 2 ? TL.Broadcast(Unsafe.Add(ref join, 2)) : default;
        TL j3 = TL.Count > 2 ? TL.Broadcast(Unsafe.Add(ref join, 3)) : default;
        ref double blank = ref Unsafe.Add(ref _streams.Start, (OutBlank * family * stride) + Pad + i);
        ref double both = ref Unsafe.Add(ref _streams.Start, (OutBoth * family * stride) + Pad + i);
        int columns = RoundUp(length + 1, TL.Count);
        for (int b = 0; b < columns; b += TL.Count)
        {
            TL b0 = TL.Load(ref r0, b) * j0, b1 = default, b2 = default, b3 = default;
            TL s0 = b0 + (TL.Load(ref r0, y0 + b) * j0), s1 = default, s2 = default, s3 = default;
            if (TL.Count > 1)
            {
                b1 = TL.Load(ref r1, b) * j1;
                s1 = b1 + (TL.Load(ref r1, y0 + b) * j1);
            }

            if (TL.Count > 2)
            {
                b2 = TL.Load(ref r2, b) * j2;
                s2 = b2 + (TL.Load(ref r2, y0 + b) * j2);
                b3 = TL.Load(ref r3, b) * j3;
                s3 = b3 + (TL.Load(ref r3, y0 + b) * j3);
            }

            TL.Transpose(ref b0, ref b1, ref b2, ref b3);
            TL.Transpose(ref s0, ref s1, ref s2, ref s3);
            StoreColumns(ref blank, b * stride, stride, b0, b1, b2, b3);
            StoreColumns(ref both, b * stride, stride, s0, s1, s2, s3);
        }
    }

    // Zeros every stream from frame T on (stale rows of the last blocks, and layouts of earlier matrices), and the zero stream.
    private void FinishStreams()
    {
        int frames = _frames, stride = _stride, family = _family;
        Span<double> streams = _streams.AsSpan(0, ((Families * family) + 1) * stride);
        for (int s = 0; s < Families * family; s++)
        {
            streams.Slice((s * stride) + Pad + frames, stride - Pad - frames).Clear();
        }

        streams.Slice(Families * family * stride, stride).Clear();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Edits.

    private struct SpliceLane
    {
        public int Edit;
        public int Emit; // offset of e_0(z) in _emit (SUB/INS)
        public int In; // offset of the in-stream (SUB/INS) or the α label stream (DEL) at t = 0 in _streams
        public int Out; // offset of the out-stream at t = 0 in _streams
        public int Start; // first frame where the new state (or the deleted label's neighbour) can be non-zero
        public int End; // last frame whose out-stream can be non-zero
    }

    private void Score(ReadOnlySpan<LabelEdit> edits, Span<double> destination)
    {
        if (!_spliceOk)
        {
            for (int i = 0; i < edits.Length; i++)
            {
                destination[i] = FullForward(edits[i]);
            }

            return;
        }

        switch (_simd)
        {
            case SimdWidth.Vector512:
                Splice<Lanes4, Lanes8>(edits);
                break;
            case SimdWidth.Vector256:
                Splice<Lanes4, Lanes4>(edits);
                break;
            case SimdWidth.Vector128:
                Splice<Lanes2, Lanes2>(edits);
                break;
            default:
                Splice<Lanes1, Lanes1>(edits);
                break;
        }

        double logFinal = Math.Log(_hypFinal);
        for (int i = 0; i < edits.Length; i++)
        {
            double sum = _sums[i];
            destination[i] = sum > 0 && double.IsFinite(sum)
                ? Math.Log(sum) - logFinal + _hypLogLikelihood
                : FullForward(edits[i]); // infeasible edit, or outside the splice's numeric range: a full forward decides exactly
        }
    }

    private double FullForward(LabelEdit edit)
    {
        Grow(ref _edited, _hypLength + 1);
        int n = edit.Apply(_hyp.AsSpan(0, _hypLength), _edited);
        return Forward(_edited.AsSpan(0, n), storeTables: false);
    }

    // Spliced likelihood of every edit, divided by 2^ea[T-1] (the hypothesis' final scale), into _sums.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Splice<TL, TS>(ReadOnlySpan<LabelEdit> edits)
        where TL : struct, ILanes<TL>
        where TS : struct, ILanes<TS>
    {
        int count = edits.Length, length = _hypLength, frames = _frames, stride = _stride, family = _family;
        Grow(ref _sums, count);
        Grow(ref _chains, count + (2 * Block));
        Grow(ref _deletions, count);
        Grow(ref _counts, length + 2);
        ReadOnlySpan<int> hyp = _hyp.AsSpan(0, length);
        Span<int> counts = _counts.AsSpan(0, length + 2);
        Span<double> sums = _sums.AsSpan(0, count);
        sums.Clear();

        // Counting sort by position, so that lanes scored together cover similar frame ranges.
        counts.Clear();
        int chains = 0, deletions = 0;
        foreach (LabelEdit edit in edits)
        {
            if (edit.Kind == EditKind.Delete)
            {
                deletions++;
            }
            else
            {
                counts[edit.Position + 1]++;
                chains++;
            }
        }

        for (int j = 1; j < counts.Length; j++)
        {
            counts[j] += counts[j - 1];
        }

        deletions = 0;
        for (int i = 0; i < count; i++)
        {
            LabelEdit edit = edits[i];
            int j = edit.Position;
            if (edit.Kind == EditKind.Delete)
            {
                if (j == 0)
                {
                    // β̃_0(B_1) + β̃_0(Y_1): the paths that start after the deleted first label.
                    sums[i] = Unsafe.Add(ref _streams.Start, StreamAt(OutBoth, 1) - 1);
                    continue;
                }

                bool skipOut = j + 1 < length && hyp[j - 1] != hyp[j + 1];
                _deletions[deletions++] = new SpliceLane
                {
                    Edit = i,
                    In = StreamAt(AlphaLabel, j - 1),
                    Out = StreamAt(skipOut ? OutBoth : OutBlank, j + 1),
                    Start = _hypPrefix[j] - 1,
                    End = frames - 1 - _hypSuffix[j + 1],
                };
                continue;
            }

            int z = edit.Label;
            int next = edit.Kind == EditKind.Substitute ? j + 1 : j; // the label after the new one
            bool skipIn = j > 0 && hyp[j - 1] != z;
            bool skipNext = next < length && hyp[next] != z;
            _chains[counts[j]++] = new SpliceLane
            {
                Edit = i,
                Emit = (z * stride) + Pad,
                In = StreamAt(skipIn ? InBoth : InBlank, j),
                Out = StreamAt(skipNext ? OutBoth : OutBlank, next),
                Start = _hypPrefix[j],
                End = frames - 1 - _hypSuffix[next],
            };
        }

        // Pad the chains to whole groups with lanes that read zeros.
        int group = 2 * TL.Count;
        int zero = (Families * family * stride) + Pad;
        for (int i = chains; i < RoundUp(chains, group); i++)
        {
            _chains[i] = new SpliceLane { Edit = -1, Emit = (_classes * stride) + Pad, In = zero, Out = zero, Start = int.MaxValue, End = -1 };
        }

        ref double emit = ref _emit.Start;
        ref double streams = ref _streams.Start;
        ref double factor = ref Unsafe.Add(ref _factor.Start, Pad);
        for (int g = 0; g < chains; g += group)
        {
            if (_unscaled)
            {
                SpliceChains<TL, No>(ref emit, ref streams, ref factor, _chains.AsSpan(g, group), sums);
            }
            else
            {
                SpliceChains<TL, Yes>(ref emit, ref streams, ref factor, _chains.AsSpan(g, group), sums);
            }
        }

        for (int i = 0; i < deletions; i++)
        {
            ref SpliceLane lane = ref _deletions[i];
            sums[lane.Edit] = SpliceDeletion<TS>(ref streams, lane);
        }
    }

    private int StreamAt(int familyIndex, int index) => ((((familyIndex * _family) + index) * _stride) + Pad);

    // 2N substitutions/insertions at once (two groups of N lanes, interleaved so that their dependency chains overlap).
    // Every lane runs a_t = (e_t(z) · F_t) · (a_{t-1} + in_t);  P += a_t · out_t  over the group's frame range; frames
    // outside a lane's own range contribute exact zeros, so each lane gives the bits of the scalar loop.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SpliceChains<TL, TScaled>(ref double emit, ref double streams, ref double factor, ReadOnlySpan<SpliceLane> lanes, Span<double> sums)
        where TL : struct, ILanes<TL>
        where TScaled : struct, IFlag
    {
        int n = TL.Count;
        int start = int.MaxValue, end = -1;
        foreach (SpliceLane lane in lanes)
        {
            if (lane.Start <= lane.End)
            {
                start = Math.Min(start, lane.Start);
                end = Math.Max(end, lane.End);
            }
        }

        if (end < 0)
        {
            return;
        }

        start -= start % Block;
        end = RoundUp(end + 1, Block);
        nint eA0 = lanes[0].Emit, dA0 = lanes[0].In, oA0 = lanes[0].Out;
        nint eB0 = lanes[n].Emit, dB0 = lanes[n].In, oB0 = lanes[n].Out;
        nint eA1 = 0, dA1 = 0, oA1 = 0, eB1 = 0, dB1 = 0, oB1 = 0;
        nint eA2 = 0, dA2 = 0, oA2 = 0, eB2 = 0, dB2 = 0, oB2 = 0;
        nint eA3 = 0, dA3 = 0, oA3 = 0, eB3 = 0, dB3 = 0, oB3 = 0;
        if (TL.Count > 1)
        {
            (eA1, dA1, oA1) = (lanes[1].Emit, lanes[1].In, lanes[1].Out);
            (eB1, dB1, oB1) = (lanes[n + 1].Emit, lanes[n + 1].In, lanes[n + 1].Out);
        }

        if (TL.Count > 2)
        {
            (eA2, dA2, oA2) = (lanes[2].Emit, lanes[2].In, lanes[2].Out);
            (eB2, dB2, oB2) = (lanes[n + 2].Emit, lanes[n + 2].In, lanes[n + 2].Out);
            (eA3, dA3, oA3) = (lanes[3].Emit, lanes[3].In, lanes[3].Out);
            (eB3, dB3, oB3) = (lanes[n + 3].Emit, lanes[n + 3].In, lanes[n + 3].Out);
        }

        TL a = TL.Zero, p = TL.Zero, b = TL.Zero, q = TL.Zero;
        for (nint t = start; t < end; t += n)
        {
            TL f0 = TL.Broadcast(Unsafe.Add(ref factor, t));
            TL f1 = TL.Count > 1 ? TL.Broadcast(Unsafe.Add(ref factor, t + 1)) : default;
            TL f2 = TL.Count > 2 ? TL.Broadcast(Unsafe.Add(ref factor, t + 2)) : default;
            TL f3 = TL.Count > 2 ? TL.Broadcast(Unsafe.Add(ref factor, t + 3)) : default;

            LoadBlock(ref emit, eA0, eA1, eA2, eA3, t, out TL e0, out TL e1, out TL e2, out TL e3);
            LoadBlock(ref streams, dA0, dA1, dA2, dA3, t, out TL d0, out TL d1, out TL d2, out TL d3);
            LoadBlock(ref streams, oA0, oA1, oA2, oA3, t, out TL o0, out TL o1, out TL o2, out TL o3);
            ChainStep<TL, TScaled>(ref a, ref p, e0, f0, d0, o0);
            if (TL.Count > 1)
            {
                ChainStep<TL, TScaled>(ref a, ref p, e1, f1, d1, o1);
            }

            if (TL.Count > 2)
            {
                ChainStep<TL, TScaled>(ref a, ref p, e2, f2, d2, o2);
                ChainStep<TL, TScaled>(ref a, ref p, e3, f3, d3, o3);
            }

            LoadBlock(ref emit, eB0, eB1, eB2, eB3, t, out e0, out e1, out e2, out e3);
            LoadBlock(ref streams, dB0, dB1, dB2, dB3, t, out d0, out d1, out d2, out d3);
            LoadBlock(ref streams, oB0, oB1, oB2, oB3, t, out o0, out o1, out o2, out o3);
            ChainStep<TL, TScaled>(ref b, ref q, e0, f0, d0, o0);
            if (TL.Count > 1)
            {
                ChainStep<TL, TScaled>(ref b, ref q, e1, f1, d1, o1);
            }

            if (TL.Count > 2)
            {
                ChainStep<TL, TScaled>(ref b, ref q, e2, f2, d2, o2);
                ChainStep<TL, TScaled>(ref b, ref q, e3, f3, d3, o3);
            }
        }

        Span<double> totals = stackalloc double[2 * Block];
        TL.Store(p, ref MemoryMarshal.GetReference(totals), 0);
        TL.Store(q, ref MemoryMarshal.GetReference(totals), n);
        for (int i = 0; i < 2 * n; i++)
        {
            if (lanes[i].Edit >= 0)
            {
                sums[lanes[i].Edit] = totals[i];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ChainStep<TL, TScaled>(ref TL a, ref TL total, TL e, TL f, TL d, TL o)
        where TL : struct, ILanes<TL>
        where TScaled : struct, IFlag
    {
        a = (TScaled.On ? e * f : e) * (a + d); // f = 1 (every frame unscaled) skips an exact multiply
        total += a * o;
    }

    // Σ_t α_t(Y_{j-1}) · out_t over the deletion's frame range, as eight interleaved partial sums (frames t mod 8)
    // added in a fixed tree at the end: the same bits at every width.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SpliceDeletion<TL>(ref double streams, in SpliceLane lane)
        where TL : struct, ILanes<TL>
    {
        int start = lane.Start - (lane.Start % DelBlock), end = RoundUp(lane.End + 1, DelBlock);
        ref double alpha = ref Unsafe.Add(ref streams, lane.In);
        ref double beta = ref Unsafe.Add(ref streams, lane.Out);
        int n = TL.Count;
        TL s0 = TL.Zero, s1 = TL.Zero, s2 = TL.Zero, s3 = TL.Zero, s4 = TL.Zero, s5 = TL.Zero, s6 = TL.Zero, s7 = TL.Zero;
        for (nint t = start; t < end; t += DelBlock)
        {
            s0 += TL.Load(ref alpha, t) * TL.Load(ref beta, t);
            if (TL.Count < 8)
            {
                s1 += TL.Load(ref alpha, t + n) * TL.Load(ref beta, t + n);
            }

            if (TL.Count < 4)
            {
                s2 += TL.Load(ref alpha, t + (2 * n)) * TL.Load(ref beta, t + (2 * n));
                s3 += TL.Load(ref alpha, t + (3 * n)) * TL.Load(ref beta, t + (3 * n));
            }

            if (TL.Count < 2)
            {
                s4 += TL.Load(ref alpha, t + 4) * TL.Load(ref beta, t + 4);
                s5 += TL.Load(ref alpha, t + 5) * TL.Load(ref beta, t + 5);
                s6 += TL.Load(ref alpha, t + 6) * TL.Load(ref beta, t + 6);
                s7 += TL.Load(ref alpha, t + 7) * TL.Load(ref beta, t + 7);
            }
        }

        Span<double> part = stackalloc double[DelBlock];
        ref double dst = ref MemoryMarshal.GetReference(part);
        TL.Store(s0, ref dst, 0);
        if (TL.Count < 8)
        {
            TL.Store(s1, ref dst, n);
        }

        if (TL.Count < 4)
        {
            TL.Store(s2, ref dst, 2 * n);
            TL.Store(s3, ref dst, 3 * n);
        }

        if (TL.Count < 2)
        {
            TL.Store(s4, ref dst, 4);
            TL.Store(s5, ref dst, 5);
            TL.Store(s6, ref dst, 6);
            TL.Store(s7, ref dst, 7);
        }

        return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Block helpers.

    // Loads N frames from each of the first N streams (offsets o_i from src, frame t) and transposes them: on return r_i
    // holds frame t + i of every stream (lane i = stream i).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadBlock<TL>(ref double src, nint o0, nint o1, nint o2, nint o3, nint t, out TL r0, out TL r1, out TL r2, out TL r3)
        where TL : struct, ILanes<TL>
    {
        r0 = TL.Load(ref src, o0 + t);
        r1 = TL.Count > 1 ? TL.Load(ref src, o1 + t) : default;
        r2 = TL.Count > 2 ? TL.Load(ref src, o2 + t) : default;
        r3 = TL.Count > 2 ? TL.Load(ref src, o3 + t) : default;
        TL.Transpose(ref r0, ref r1, ref r2, ref r3);
    }

    // Stores the first N vectors at dst + at + i·stride.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumns<TL>(ref double dst, nint at, int stride, TL c0, TL c1, TL c2, TL c3)
        where TL : struct, ILanes<TL>
    {
        TL.Store(c0, ref dst, at);
        if (TL.Count > 1)
        {
            TL.Store(c1, ref dst, at + stride);
        }

        if (TL.Count > 2)
        {
            TL.Store(c2, ref dst, at + (2 * stride));
            TL.Store(c3, ref dst, at + (3 * stride));
        }
    }

    private static void Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            array = new T[Math.Max(length, array.Length * 2)];
        }
    }
}
