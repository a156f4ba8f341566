using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nko.Ctc.Internal.Scoring;

/// <summary>
/// The constants and small exact helpers every part of the scorer shares: buffer geometry, the power-of-two scaling of
/// the recursions, the checks that paths may have been lost, block loads and stores, and array growth.
/// </summary>
internal static class ScoringMath
{
    internal const int MaxJoinExponent = 960;
    internal const int MaxScaleExponent = 1022; // |e| ≤ 1022: the scale factor 2^-e is a normal number
    internal const double LossGuard = 7.458340731200207E-155; // 2^-512 (see MayHaveLostPaths)
    internal const double MinShiftedLogProb = -700; // exp(-708.4) is the smallest normal double
    internal const int Pad = 8; // slots before frame 0 in every emission stream; keeps frame 0 64-byte aligned
    internal const int Block = 8; // rows and streams are padded to multiples of the widest lane count
    internal const int Chunk = 4; // frames per recursion call (label emissions are transposed chunk by chunk)
    internal const int Slots = 7; // ring slot mask: eight rows
    internal const int All = -1; // row mask that keeps every frame
    internal static readonly double Ln2 = Math.Log(2.0);

    // Doubles per emission stream: Pad + T rounded up + one spare block, as an odd number of 64-byte lines, so that the
    // streams read side by side spread over every cache set instead of aliasing onto a few.
    internal static int StreamStride(int frames)
    {
        int lines = ((Pad + RoundUp(frames, Block) + Block) + 7) / 8;
        return 8 * (lines | 1);
    }

    internal static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    internal static long RoundUp(long value, int multiple) => (value + multiple - 1) / multiple * multiple;

    internal static int Cells(long cells, int frames, int length, string what) =>
        cells <= AlignedDoubles.MaxLength
            ? (int)cells
            : throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"Scoring {length} labels on {frames} frames needs {cells} doubles of {what}, more than one array holds ({AlignedDoubles.MaxLength}); split the utterance into shorter windows."));

    internal static ref T At<T>(T[] array) => ref MemoryMarshal.GetArrayDataReference(array);

    // prefix[j] = frames needed to emit target[0..j), suffix[b] = frames needed to emit target[b..L).
    internal static void MinimumFrames(ReadOnlySpan<int> target, Span<int> prefix, Span<int> suffix)
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

    // ILogB(max) (max > 0 and finite) clamped so that 2^-e and 2^e are normal numbers.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ScaleExponent(double max)
    {
        int biased = (int)(BitConverter.DoubleToInt64Bits(max) >>> 52);
        int e = biased != 0 ? biased - 1023 : Math.ILogB(max);
        return Math.Clamp(e, -MaxScaleExponent, MaxScaleExponent);
    }

    // 2^e for e in [-1022, 1023].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Pow2(int e) => BitConverter.Int64BitsToDouble((long)(e + 1023) << 52);

    // Whether the finishing states trail the last frame's best state so far that paths of the target may have been
    // flushed to zero on the way (states more than ~700 nats below their frame's best are lost; the finishing ones
    // only fall that far behind when states that cannot finish dominate, as for targets nearly as long as the
    // matrix). The caller then treats the result as lost and the exact fallback decides.
    internal static bool MayHaveLostPaths(double final, double lastMax) => final < lastMax * LossGuard;

    // Forward and backward totals of the same paths agree to rounding (a few ulp per frame) unless states were lost.
    internal static bool Agree(double forward, double backward) => Math.Abs(forward - backward) <= 1e-9 * forward;

    internal static int MinimumFramesOf(ReadOnlySpan<int> target)
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

    // Whether the first Chunk - 1 maxima give scale exponent 0 (so the chunk's frames were computed with f = 1 as they
    // should be) and the last is non-zero.
    internal static bool NeedNoScaling(ReadOnlySpan<double> maxima)
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

    // Loads N frames from each of the first N emission streams (offsets o_i, frame t) transposed: r_i holds frame t + i
    // of every stream (lane i = stream i).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void LoadBlock<TL>(ref double src, nint o0, nint o1, nint o2, nint o3, nint t, out TL r0, out TL r1, out TL r2, out TL r3)
        where TL : struct, ILanes<TL> =>
        TL.LoadTransposed(ref src, o0 + t, o1 + t, o2 + t, o3 + t, out r0, out r1, out r2, out r3);

    // Stores the first N vectors at dst + at + i·stride.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreColumns<TL>(ref double dst, nint at, int stride, TL c0, TL c1, TL c2, TL c3)
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

    internal static void Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            array = new T[Math.Clamp(2L * array.Length, length, Math.Max(length, Array.MaxLength))];
        }
    }
}
