using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Nko.Ctc.Internal;

namespace Nko.Ctc;

/// <summary>
/// Exact CTC scoring of many targets against one log-prob matrix: full forward likelihoods, and O(T) rescoring of
/// single-edit neighbours of a hypothesis from its forward/backward tables.
/// </summary>
/// <remarks>
/// <para><b>Method.</b> <see cref="Reset"/> prepares the matrix once: each class's emissions are exponentiated, in double
/// precision and shifted by each frame's maximum (the shifts are added back in log space), the first time a target or
/// an edit uses that class. The recursions run in scaled probability space: after each frame
/// the states are multiplied by a power of two chosen from their maximum, which is exact, and the exponents are
/// accumulated as integers. States are double precision, so a state must fall more than ~700 nats below the best state
/// of its frame before it is lost (float32 would lose it at ~87 nats); within that domain results agree with the
/// log-space reference <see cref="CtcForward.LogSpaceLogLikelihood"/> to about 1e-12 relative. Outside it (for example
/// a random target on a matrix whose log-probs average below about −100 nats, so that the target's states trail the
/// frame's best state by hundreds of nats within a few frames) the result can be off or −∞, and the reference is the
/// exact answer. Recogniser output, whose best paths carry most of the mass, stays well inside.</para>
/// <para><b>Single edits.</b> <see cref="SetHypothesis"/> computes the hypothesis' forward (α) and backward (β) tables
/// once. A substituted, inserted or deleted label changes only the states around the edit, so each edit is scored by a
/// recursion over one new state joined with the untouched α prefix and β suffix: O(T) per edit instead of O(T·L),
/// over the frames where the new state can be reached at all, several edits side by side in vector lanes. The result
/// equals the full forward of the edited target (the property tests pin this). When the join would leave double range
/// (pathological matrices), or a spliced likelihood underflows, the edit falls back to a full forward.</para>
/// <para><b>Determinism.</b> Every kernel is a fixed sequence of IEEE additions and multiplications per value (never a
/// fused multiply-add), the exponential is this library's own (same operations at every width, within 2 ulp), and
/// scale factors are chosen from maxima, so the scalar, 128-bit, 256-bit and 512-bit paths give bit-identical results,
/// on every machine. Shortcuts taken when a scale factor is exactly 1 skip only multiplications by 1.</para>
/// <para>An instance is not thread-safe; use one per thread (they are cheap to keep and reuse: buffers only grow, and
/// nothing is allocated once they have grown).</para>
/// </remarks>
public sealed partial class CtcScorer
{
    private const int MaxJoinExponent = 960;
    private const int MaxScaleExponent = 1022; // |e| ≤ 1022: the scale factor 2^-e is a normal number
    private const double LossGuard = 7.458340731200207E-155; // 2^-512 (see MayHaveLostPaths)
    private const double MinShiftedLogProb = -700; // exp(-708.4) is the smallest normal double
    private const int Pad = 8; // slots before frame 0 in every emission stream; keeps frame 0 64-byte aligned
    private const int Block = 8; // rows and streams are padded to multiples of the widest lane count
    private const int Chunk = 4; // frames per recursion call (label emissions are transposed chunk by chunk)
    private const int Slots = 7; // ring slot mask: eight rows
    private const int All = -1; // row mask that keeps every frame
    private static readonly double Ln2 = Math.Log(2.0);

    // Tables of a hypothesis: frame-major rows of _family columns, frame t (from -1) in row t + 1.
    private const int InBlank = 0; // frame t, column j: α̂_{t-1}(B_j) (frame 0: the start, 1 at j = 0)
    private const int InBoth = 1; // α̂_{t-1}(B_j) + α̂_{t-1}(Y_{j-1})
    private const int AlphaLabel = 2; // α̂_t(Y_k)
    private const int OutBlank = 3; // β̃_{t+1}(B_b) (frame T - 1: leaving, 1 at b = L; frame -1: β̃_0)
    private const int OutBoth = 4; // β̃_{t+1}(B_b) + β̃_{t+1}(Y_b)
    private const int Families = 5;

    private readonly SimdWidth _simd;

    // Emissions exp(logp - rowMax), class-major: class c, frame t at [c * _stride + Pad + t]; zero outside [0, T).
    // Row C is all zeros (padding lanes and labels read it).
    private readonly AlignedDoubles _emit = new();
    private float[] _rowMax = [];
    private bool[] _exponentiated = []; // [c]: class c's stream holds emissions (else still logp - rowMax); see EnsureEmissions
    private bool[] _lossy = []; // [c]: some finite emission of class c underflows exp (set by EnsureEmissions)
    private double _offset;
    private int _frames;
    private int _classes;
    private int _blank = -1;
    private LogProbMatrix _matrix; // kept for the exact log-space fallback
    private int _stride;

