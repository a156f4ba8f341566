using System.Collections.Immutable;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Nko.Ctc.Internal;

namespace Nko.Ctc;

/// <summary>Greedy (best-path) CTC decoding: argmax per frame, collapse repeats, drop blanks.</summary>
/// <remarks>
/// Ties between classes go to the lowest class id, exactly as <see cref="TensorPrimitives.IndexOfMax{T}(ReadOnlySpan{T})"/>
/// (including its rules for NaN and signed zeros), so decoding is deterministic and the same at every SIMD width.
/// </remarks>
public static class GreedyDecoder
{
    /// <summary>Decodes <paramref name="logProbs"/> and returns labels, frame spans and the best-path score.</summary>
    public static GreedyResult Decode(LogProbMatrix logProbs, int blankIndex)
    {
        int[] labels = new int[logProbs.Frames];
        var spans = new LabelSpan[logProbs.Frames];
        int n = Decode(logProbs, blankIndex, labels, spans, out double score);
        return new GreedyResult(
            ImmutableArray.Create(labels, 0, n),
            ImmutableArray.Create(spans, 0, n),
            score);
    }

    /// <summary>Decodes without allocating; <paramref name="labels"/> and <paramref name="spans"/> need room for T entries (spans may be empty to skip them).</summary>
    /// <returns>The number of labels written.</returns>
    public static int Decode(LogProbMatrix logProbs, int blankIndex, Span<int> labels, Span<LabelSpan> spans, out double score) =>
        Decode(logProbs, blankIndex, labels, spans, out score, SimdWidth.Auto);

