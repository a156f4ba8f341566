using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nko.Ctc;

/// <summary>
/// Exact CTC scoring of many targets against one log-prob matrix: full forward likelihoods, and O(T) rescoring of
/// single-edit neighbours of a hypothesis from its forward/backward tables.
/// </summary>
/// <remarks>
/// <para><b>Method.</b> <see cref="Reset"/> exponentiates the matrix once, in double precision and shifted by each frame's
/// maximum (the shifts are added back in log space). The recursions run in scaled probability space: after each frame
/// the states are multiplied by a power of two chosen from their maximum, which is exact, and the exponents are
/// accumulated as integers. States are double precision, so a state must fall more than ~700 nats below the frame's
/// maximum before it is lost (float32 would lose it at ~87 nats). Results agree with the log-space reference
/// <see cref="CtcForward.LogSpaceLogLikelihood"/> to about 1e-12 relative.</para>
/// <para><b>Single edits.</b> <see cref="SetHypothesis"/> computes the hypothesis' forward (α) and backward (β) tables
/// once. A substituted, inserted or deleted label changes only the states around the edit, so each edit is scored by
/// a recursion over one new state joined with the untouched α prefix and β suffix: O(T) per edit instead of O(T·L).
/// The result equals the full forward of the edited target (the property tests pin this). When the join would leave
/// double range (pathological matrices), or a spliced likelihood underflows, the edit falls back to a full forward.</para>
/// <para><b>Determinism.</b> Every operation is an elementwise add or multiply in a fixed order, and scale factors are chosen
/// from maxima, so the vectorised and scalar paths give bit-identical results on every machine.</para>
/// <para>An instance is not thread-safe; use one per thread (they are cheap to keep and reuse: buffers only grow).</para>
/// </remarks>
public sealed class CtcScorer
{
    private const int MaxJoinExponent = 960;
    private static readonly double Ln2 = Math.Log(2.0);

    // Emissions: exp(logp - rowMax), frame-major [T * C].
    private double[] _emit = [];
    private double _offset;
    private int _frames;
    private int _classes;
    private int _blank = -1;

    // Hypothesis state.
    private int[] _hyp = [];
    private int _hypLength = -1;
    private int _width; // row width of the split layout: 2L + 4
    private double[] _alpha = []; // [T * width], α̂
    private double[] _betaJoined = []; // [T * width], β̂ joined to α's scale
    private double[] _factor = []; // per-frame power-of-two factor applied to emissions in the α recursion
    private int[] _alphaExp = [];
    private int[] _betaExp = [];
    private double _hypFinal;
    private double _hypLogLikelihood = double.NaN;
    private bool _spliceOk;

    // Scratch.
    private double[] _rowA = [];
    private double[] _rowB = [];
    private double[] _labelEmit = [];
    private double[] _skip = [];
    private int[] _edited = [];

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
        int frames = logProbs.Frames, classes = logProbs.Classes;
        Grow(ref _emit, frames * classes);
        ReadOnlySpan<float> lp = logProbs.Span;
        double offset = 0;
        for (int t = 0; t < frames; t++)
        {
            ReadOnlySpan<float> row = lp.Slice(t * classes, classes);
            Span<double> dst = _emit.AsSpan(t * classes, classes);
            float max = TensorPrimitives.Max(row);
            if (float.IsNaN(max) || float.IsPositiveInfinity(max))
            {
                logProbs.ValidateValues();
            }

            if (float.IsNegativeInfinity(max))
            {
                // No class can be emitted at this frame: every target is impossible.
                dst.Clear();
                continue;
            }

            for (int c = 0; c < row.Length; c++)
            {
                dst[c] = (double)row[c] - max;
            }

            TensorPrimitives.Exp(dst, dst);
            offset += max;
        }

        _offset = offset;
        _frames = frames;
        _classes = classes;
        _blank = blankIndex;
        _hypLength = -1;
        _hypLogLikelihood = double.NaN;
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
        Grow(ref _hyp, hypothesis.Length);
        hypothesis.CopyTo(_hyp);
        _hypLength = hypothesis.Length;
        _hypLogLikelihood = Forward(hypothesis, storeTables: true);
        _spliceOk = _hypFinal > 0 && !double.IsInfinity(_hypLogLikelihood) && Backward(hypothesis);
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