    // The prepared target. Split row layout of width _rowWidth: B[k] (blank before label k, B[L] the final blank) at k,
    // Y[k] (label k) at _y0 + k, exact zeros everywhere else (the gap of at least eight cells after B[L], the tail).
    private int _y0;
    private int _rowWidth;
    private int _labelWidth; // RoundUp(L + 1, Block): the cells every step computes in the tables
    private readonly AlignedDoubles _ring = new(); // eight rows: row u in slot u & 7
    // e_t(y_k) at [(t & mask) * _labelWidth + k], zero for k ≥ L: a ring of eight rows (mask 7) for one target's forward,
    // every frame (mask -1) for a hypothesis' tables, whose forward and backward passes both read them.
    private readonly AlignedDoubles _labelEmit = new();
    private bool _labelsKept; // _labelEmit holds every frame's row for _hyp (set by Tables, cleared by anything else that writes it)
    private nint[] _labelRows = []; // offset of each label's emission stream (row C past the end)
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
    private readonly AlignedDoubles _tables = new();
    private int _family; // columns of a table row
    private int _tableRows; // rows of a table
    private double _hypFinal;
    private double _hypLogLikelihood = double.NaN;
    private bool _spliceOk;
    private bool _unscaled; // every α scale factor of the hypothesis is 1

    // Edit scratch.
    private int[] _edited = [];
    private SpliceLane[] _chains = [];
    private double[] _deletionSums = [];
    private int[] _counts = [];
    private int[] _order = [];
    private double[] _sums = [];

    /// <summary>Creates a scorer that uses the widest SIMD width this machine accelerates.</summary>
    public CtcScorer()
        : this(SimdWidth.Auto)
    {
    }

    /// <summary>Runs every table recursion frame by frame: the reference the four-frame passes are tested against.</summary>
    internal bool FrameByFrame { get; set; }

    /// <summary>Frames of the last hypothesis' tables that four-frame passes computed (tests check they ran).</summary>
    internal int ChunkedFrames { get; private set; }

    /// <summary>Whether the last hypothesis' label emissions were moved from the previous one's (tests check it ran).</summary>
    internal bool LabelsStepped { get; private set; }

    /// <summary>Creates a scorer pinned to one kernel width (tests compare the widths bit for bit).</summary>
    internal CtcScorer(SimdWidth width) => _simd = SimdWidths.Resolve(width);

    /// <summary>The kernel width this instance runs.</summary>
    internal SimdWidth Width => _simd;

    /// <summary>Whether the current hypothesis has tables to splice edits into (else each edit takes a full forward).</summary>
    internal bool Spliced => _spliceOk;

    /// <summary>Whether every α scale factor of the current hypothesis is 1 (edits then skip those multiplies).</summary>
    internal bool Unscaled => _unscaled;

    /// <summary>Frames T of the current matrix.</summary>
    public int Frames => _frames;

    /// <summary>Classes C of the current matrix.</summary>
    public int Classes => _classes;

    /// <summary>Blank class of the current matrix.</summary>
    public int BlankIndex => _blank;

    /// <summary>The log-likelihood of the hypothesis given to <see cref="SetHypothesis"/> (NaN before).</summary>
    public double HypothesisLogLikelihood => _hypLogLikelihood;

    /// <summary>Loads a log-prob matrix for every target scored until the next reset (each class is exponentiated once, when first used).</summary>
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
        _labelsKept = false;
        switch (_simd)
        {
            case SimdWidth.Vector512:
            case SimdWidth.Vector256:
                Exponentiate<Lanes4>(logProbs);
                break;
            case SimdWidth.Vector128:
                Exponentiate<Lanes2>(logProbs);
                break;
            default:
                Exponentiate<Lanes1>(logProbs);
                break;
        }