    /// <summary>As the public overload, pinned to one kernel width (tests compare the widths).</summary>
    internal static int Decode(LogProbMatrix logProbs, int blankIndex, Span<int> labels, Span<LabelSpan> spans, out double score, SimdWidth width)
    {
        if (logProbs.IsEmpty)
        {
            throw new ArgumentException("The log-prob matrix is default (empty).", nameof(logProbs));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(blankIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(blankIndex, logProbs.Classes);
        bool wantSpans = !spans.IsEmpty;
        if (labels.Length < logProbs.Frames || (wantSpans && spans.Length < logProbs.Frames))
        {
            throw new ArgumentException($"Destinations need room for {logProbs.Frames} entries (one per frame).");
        }

        int classes = logProbs.Classes;
        SimdWidth resolved = SimdWidths.Resolve(width);
        if (resolved >= SimdWidth.Vector256 && classes >= Vector256<float>.Count)
        {
            return Decode<ArgMax256>(logProbs, blankIndex, labels, spans, out score);
        }

        if (resolved >= SimdWidth.Vector128 && classes >= Vector128<float>.Count)
        {
            return Decode<ArgMax128>(logProbs, blankIndex, labels, spans, out score);
        }

        return Decode<ArgMaxScalar>(logProbs, blankIndex, labels, spans, out score);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Decode<TArgMax>(LogProbMatrix logProbs, int blankIndex, Span<int> labels, Span<LabelSpan> spans, out double score)
        where TArgMax : struct, IArgMax
    {
        ReadOnlySpan<float> data = logProbs.Span;
        ref float row = ref MemoryMarshal.GetReference(data);
        int classes = logProbs.Classes, frames = logProbs.Frames;
        bool wantSpans = !spans.IsEmpty;
        int n = 0;
        int previous = -1;
        double sum = 0;
        for (int t = 0; t < frames; t++, row = ref Unsafe.Add(ref row, classes))
        {
            int best = TArgMax.IndexOfMax(ref row, classes);
            sum += Unsafe.Add(ref row, best);
            if (best != previous && best != blankIndex)
            {
                labels[n] = best;
                if (wantSpans)
                {
                    spans[n] = new LabelSpan(t, t + 1);
                }

                n++;
            }
            else if (best == previous && best != blankIndex && wantSpans)
            {
                spans[n - 1] = new LabelSpan(spans[n - 1].Start, t + 1);
            }

            previous = best;
        }

        score = sum;
        return n;
    }

    // The index of the maximum of a row whose maximum is a zero: +0 counts above −0, so the first +0 if there is one,
    // else the first −0.
    private static int FirstZero(ref float row, int length)
    {
        int positive = FirstEqualBits(ref row, length, 0);
        return positive >= 0 ? positive : FirstEqualBits(ref row, length, unchecked((int)0x80000000));
    }

    // The first index whose bits are `bits`, or -1.
    private static int FirstEqualBits(ref float row, int length, int bits)
    {
        for (int i = 0; i < length; i++)
        {
            if (BitConverter.SingleToInt32Bits(Unsafe.Add(ref row, i)) == bits)
            {
                return i;
            }
        }

        return -1;
    }

    private interface IArgMax
    {
        /// <summary>The index <see cref="TensorPrimitives.IndexOfMax{T}(ReadOnlySpan{T})"/> returns for the row.</summary>
        static abstract int IndexOfMax(ref float row, int length);
    }

    // Plain loop with IndexOfMax's rules: the first NaN wins; otherwise the first maximum, +0 counting above −0.
    private readonly struct ArgMaxScalar : IArgMax
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int IndexOfMax(ref float row, int length)
        {
            int best = 0;
            float value = row;
            if (float.IsNaN(value))
            {
                return 0;
            }

            for (int i = 1; i < length; i++)
            {
                float v = Unsafe.Add(ref row, i);
                if (float.IsNaN(v))
                {
                    return i;
                }

                if (v > value || (v == value && v == 0 && float.IsNegative(value) && !float.IsNegative(v)))
                {
                    best = i;
                    value = v;
                }
            }

            return best;
        }
    }

    // Vector maximum (the last vector overlaps the previous one), then the first lane equal to it. Rows holding a NaN,
    // or whose maximum is a zero (where +0 and −0 differ), take the scalar rules.
    private readonly struct ArgMax128 : IArgMax
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int IndexOfMax(ref float row, int length)
        {
            int count = Vector128<float>.Count;
            Vector128<float> max = Vector128.LoadUnsafe(ref row);
            Vector128<float> ordered = Vector128.Equals(max, max);
            int i = count;
            for (; i <= length - count; i += count)
            {
                Vector128<float> v = Vector128.LoadUnsafe(ref row, (nuint)i);
                max = Vector128.MaxNative(max, v);
                ordered &= Vector128.Equals(v, v);
            }

            if (i < length)
            {
                Vector128<float> v = Vector128.LoadUnsafe(ref row, (nuint)(length - count));
                max = Vector128.MaxNative(max, v);
                ordered &= Vector128.Equals(v, v);
            }

            max = Vector128.MaxNative(max, Vector128.Shuffle(max, Vector128.Create(2, 3, 0, 1)));
            max = Vector128.MaxNative(max, Vector128.Shuffle(max, Vector128.Create(1, 0, 3, 2)));
            float m = max.ToScalar();
            if (ordered.AsInt32() != Vector128<int>.AllBitsSet)
            {
                return ArgMaxScalar.IndexOfMax(ref row, length);
            }

            if (m == 0)
            {
                return FirstZero(ref row, length);
            }

            for (i = 0; i <= length - count; i += count)
            {
                uint hits = Vector128.Equals(Vector128.LoadUnsafe(ref row, (nuint)i), max).ExtractMostSignificantBits();
                if (hits != 0)
                {
                    return i + BitOperations.TrailingZeroCount(hits);
                }
            }

            uint tail = Vector128.Equals(Vector128.LoadUnsafe(ref row, (nuint)(length - count)), max).ExtractMostSignificantBits();
            return length - count + BitOperations.TrailingZeroCount(tail);
        }
    }

    private readonly struct ArgMax256 : IArgMax
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int IndexOfMax(ref float row, int length)
        {
            int count = Vector256<float>.Count;
            Vector256<float> max = Vector256.LoadUnsafe(ref row);
            Vector256<float> ordered = Vector256.Equals(max, max);
            int i = count;
            for (; i <= length - count; i += count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref row, (nuint)i);
                max = Vector256.MaxNative(max, v);
                ordered &= Vector256.Equals(v, v);
            }

            if (i < length)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref row, (nuint)(length - count));
                max = Vector256.MaxNative(max, v);
                ordered &= Vector256.Equals(v, v);
            }

            Vector128<float> half = Vector128.MaxNative(max.GetLower(), max.GetUpper());
            half = Vector128.MaxNative(half, Vector128.Shuffle(half, Vector128.Create(2, 3, 0, 1)));
            half = Vector128.MaxNative(half, Vector128.Shuffle(half, Vector128.Create(1, 0, 3, 2)));
            float m = half.ToScalar();
            if (ordered.AsInt32() != Vector256<int>.AllBitsSet)
            {
                return ArgMaxScalar.IndexOfMax(ref row, length);
            }

            if (m == 0)
            {
                return FirstZero(ref row, length);
            }

            Vector256<float> target = Vector256.Create(m);
            for (i = 0; i <= length - count; i += count)
            {
                uint hits = Vector256.Equals(Vector256.LoadUnsafe(ref row, (nuint)i), target).ExtractMostSignificantBits();
                if (hits != 0)
                {
                    return i + BitOperations.TrailingZeroCount(hits);
                }
            }

            uint tail = Vector256.Equals(Vector256.LoadUnsafe(ref row, (nuint)(length - count)), target).ExtractMostSignificantBits();
            return length - count + BitOperations.TrailingZeroCount(tail);
        }
    }
}
