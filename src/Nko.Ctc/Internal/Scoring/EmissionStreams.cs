using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Nko.Ctc.Internal.Scoring.ScoringMath;

namespace Nko.Ctc.Internal.Scoring;

/// <summary>
/// The loaded matrix as emission streams exp(logp − the frame's best log-prob), class-major and 64-byte aligned, each
/// class exponentiated the first time a target or an edit uses it.
/// </summary>
internal sealed class EmissionStreams
{
    // Emissions exp(logp - rowMax), class-major: class c, frame t at [c * _stride + Pad + t]; zero outside [0, T).
    // Row C is all zeros (padding lanes and labels read it).
    private readonly AlignedDoubles _emit = new();
    private float[] _rowMax = [];
    private bool[] _exponentiated = []; // [c]: class c's stream holds emissions (else still logp - rowMax); see Ensure
    private bool[] _lossy = []; // [c]: some finite emission of class c underflows exp (set by Ensure)
    private double _offset;
    private int _frames;
    private int _classes;
    private int _blank = -1;
    private LogProbMatrix _matrix; // kept for the exact log-space fallback
    private int _stride;

    /// <summary>The streams (class c, frame t at [c · <see cref="Stride"/> + Pad + t]).</summary>
    public AlignedDoubles Emit => _emit;

    /// <summary>The first stream's first cell.</summary>
    public ref double Start => ref _emit.Start;

    /// <summary>The blank's stream at frame 0.</summary>
    public ref double BlankStream => ref Unsafe.Add(ref _emit.Start, (_blank * _stride) + Pad);

    /// <summary>The sum of the frames' shifts, added back to every log-likelihood.</summary>
    public double Offset => _offset;

    public int Frames => _frames;

    public int Classes => _classes;

    /// <summary>The blank class, −1 until a matrix is loaded.</summary>
    public int Blank => _blank;

    public LogProbMatrix Matrix => _matrix;

    /// <summary>Doubles per stream.</summary>
    public int Stride => _stride;

    /// <summary>Forgets the matrix (a failed load leaves the streams unusable, so the scorer asks for a reset again).</summary>
    public void Unload() => _blank = -1;

    /// <summary>Loads the matrix: shifted log-probs of every class, the blank's stream exponentiated.</summary>
    public void Load<TL, TS>(LogProbMatrix logProbs, int blankIndex)
        where TL : struct, ILanes<TL>
        where TS : struct, ILanes<TS>
    {
        _blank = -1;
        Exponentiate<TL>(logProbs);
        _blank = blankIndex;
        _matrix = logProbs;
        Ensure<TS>(blankIndex);
    }

    /// <summary>Whether some finite emission of class <paramref name="c"/> underflowed exp (known once it is exponentiated).</summary>
    public bool IsLossy(int c) => _lossy[c];

    // Exponentiates class c's stream (in place, once per matrix) if no earlier target or edit needed it.
    public void Ensure<TS>(int c)
        where TS : struct, ILanes<TS>
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
        DeterministicExp.ExpInPlace<TS>(ref stream, _stride);

        _exponentiated[c] = true;
    }

    /// <summary>The CTC log-likelihood of <paramref name="target"/>; −∞ when it cannot be aligned in T frames.</summary>

    // Whether the blank or a label of the target has emissions that underflowed exp (see Ensure); the streams
    // of the target's classes are exponentiated by the time this is asked.
    public bool Lossy(ReadOnlySpan<int> target)
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

        // Streams are exponentiated on first use (Ensure): a hypothesis and its candidates touch only some of the
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
}