        for (int i = 0; i < edits.Length; i++)
        {
            destination[i] = ScoreEdit(edits[i]);
        }
    }

    /// <summary>The exact log-likelihood of the hypothesis with <paramref name="edit"/> applied.</summary>
    public double ScoreEdit(LabelEdit edit)
    {
        if (_hypLength < 0)
        {
            throw new InvalidOperationException("Call SetHypothesis before scoring edits.");
        }

        edit.Validate(_hypLength);
        if (edit.Kind != EditKind.Delete && (edit.Label >= _classes || edit.Label == _blank))
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"Edit {edit} names label {edit.Label}, which is the blank or outside [0, {_classes})."), nameof(edit));
        }

        double sum = _spliceOk ? Splice(edit) : 0;
        if (sum > 0 && double.IsFinite(sum))
        {
            return Math.Log(sum) - Math.Log(_hypFinal) + _hypLogLikelihood;
        }

        // Infeasible edit, or outside the splice's numeric range: a full forward decides exactly.
        Grow(ref _edited, _hypLength + 1);
        int n = edit.Apply(_hyp.AsSpan(0, _hypLength), _edited);
        return Forward(_edited.AsSpan(0, n), storeTables: false);
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

    private void EnsureReset()
    {
        if (_blank < 0)
        {
            throw new InvalidOperationException("Call Reset with a log-prob matrix first.");
        }
    }

    private static int MinimumFrames(ReadOnlySpan<int> target)
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

    private void PrepareTarget(ReadOnlySpan<int> target)
    {
        int length = target.Length;
        int width = (2 * length) + 4;
        Grow(ref _rowA, width);
        Grow(ref _rowB, width);
        Grow(ref _labelEmit, length + Vector256<double>.Count);
        Grow(ref _skip, length + 1 + Vector256<double>.Count);
        Span<double> skip = _skip.AsSpan(0, length + 1);
        skip.Clear();
        for (int k = 1; k < length; k++)
        {
            skip[k] = target[k] != target[k - 1] ? 1.0 : 0.0;
        }
    }

    // Split layout of one frame's states for a target of L labels (row width 2L + 4):
    //   [0, L]         B[k]: the blank before label k (B[L] is the final blank); [L + 1] is always 0.
    //   [L + 2]        always 0 (Y[-1]);  [L + 3 + k] Y[k]: label k;  [2L + 3] always 0 (Y[L]).
    // The zero cells let every transition read a valid index.
    private double Forward(ReadOnlySpan<int> target, bool storeTables)
    {
        int frames = _frames, classes = _classes, length = target.Length;
        int width = (2 * length) + 4;
        int y0 = length + 2;
        if (storeTables)
        {
            _hypFinal = 0;
            _width = width;
        }

        if (MinimumFrames(target) > frames)
        {
            return double.NegativeInfinity;
        }

        PrepareTarget(target);
        if (storeTables)
        {
            Grow(ref _alpha, frames * width);
            Grow(ref _factor, frames);
            Grow(ref _alphaExp, frames);
        }

        ReadOnlySpan<double> emit = _emit;
        Span<double> prev = storeTables ? _alpha.AsSpan(0, width) : _rowA.AsSpan(0, width);
        prev.Clear();
        prev[0] = emit[_blank];
        if (length > 0)
        {
            prev[y0 + 1] = emit[target[0]];
        }

        long exponent = 0;
        double max = Math.Max(prev[0], length > 0 ? prev[y0 + 1] : 0);
        if (storeTables)
        {
            _factor[0] = 1;
            _alphaExp[0] = 0;
        }

        for (int t = 1; t < frames; t++)
        {
            if (max == 0)
            {
                return double.NegativeInfinity;
            }

            int e = Math.ILogB(max);
            double f = Math.ScaleB(1.0, -e);
            exponent += e;
            ReadOnlySpan<double> row = emit.Slice(t * classes, classes);
            double pb = row[_blank] * f;
            Span<double> labelEmit = _labelEmit.AsSpan(0, length);
            for (int k = 0; k < length; k++)
            {
                labelEmit[k] = row[target[k]] * f;
            }

            Span<double> cur;
            if (storeTables)
            {
                cur = _alpha.AsSpan(t * width, width);
                _factor[t] = f;
                _alphaExp[t] = (int)exponent;
            }
            else
            {
                cur = ((t & 1) == 1 ? _rowB : _rowA).AsSpan(0, width);
            }

            max = ForwardStep(prev, cur, length, pb, labelEmit, _skip);
            prev = cur;
        }

        double final = prev[length] + prev[y0 + length];
        if (storeTables)
        {
            _hypFinal = final;
        }

        return final > 0 ? Math.Log(final) + (exponent * Ln2) + _offset : double.NegativeInfinity;
    }

    // cur.B[k] = (prev.B[k] + prev.Y[k-1]) * pb;  cur.Y[k] = (prev.Y[k] + prev.B[k] + skip[k] * prev.Y[k-1]) * e[k].
    // Returns the maximum of the new states.
    private static double ForwardStep(ReadOnlySpan<double> prev, Span<double> cur, int length, double pb, ReadOnlySpan<double> labelEmit, ReadOnlySpan<double> skip)
    {
        int y0 = length + 2;
        ref double p = ref MemoryMarshal.GetReference(prev);
        ref double c = ref MemoryMarshal.GetReference(cur);
        ref double le = ref MemoryMarshal.GetReference(labelEmit);
        ref double sk = ref MemoryMarshal.GetReference(skip);
        double max = 0;
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vmax = Vector256<double>.Zero;
            var vpb = Vector256.Create(pb);
            for (; k + 4 <= length + 1; k += 4)
            {
                var b = (Vector256.LoadUnsafe(ref p, (nuint)k) + Vector256.LoadUnsafe(ref p, (nuint)(y0 + k))) * vpb;
                b.StoreUnsafe(ref c, (nuint)k);
                vmax = Vector256.Max(vmax, b);
            }

            for (; k <= length; k++)
            {
                double b = (Unsafe.Add(ref p, k) + Unsafe.Add(ref p, y0 + k)) * pb;
                Unsafe.Add(ref c, k) = b;
                max = Math.Max(max, b);
            }

            int j = 0;
            for (; j + 4 <= length; j += 4)
            {
                var y = (Vector256.LoadUnsafe(ref p, (nuint)(y0 + 1 + j)) + Vector256.LoadUnsafe(ref p, (nuint)j)
                         + (Vector256.LoadUnsafe(ref sk, (nuint)j) * Vector256.LoadUnsafe(ref p, (nuint)(y0 + j))))
                        * Vector256.LoadUnsafe(ref le, (nuint)j);
                y.StoreUnsafe(ref c, (nuint)(y0 + 1 + j));
                vmax = Vector256.Max(vmax, y);
            }

            for (; j < length; j++)
            {
                double y = (Unsafe.Add(ref p, y0 + 1 + j) + Unsafe.Add(ref p, j) + (Unsafe.Add(ref sk, j) * Unsafe.Add(ref p, y0 + j)))
                           * Unsafe.Add(ref le, j);
                Unsafe.Add(ref c, y0 + 1 + j) = y;
                max = Math.Max(max, y);
            }

            max = Math.Max(max, Math.Max(Math.Max(vmax.GetElement(0), vmax.GetElement(1)), Math.Max(vmax.GetElement(2), vmax.GetElement(3))));
        }
        else
        {
            for (; k <= length; k++)
            {
                double b = (Unsafe.Add(ref p, k) + Unsafe.Add(ref p, y0 + k)) * pb;
                Unsafe.Add(ref c, k) = b;
                max = Math.Max(max, b);
            }

            for (int j = 0; j < length; j++)
            {
                double y = (Unsafe.Add(ref p, y0 + 1 + j) + Unsafe.Add(ref p, j) + (Unsafe.Add(ref sk, j) * Unsafe.Add(ref p, y0 + j)))
                           * Unsafe.Add(ref le, j);
                Unsafe.Add(ref c, y0 + 1 + j) = y;
                max = Math.Max(max, y);
            }
        }

        // Cells read as zeros must stay zero: B[L+1], Y[-1] and Y[L].
        Unsafe.Add(ref c, length + 1) = 0;
        Unsafe.Add(ref c, y0) = 0;
        Unsafe.Add(ref c, y0 + length + 1) = 0;
        return max;
    }

    // β in the same split layout: B[k] = pb (B'[k] + Y'[k]);  Y[k] = e[k] (Y'[k] + B'[k+1] + skip[k+1] Y'[k+1]).
    // Stores β̂_t joined to α's scale: β̂_t · 2^(ea[t-1] + eb[t] - ea[T-1]) (ea[-1] = 0). Returns false if out of range.
    private bool Backward(ReadOnlySpan<int> target)
    {
        int frames = _frames, classes = _classes, length = target.Length, width = _width;
        int y0 = length + 2;
        Grow(ref _betaJoined, frames * width);
        Grow(ref _betaExp, frames);
        ReadOnlySpan<double> emit = _emit;
        Span<double> next = _rowA.AsSpan(0, width);
        Span<double> spare = _rowB.AsSpan(0, width);
        next.Clear();
        ReadOnlySpan<double> last = emit.Slice((frames - 1) * classes, classes);
        next[length] = last[_blank];
        if (length > 0)
        {
            next[y0 + length] = last[target[length - 1]];
        }

        long exponent = 0;
        long k0 = _alphaExp[frames - 1];
        if (!StoreJoined(frames - 1, next, exponent, k0))
        {
            return false;
        }

        double max = MaxOf(next);
        for (int t = frames - 2; t >= 0; t--)
        {
            if (max == 0)
            {
                return false;
            }

            int e = Math.ILogB(max);
            double f = Math.ScaleB(1.0, -e);
            exponent += e;
            ReadOnlySpan<double> row = emit.Slice(t * classes, classes);
            double pb = row[_blank] * f;
            Span<double> labelEmit = _labelEmit.AsSpan(0, length);
            for (int k = 0; k < length; k++)
            {
                labelEmit[k] = row[target[k]] * f;
            }

            Span<double> cur = spare;
            spare = next;
            for (int k = 0; k <= length; k++)
            {
                cur[k] = (next[k] + next[y0 + 1 + k]) * pb;
            }

            for (int k = 0; k < length; k++)
            {
                cur[y0 + 1 + k] = (next[y0 + 1 + k] + next[k + 1] + (_skip[k + 1] * next[y0 + 2 + k])) * labelEmit[k];
            }

            cur[length + 1] = 0;
            cur[y0] = 0;
            cur[y0 + length + 1] = 0;
            if (!StoreJoined(t, cur, exponent, k0))
            {
                return false;
            }

            max = MaxOf(cur);
            next = cur;
        }

        return true;
    }

    private bool StoreJoined(int t, ReadOnlySpan<double> betaHat, long betaExponent, long k0)
    {
        long join = (t > 0 ? _alphaExp[t - 1] : 0) + betaExponent - k0;
        if (join > MaxJoinExponent || join < -MaxJoinExponent)
        {
            return false;
        }

        _betaExp[t] = (int)betaExponent;
        TensorPrimitives.Multiply(betaHat, Math.ScaleB(1.0, (int)join), _betaJoined.AsSpan(t * _width, _width));
        return true;
    }

    private static double MaxOf(ReadOnlySpan<double> values) => TensorPrimitives.Max(values);

    // The spliced likelihood of the edited hypothesis divided by 2^ea[T-1] (the hypothesis' final scale).
    private double Splice(LabelEdit edit)
    {
        int length = _hypLength, width = _width, frames = _frames, classes = _classes;
        int y0 = length + 2;
        ReadOnlySpan<int> hyp = _hyp.AsSpan(0, length);
        ReadOnlySpan<double> alpha = _alpha;
        ReadOnlySpan<double> beta = _betaJoined;
        int j = edit.Position;
        if (edit.Kind == EditKind.Delete)
        {
            // The blank between y[j-1] and y[j+1] has α of y's blank 2j and β of y's blank 2j+2.
            int outB = j + 1, outY = y0 + j + 2;
            if (j == 0)
            {
                return beta[outB] + beta[outY];
            }

            double m = j + 1 < length && hyp[j - 1] != hyp[j + 1] ? 1.0 : 0.0;
            int prevLabel = y0 + j; // Y[j-1]
            double sum = 0;
            for (int t = 0; t < frames - 1; t++)
            {
                int next = (t + 1) * width;
                sum += alpha[(t * width) + prevLabel] * (beta[next + outB] + (m * beta[next + outY]));
            }

            if (j == length - 1)
            {
                sum += alpha[((frames - 1) * width) + prevLabel];
            }

            return sum;
        }

        int z = edit.Label;
        bool substitute = edit.Kind == EditKind.Substitute;
        int nextIndex = substitute ? j + 1 : j; // the label after the new one
        int outBlank = nextIndex; // B[...] index of the blank after the new label
        int outLabel = y0 + 1 + nextIndex; // Y[nextIndex] (zero cell when nextIndex == L)
        double mIn = j > 0 && hyp[j - 1] != z ? 1.0 : 0.0;
        double mOut = nextIndex < length && hyp[nextIndex] != z ? 1.0 : 0.0;
        bool isLast = nextIndex == length;
        int inB = j, inY = y0 + j; // B[j] (blank before position j), Y[j-1]
        ReadOnlySpan<double> emit = _emit;
        ReadOnlySpan<double> factor = _factor;
        double a = j == 0 ? emit[z] : 0.0; // factor[0] == 1
        double total = 0;
        for (int t = 1; t < frames; t++)
        {
            int row = t * width;
            total += a * (beta[row + outBlank] + (mOut * beta[row + outLabel]));
            int prevRow = row - width;
            a = emit[(t * classes) + z] * factor[t] * (a + alpha[prevRow + inB] + (mIn * alpha[prevRow + inY]));
        }

        if (isLast)
        {
            total += a;
        }

        return total;
    }

    private static void Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            array = new T[Math.Max(length, array.Length * 2)];
        }
    }
}