        _blank = blankIndex;
        _matrix = logProbs;
        EnsureEmissions(blankIndex);
    }

    // Exponentiates class c's stream (in place, once per matrix) if no earlier target or edit needed it.
    private void EnsureEmissions(int c)
    {
        if (_exponentiated[c])
        {
            return;
        }

        // A finite log-prob more than ~700 nats below its frame's best underflows exp (to a subnormal or zero): paths
        // through it would be lost or imprecise, so targets that use the class are scored exactly instead (see Lossy).
        ReadOnlySpan<double> shifted = _emit.AsSpan((c * _stride) + Pad, _frames);
        bool lossy = false;
        foreach (double x in shifted)
        {
            lossy |= x < MinShiftedLogProb && x != double.NegativeInfinity;
        }

        _lossy[c] = lossy;
        ref double stream = ref Unsafe.Add(ref _emit.Start, c * _stride);
        switch (_simd)
        {
            case SimdWidth.Vector512:
                DeterministicExp.ExpInPlace<Lanes8>(ref stream, _stride);
                break;
            case SimdWidth.Vector256:
                DeterministicExp.ExpInPlace<Lanes4>(ref stream, _stride);
                break;
            case SimdWidth.Vector128:
                DeterministicExp.ExpInPlace<Lanes2>(ref stream, _stride);
                break;
            default:
                DeterministicExp.ExpInPlace<Lanes1>(ref stream, _stride);
                break;
        }

        _exponentiated[c] = true;
    }

    /// <summary>The CTC log-likelihood of <paramref name="target"/>; −∞ when it cannot be aligned in T frames.</summary>
    /// <exception cref="ArgumentException">A label is the blank or outside [0, C).</exception>
    /// <exception cref="InvalidOperationException"><see cref="Reset"/> has not been called.</exception>
    public double LogLikelihood(ReadOnlySpan<int> target)
    {
        EnsureReset();
        ValidateTarget(target, _blank, _classes);
        return Forward(target);
    }

    /// <summary>
    /// Sets the hypothesis whose single-edit neighbours <see cref="ScoreEdits"/> scores, computing its forward and backward tables.
    /// </summary>
    /// <remarks>A hypothesis a few labels away from the previous one on the same matrix (one edit: the next correction
    /// round) reuses the previous one's label emissions; the results are the same bits either way.</remarks>
    /// <returns>The hypothesis' log-likelihood.</returns>
    public double SetHypothesis(ReadOnlySpan<int> hypothesis)
    {
        EnsureReset();
        ValidateTarget(hypothesis, _blank, _classes);
        int length = hypothesis.Length;
        bool alignable = MinimumFramesOf(hypothesis) <= _frames;
        if (alignable)
        {
            TableCells(_frames, length); // throws before anything changes when the tables cannot be held
        }

        LabelStep step = default;
        bool stepped = _labelsKept && LabelStep.Between(_hyp.AsSpan(0, _hypLength), hypothesis, out step);
        _labelsKept = false;
        LabelsStepped = false;
        Grow(ref _hyp, length);
        hypothesis.CopyTo(_hyp);
        _hypLength = length;
        Grow(ref _hypPrefix, length + 1);
        Grow(ref _hypSuffix, length + 1);
        MinimumFrames(hypothesis, _hypPrefix, _hypSuffix);
        _spliceOk = false;
        _peaksReady = false;
        _deletionSumsReady = false;
        _hypFinal = 0;
        _hypLogLikelihood = _simd switch
        {
            SimdWidth.Vector512 => Tables<Lanes4, Lanes8>(hypothesis, stepped, step),
            SimdWidth.Vector256 => Tables<Lanes4, Lanes4>(hypothesis, stepped, step),
            SimdWidth.Vector128 => Tables<Lanes2, Lanes2>(hypothesis, stepped, step),
            _ => Tables<Lanes1, Lanes1>(hypothesis, stepped, step),
        };

        // The tables lost paths of a possible hypothesis, or its classes have emissions that underflowed (see
        // ExactFallback and Lossy): its likelihood comes from the exact fallback, and with no tables to splice every edit
        // is scored by its own forward, which has the same fallback.
        if (alignable && (double.IsNegativeInfinity(_hypLogLikelihood) || Lossy(hypothesis)))
        {
            _spliceOk = false;
            _labelsKept = false;
            _hypLogLikelihood = ExactFallback(hypothesis);
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
        ValidateBatch(edits, destination, estimates: false);
        Score(edits, destination);
    }

    // The checks every batch call makes before touching the destination.
    private void ValidateBatch(ReadOnlySpan<LabelEdit> edits, Span<double> destination, bool estimates)
    {
        if (_hypLength < 0)
        {
            throw new InvalidOperationException($"Call SetHypothesis before {(estimates ? "estimating" : "scoring")} edits.");
        }

        if (destination.Length < edits.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values; {edits.Length} edits need as many.", nameof(destination));
        }

        foreach (LabelEdit edit in edits)
        {
            if (estimates && edit.Kind == EditKind.Delete)
            {
                throw new ArgumentException($"Edit {edit} is a deletion; estimates cover substitutions and insertions (score deletions exactly with ScoreEdits).", nameof(edits));
            }

            ValidateEdit(edit);
        }
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

    // Doubles per emission stream: Pad + T rounded up + one spare block, as an odd number of 64-byte lines, so that the
    // streams read side by side spread over every cache set instead of aliasing onto a few.
    private static int StreamStride(int frames)
    {
        int lines = ((Pad + RoundUp(frames, Block) + Block) + 7) / 8;
        return 8 * (lines | 1);
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static long RoundUp(long value, int multiple) => (value + multiple - 1) / multiple * multiple;

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

    // The ring of a single forward: eight rows of the split layout.
    private static void RingCells(int length)
    {
        long width = (2 * (RoundUp((long)length + 1, Block) + Block));
        Cells((Slots + 1) * width, 0, length, "forward rows");
    }

    private static int Cells(long cells, int frames, int length, string what) =>
        cells <= AlignedDoubles.MaxLength
            ? (int)cells
            : throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"Scoring {length} labels on {frames} frames needs {cells} doubles of {what}, more than one array holds ({AlignedDoubles.MaxLength}); split the utterance into shorter windows."));

    private static ref T At<T>(T[] array) => ref MemoryMarshal.GetArrayDataReference(array);

    // prefix[j] = frames needed to emit target[0..j), suffix[b] = frames needed to emit target[b..L).
    private static void MinimumFrames(ReadOnlySpan<int> target, Span<int> prefix, Span<int> suffix)
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
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Emissions.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Exponentiate<TL>(LogProbMatrix logProbs)
        where TL : struct, ILanes<TL>
    {
        int frames = logProbs.Frames, classes = logProbs.Classes, n = TL.Count;
        int stride = StreamStride(frames);
        _emit.EnsureCapacity(Cells((long)(classes + 1) * stride, frames, classes, "emission streams"));
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

                TL.StoreTransposed(ref dst, (c * stride) + Pad + t, stride, v0, v1, v2, v3);
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

        // Streams are exponentiated on first use (EnsureEmissions): a hypothesis and its candidates touch only some of the
        // classes. The values are the same either way (exp is element-wise).
        Grow(ref _exponentiated, classes);
        _exponentiated.AsSpan(0, classes).Clear();
        Grow(ref _lossy, classes);
        _lossy.AsSpan(0, classes).Clear();
        emit.Slice(classes * stride, stride).Clear();
        _offset = offset;
        _frames = frames;
        _classes = classes;
        _stride = stride;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Forward of one target (ring of rows).

    private double Forward(ReadOnlySpan<int> target)
    {
        double result = _simd switch
        {
            SimdWidth.Vector512 => Forward<Lanes4, Lanes8>(target),
            SimdWidth.Vector256 => Forward<Lanes4, Lanes4>(target),
            SimdWidth.Vector128 => Forward<Lanes2, Lanes2>(target),
            _ => Forward<Lanes1, Lanes1>(target),
        };

        // Probability space loses states that fall ~700 nats below their frame's best state. When that empties every
        // path of an alignable target, the answer -inf would be wrong, so the exact fallback decides (a banded forward,
        // then the log-space reference).
        if ((double.IsNegativeInfinity(result) || Lossy(target)) && MinimumFramesOf(target) <= _frames)
        {
            result = ExactFallback(target);
        }

        return result;
    }


    // Lays out the target: row geometry, skip flags, minimum frames, and where each label's emissions start.
    private void PrepareTarget(ReadOnlySpan<int> target)
    {
        int length = target.Length, stride = _stride;
        RingCells(length);
        _labelsKept = false;
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
            EnsureEmissions(target[k]);
        }

        for (int k = 0; k < _labelWidth; k++)
        {
            _labelRows[k] = (Label(target, k) * stride) + Pad;
        }
    }

    // e_t(y_k) for the frames [t0, t0 + Chunk) and k in [0, _labelWidth), into label rows t & mask: N×N block transposes
    // of the class-major emissions (row C, read past the last label, is zero).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LoadLabelEmissions<TL>(int t0, int mask = Slots)
        where TL : struct, ILanes<TL>
    {
        ref double emit = ref _emit.Start;
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

    private int Label(ReadOnlySpan<int> target, int k) => k < target.Length ? target[k] : _classes;

    // How the previous hypothesis' label columns become this one's: the common prefix stays, the common suffix moves by
    // the length difference, and the columns between are new.
    private readonly record struct LabelStep(int Prefix, int Suffix, int Shift)
    {
        private const int MaxNewColumns = 8; // each new column is a strided pass over every frame; more and a transpose wins

        // False when the texts are equal (setting a hypothesis again recomputes it, as the benchmarks rely on), differ
        // in length by more than one, or differ in more than a few columns.
        public static bool Between(ReadOnlySpan<int> previous, ReadOnlySpan<int> next, out LabelStep step)
        {
            int prefix = previous.CommonPrefixLength(next), shift = next.Length - previous.Length;
            int suffix = 0, room = Math.Min(previous.Length, next.Length) - prefix;
            while (suffix < room && previous[previous.Length - 1 - suffix] == next[next.Length - 1 - suffix])
            {
                suffix++;
            }

            step = new LabelStep(prefix, suffix, shift);
            int fresh = next.Length - prefix - suffix;
            return Math.Abs(shift) <= 1 && fresh <= MaxNewColumns && !(shift == 0 && fresh == 0);
        }
    }

    // Turns the label rows of the previous hypothesis (every frame, this row width) into this one's: the common suffix
    // moves by the shift, the new columns are read from their class streams (_labelRows is this hypothesis'). Columns
    // from L on are zero before and after (the row width has room for the longer of the two).
    private void StepLabelEmissions(LabelStep step)
    {
        int width = _labelWidth, rows = RoundUp(_frames, Chunk), end = _hypLength - step.Suffix;
        ref double dst = ref _labelEmit.Start;
        ref double emit = ref _emit.Start;
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Forward<TL, TS>(ReadOnlySpan<int> target)
        where TL : struct, ILanes<TL>
        where TS : struct, ILanes<TS>
    {
        int frames = _frames, length = target.Length;
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

        bool repeats = _repeats;
        Span<double> maxima = stackalloc double[Chunk];
        for (int chunk = 0; chunk < frames; chunk += Chunk)
        {
            if (TL.Count == Chunk && chunk > 0 && chunk + Chunk <= frames && state.Max > 0 && ScaleExponent(state.Max) == 0)
            {
                // Optimistic: the next frames need no rescaling either (the usual case on recogniser output), so all
                // four go in one pass over the row, their label emissions transposed on the fly. Checked after.
                AdvanceReach(ref state, chunk + Chunk - 1, ref At(_prefix), length);
                int count = RoundUp(Math.Max(state.ReachB, state.ReachY), TS.Count);
                ref double prev = ref Unsafe.Add(ref ring, ((chunk - 1) & Slots) * width);
                ref double cur = ref Unsafe.Add(ref ring, ((chunk + Chunk - 1) & Slots) * width);
                if (typeof(TS) == typeof(Lanes8))
                {
                    if (repeats)
                    {
                        ForwardChunkWide<Yes>(ref prev, ref cur, y0, count, ref Unsafe.Add(ref _emit.Start, chunk), ref At(_labelRows), ref Unsafe.Add(ref blankEmit, chunk), ref At(_skip), maxima);
                    }
                    else
                    {
                        ForwardChunkWide<No>(ref prev, ref cur, y0, count, ref Unsafe.Add(ref _emit.Start, chunk), ref At(_labelRows), ref Unsafe.Add(ref blankEmit, chunk), ref At(_skip), maxima);
                    }
                }
                else if (repeats)
                {
                    ForwardChunk<TL, Yes>(ref prev, ref cur, y0, count, ref Unsafe.Add(ref _emit.Start, chunk), ref At(_labelRows), ref Unsafe.Add(ref blankEmit, chunk), ref At(_skip), maxima);
                }
                else
                {
                    ForwardChunk<TL, No>(ref prev, ref cur, y0, count, ref Unsafe.Add(ref _emit.Start, chunk), ref At(_labelRows), ref Unsafe.Add(ref blankEmit, chunk), ref At(_skip), maxima);
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
                LoadLabelEmissions<TL>(chunk);
            }

            int from = Math.Max(chunk, 1), to = Math.Min(chunk + Chunk, frames);
            bool ok = repeats
                ? ForwardFrames<TS, Yes>(ref state, from, to, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_skip), ref At(_prefix), length)
                : ForwardFrames<TS, No>(ref state, from, to, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_skip), ref At(_prefix), length);
            if (!ok)
            {
                return double.NegativeInfinity;
            }
        }

        ref double last = ref Unsafe.Add(ref ring, ((frames - 1) & Slots) * width);
        double final = Unsafe.Add(ref last, length) + Unsafe.Add(ref last, y0 + length - 1);
        return final > 0 && !MayHaveLostPaths(final, state.Max) ? Math.Log(final) + (state.Exponent * Ln2) + _offset : double.NegativeInfinity;
    }

    // Whether the first Chunk - 1 maxima give scale exponent 0 (so the chunk's frames were computed with f = 1 as they
    // should be) and the last is non-zero.
    private static bool NeedNoScaling(ReadOnlySpan<double> maxima)
    {
        for (int i = 0; i < maxima.Length - 1; i++)
        {
            if (!(maxima[i] > 0) || ScaleExponent(maxima[i]) != 0)
            {
                return false;
            }
        }

        return maxima[^1] > 0;
    }

    private static void AdvanceReach(ref ForwardState state, int t, ref int prefix, int length)
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

    // One block of one frame of the α recursion: (b, y) of the previous frame in, of this frame out; pb and e are the
    // emissions, already multiplied by the frame's scale factor when it is not 1. Every α kernel uses it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardCell<TL, TRepeats>(ref TL b, ref TL y, ref TL previousY, ref TL max, TL pb, TL e, TL skip)
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

    private struct ForwardState
    {
        public double Max; // of the last computed row
        public long Exponent; // sum of the scale exponents so far
        public int ReachB; // B cells that can be non-zero at the last computed frame
        public int ReachY;
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

    // Whether the finishing states trail the last frame's best state so far that paths of the target may have been
    // flushed to zero on the way (states more than ~700 nats below their frame's best are lost; the finishing ones
    // only fall that far behind when states that cannot finish dominate, as for targets nearly as long as the
    // matrix). The caller then treats the result as lost and the exact fallback decides.
    private static bool MayHaveLostPaths(double final, double lastMax) => final < lastMax * LossGuard;

    // Forward and backward totals of the same paths agree to rounding (a few ulp per frame) unless states were lost.
    private static bool Agree(double forward, double backward) => Math.Abs(forward - backward) <= 1e-9 * forward;

    // Whether the blank or a label of the target has emissions that underflowed exp (see EnsureEmissions); the streams
    // of the target's classes are exponentiated by the time this is asked.
    private bool Lossy(ReadOnlySpan<int> target)
    {
        if (_lossy[_blank])
        {
            return true;
        }

        foreach (int label in target)
        {
            if (_lossy[label])
            {
                return true;
            }
        }

        return false;
    }

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
    // loaded (no load straddles the previous frame's stores). Exact shortcuts: f = 1 skips the scaling multiply, and
    // without adjacent repeats skip[k] · Y[k-1] is Y[k-1] wherever it matters (at k = 0 and k ≥ L the cell is 0 either
    // way). With TStore, also writes cur.B[k] + cur.Y[k-1] to `both`. Returns the maximum.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ForwardStep<TL, TScaled, TRepeats, TStore>(
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
    private static double BackwardStep<TL, TScaled, TRepeats, TJoined>(
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

    // ---------------------------------------------------------------------------------------------------------------
    // Tables of the hypothesis.

    private int TableAt(int familyIndex, int column) => (((familyIndex * _tableRows) + 1) * _family) + column;

    // The forward pass writes α̂ straight into the tables (InBlank and AlphaLabel are its rows; InBoth is written on the
    // way), the backward pass runs in the ring and writes its rows joined to α's scale. Returns the log-likelihood.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Tables<TL, TS>(ReadOnlySpan<int> target, bool stepped, LabelStep step)
        where TL : struct, ILanes<TL>
        where TS : struct, ILanes<TS>
    {
        int frames = _frames, length = target.Length;
        if (MinimumFramesOf(target) > frames)
        {
            return double.NegativeInfinity;
        }

        int keptWidth = _labelWidth;
        PrepareTarget(target);

        // The previous hypothesis' label emissions are still in place and this one differs in a few columns (one edit,
        // the usual case between correction rounds): move its columns instead of transposing every label again. Same
        // values, so same bits.
        bool loaded = stepped && _labelWidth == keptWidth;
        if (loaded)
        {
            StepLabelEmissions(step);
        }

        LabelsStepped = loaded;
        int family = _labelWidth, rows = RoundUp(frames, Block) + (2 * Block), labelWidth = _labelWidth;
        (int labelCells, int tableCells) = TableCells(frames, length);
        _labelEmit.EnsureCapacity(labelCells);
        _family = family;
        _tableRows = rows;
        _tables.EnsureCapacity(tableCells);
        _factor.EnsureCapacity(_stride);
        Grow(ref _alphaExp, frames);
        Span<double> all = _tables.AsSpan(0, tableCells);
        ref double tables = ref _tables.Start;
        ref double labels = ref _labelEmit.Start;
        ref double blankEmit = ref Unsafe.Add(ref _emit.Start, (_blank * _stride) + Pad);

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
            LoadLabelEmissions<TL>(0, All);
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

        _factor.AsSpan(0, _stride).Clear();
        ref double factor = ref Unsafe.Add(ref _factor.Start, Pad);
        factor = 1;
        _alphaExp[0] = 0;
        ChunkedFrames = 0;
        bool repeats = _repeats;
        Span<double> maxima = stackalloc double[Chunk];
        for (int chunk = 0; chunk < frames; chunk += Chunk)
        {
            if (chunk > 0 && !loaded)
            {
                LoadLabelEmissions<TL>(chunk, All);
            }

            if (!FrameByFrame && chunk > 0 && chunk + Chunk <= frames && state.Max > 0 && ScaleExponent(state.Max) == 0)
            {
                // Optimistic, as in the single-target forward: four unscaled frames in one pass over the row. Checked
                // after; when some frame needs rescaling the chunk is redone frame by frame (its input rows are untouched).
                if (repeats)
                {
                    TableForwardChunk<TS, Yes>(chunk, ref tables, rows, family, ref labels, labelWidth, ref blankEmit, ref At(_skip), maxima);
                }
                else
                {
                    TableForwardChunk<TS, No>(chunk, ref tables, rows, family, ref labels, labelWidth, ref blankEmit, ref At(_skip), maxima);
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
                ? TableForwardFrames<TS, Yes>(ref state, from, to, ref tables, rows, family, ref labels, labelWidth, ref blankEmit, ref At(_skip), ref factor, _alphaExp)
                : TableForwardFrames<TS, No>(ref state, from, to, ref tables, rows, family, ref labels, labelWidth, ref blankEmit, ref At(_skip), ref factor, _alphaExp);
            if (!ok)
            {
                return double.NegativeInfinity;
            }
        }

        _labelsKept = true; // every frame's label row is in place (the backward pass reads them too)
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

        double logLikelihood = Math.Log(final) + (state.Exponent * Ln2) + _offset;
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

    // Frames t .. t + 3 of the α recursion in the tables with f = 1 (exactly TableForwardFrames' unscaled steps), in one
    // pass over the cells: block k of frame t + i feeds block k of frame t + i + 1 in registers. Writes the four rows of
    // each α table and the four maxima.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void TableForwardChunk<TS, TRepeats>(
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
    private static bool TableForwardFrames<TS, TRepeats>(
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

    // The β recursion in the ring, from row T - 1 down; every row goes, joined, to out-frame t - 1. False when a row
    // is all zero or a join leaves double range.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Backward<TL, TS>(int length)
        where TL : struct, ILanes<TL>
        where TS : struct, ILanes<TS>
    {
        int frames = _frames, y0 = _y0, width = _rowWidth, labelWidth = _labelWidth, family = _family, rows = _tableRows;
        _ring.AsSpan(0, (Slots + 1) * width).Clear();
        ref double ring = ref _ring.Start;
        ref double labels = ref _labelEmit.Start;
        ref double tables = ref _tables.Start;
        ref double blankEmit = ref Unsafe.Add(ref _emit.Start, (_blank * _stride) + Pad);

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

        bool repeats = _repeats;
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
                    TableBackwardChunk<TS, Yes>(chunk, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_skip), joins, ref tables, rows, family, maxima);
                }
                else
                {
                    TableBackwardChunk<TS, No>(chunk, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_skip), joins, ref tables, rows, family, maxima);
                }

                if (NeedNoScaling(maxima))
                {
                    state.Max = maxima[Chunk - 1];
                    ChunkedFrames += Chunk;
                    continue;
                }
            }

            bool ok = repeats
                ? TableBackwardFrames<TS, Yes>(ref state, high, chunk, frames, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_skip), _alphaExp, ref tables, rows, family)
                : TableBackwardFrames<TS, No>(ref state, high, chunk, frames, ref ring, width, y0, ref labels, labelWidth, ref blankEmit, ref At(_skip), _alphaExp, ref tables, rows, family);
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

    // Frames low + 3 down to low of the β recursion with f = 1 (exactly TableBackwardFrames' unscaled steps; a join of 1
    // multiplies exactly), in one pass over the cells from the last block down: block k of frame t feeds block k of
    // frame t - 1 in registers, and block k + N of each frame's input is kept from the block before. Writes the lowest
    // ring row (the next chunk's input), the four joined out-table rows and the four maxima (maxima[i] of frame
    // low + 3 - i).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void TableBackwardChunk<TS, TRepeats>(
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

    // One block of one frame of the β recursion: (b, y) of block k of the next frame and (bAfterBlock, yAfterBlock) of
    // block k + N in; B of this frame returned, Y out. pb and e as in ForwardCell. Every β kernel uses it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TS BackwardCell<TS, TRepeats>(TS b, TS y, TS bAfterBlock, TS yAfterBlock, TS pb, TS e, TS skip, out TS ny)
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
    private static void StoreBackward<TS>(ref double row, ref double blank, ref double both, int y0, nint k, TS nb, TS ny, TS join, ref TS max)
        where TS : struct, ILanes<TS>
    {
        TS.Store(nb, ref row, k);
        TS.Store(ny, ref row, y0 + k);
        StoreJoined(ref blank, ref both, k, nb, ny, join, ref max);
    }

    // The out-table cells of one block (joined to α's scale) and the running maximum, without the ring row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreJoined<TS>(ref double blank, ref double both, nint k, TS nb, TS ny, TS join, ref TS max)
        where TS : struct, ILanes<TS>
    {
        TS jb = nb * join;
        TS.Store(jb, ref blank, k);
        TS.Store(jb + (ny * join), ref both, k);
        max = TS.Max(max, TS.Max(nb, ny));
    }

    // Frames high down to low of the β recursion: β̂_t, and β̃_t = β̂_t · 2^(ea[t-1] + eb[t] - ea[T-1]) (ea[-1] = 0) into
    // out-frame t - 1.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool TableBackwardFrames<TS, TRepeats>(
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

    // ---------------------------------------------------------------------------------------------------------------
    // Edits.

    private struct SpliceLane
    {
        public int Edit; // index in the batch; -1 for padding lanes
        public int Emit; // offset of e_0(z) in _emit (substitutions, insertions)
        public int In; // offset of the in-table (or, for deletions, the α label table) cell at frame 0
        public int Out; // offset of the out-table cell at frame 0
        public int Start; // first frame where the lane can be non-zero
        public int End; // last frame whose out-cell can be non-zero
    }

    // Where the N lanes of one group read a table cell, relative to a frame's row: N offsets, or (four lanes) one
    // vector load covering all of them and a permutation.
    private struct LaneCells
    {
        public nint O0;
        public nint O1;
        public nint O2;
        public nint O3;
        public bool Contiguous;
        public Vector256<int> Control;

        public static LaneCells Of(nint o0, nint o1, nint o2, nint o3, int count)
        {
            var cells = new LaneCells { O0 = o0, O1 = o1, O2 = o2, O3 = o3 };
            if (count == 4)
            {
                nint low = Math.Min(Math.Min(o0, o1), Math.Min(o2, o3));
                nint high = Math.Max(Math.Max(o0, o1), Math.Max(o2, o3));
                if (high - low < 4)
                {
                    cells.Contiguous = true;
                    cells.O0 = low;
                    int c0 = (int)(o0 - low), c1 = (int)(o1 - low), c2 = (int)(o2 - low), c3 = (int)(o3 - low);
                    cells.Control = Vector256.Create(2 * c0, (2 * c0) + 1, 2 * c1, (2 * c1) + 1, 2 * c2, (2 * c2) + 1, 2 * c3, (2 * c3) + 1);
                }
            }

            return cells;
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
            LabelEdit edit = edits[i];
            destination[i] = sum > 0 && double.IsFinite(sum) && (edit.Kind == EditKind.Delete || !_lossy[edit.Label])
                ? Math.Log(sum) - logFinal + _hypLogLikelihood
                : FullForward(edit); // infeasible edit, outside the splice's numeric range, or a lossy label: a full forward decides exactly
        }
    }

    private double FullForward(LabelEdit edit)
    {
        Grow(ref _edited, _hypLength + 1);
        int n = edit.Apply(_hyp.AsSpan(0, _hypLength), _edited);
        return Forward(_edited.AsSpan(0, n));
    }

    // Spliced likelihood of every edit, divided by 2^ea[T-1] (the hypothesis' final scale), into _sums.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Splice<TL, TS>(ReadOnlySpan<LabelEdit> edits)
        where TL : struct, ILanes<TL>
        where TS : struct, ILanes<TS>
    {
        int count = edits.Length, length = _hypLength, frames = _frames, stride = _stride, family = _family;
        int group = 2 * TL.Count;
        Grow(ref _sums, count);
        Grow(ref _chains, count + group);
        Grow(ref _counts, length + 2);
        ReadOnlySpan<int> hyp = _hyp.AsSpan(0, length);
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
                    sums[i] = _tables.AsSpan(0, Families * _tableRows * family)[TableAt(OutBoth, 1) - family];
                    continue;
                }

                deletions = true;
                continue;
            }

            int z = edit.Label;
            EnsureEmissions(z);
            int next = edit.Kind == EditKind.Substitute ? j + 1 : j; // the label after the new one
            bool skipIn = j > 0 && hyp[j - 1] != z;
            bool skipNext = next < length && hyp[next] != z;
            _chains[chains++] = new SpliceLane
            {
                Edit = i,
                Emit = (z * stride) + Pad,
                In = TableAt(skipIn ? InBoth : InBlank, j),
                Out = TableAt(skipNext ? OutBoth : OutBlank, next),
                Start = _hypPrefix[j],
                End = frames - 1 - _hypSuffix[next],
            };
        }

        ref double emit = ref _emit.Start;
        ref double tables = ref _tables.Start;
        ref double factor = ref Unsafe.Add(ref _factor.Start, Pad);
        for (int g = 0; g < chains; g += group)
        {
            Span<SpliceLane> lanes = _chains.AsSpan(g, group);
            PadGroup(lanes, chains - g);
            if (typeof(TL) == typeof(Lanes4) && SpliceChainsPermuted(ref emit, ref tables, ref factor, family, lanes, sums, _unscaled))
            {
                continue;
            }

            if (_unscaled)
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
            EnsureDeletionSums();
            Span<double> blankSums = _deletionSums.AsSpan(0, family), bothSums = _deletionSums.AsSpan(family, family);
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

    // For every column j ≥ 1 (lane j: its own sums, in frame order; frames where the deletion's neighbours cannot be
    // reached add exact zeros): blank[j] = Σ_{t < T} label[t][j - 1] · outBlank[t][j + 1], and both[j] likewise with
    // outBoth. Column 0 is meaningless. The shifted columns come from aligned loads and lane shifts. Up to four column
    // blocks advance together frame by frame: eight independent sums hide the add latency and the rows are read in
    // order (each column still sums its frames in ascending order, so the bits do not depend on the blocking).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DeletionSweep<TS>(ref double tables, int label, int outBlank, int outBoth, int family, int frames, Span<double> blankSums, Span<double> bothSums)
        where TS : struct, ILanes<TS>
    {
        int n = TS.Count;
        for (int k = 0; k < family; k += 4 * n)
        {
            int blocks = Math.Min(4, (family - k) / n);
            ref double a = ref Unsafe.Add(ref tables, label + k);
            ref double ob = ref Unsafe.Add(ref tables, outBlank + k);
            ref double oy = ref Unsafe.Add(ref tables, outBoth + k);
            TS blank0 = TS.Zero, both0 = TS.Zero, blank1 = TS.Zero, both1 = TS.Zero;
            TS blank2 = TS.Zero, both2 = TS.Zero, blank3 = TS.Zero, both3 = TS.Zero;
            for (int t = 0; t < frames; t++)
            {
                TS previous = TS.Load(ref a, -n);
                TS current = TS.Load(ref a, 0);
                TS before = TS.ShiftUp(previous, current);
                blank0 += before * TS.ShiftDown(TS.Load(ref ob, 0), TS.Load(ref ob, n));
                both0 += before * TS.ShiftDown(TS.Load(ref oy, 0), TS.Load(ref oy, n));
                if (blocks > 1)
                {
                    previous = current;
                    current = TS.Load(ref a, n);
                    before = TS.ShiftUp(previous, current);
                    blank1 += before * TS.ShiftDown(TS.Load(ref ob, n), TS.Load(ref ob, 2 * n));
                    both1 += before * TS.ShiftDown(TS.Load(ref oy, n), TS.Load(ref oy, 2 * n));
                }

                if (blocks > 2)
                {
                    previous = current;
                    current = TS.Load(ref a, 2 * n);
                    before = TS.ShiftUp(previous, current);
                    blank2 += before * TS.ShiftDown(TS.Load(ref ob, 2 * n), TS.Load(ref ob, 3 * n));
                    both2 += before * TS.ShiftDown(TS.Load(ref oy, 2 * n), TS.Load(ref oy, 3 * n));
                }

                if (blocks > 3)
                {
                    previous = current;
                    current = TS.Load(ref a, 3 * n);
                    before = TS.ShiftUp(previous, current);
                    blank3 += before * TS.ShiftDown(TS.Load(ref ob, 3 * n), TS.Load(ref ob, 4 * n));
                    both3 += before * TS.ShiftDown(TS.Load(ref oy, 3 * n), TS.Load(ref oy, 4 * n));
                }

                a = ref Unsafe.Add(ref a, family);
                ob = ref Unsafe.Add(ref ob, family);
                oy = ref Unsafe.Add(ref oy, family);
            }

            ref double blankAt = ref MemoryMarshal.GetReference(blankSums);
            ref double bothAt = ref MemoryMarshal.GetReference(bothSums);
            TS.Store(blank0, ref blankAt, k);
            TS.Store(both0, ref bothAt, k);
            if (blocks > 1)
            {
                TS.Store(blank1, ref blankAt, k + n);
                TS.Store(both1, ref bothAt, k + n);
            }

            if (blocks > 2)
            {
                TS.Store(blank2, ref blankAt, k + (2 * n));
                TS.Store(both2, ref bothAt, k + (2 * n));
            }

            if (blocks > 3)
            {
                TS.Store(blank3, ref blankAt, k + (3 * n));
                TS.Store(both3, ref bothAt, k + (3 * n));
            }
        }
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

    // ---------------------------------------------------------------------------------------------------------------
    // Block helpers.

    // Loads N frames from each of the first N emission streams (offsets o_i, frame t) transposed: r_i holds frame t + i
    // of every stream (lane i = stream i).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadBlock<TL>(ref double src, nint o0, nint o1, nint o2, nint o3, nint t, out TL r0, out TL r1, out TL r2, out TL r3)
        where TL : struct, ILanes<TL> =>
        TL.LoadTransposed(ref src, o0 + t, o1 + t, o2 + t, o3 + t, out r0, out r1, out r2, out r3);

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
            array = new T[Math.Clamp(2L * array.Length, length, Math.Max(length, Array.MaxLength))];
        }
    }
}
