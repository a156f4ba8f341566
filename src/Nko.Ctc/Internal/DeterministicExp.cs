using System.Runtime.CompilerServices;

namespace Nko.Ctc.Internal;

/// <summary>
/// exp(x) for x ≤ 0 (including −∞) with the same operations, in the same order, at every SIMD width: the
/// emissions, and so every likelihood, are bit-identical across machines and instruction sets (unlike
/// <c>TensorPrimitives.Exp</c>, whose last bit depends on FMA support and vector width).
/// </summary>
/// <remarks>
/// Cody–Waite reduction x = n·ln2 + r with |r| ≤ ln2/2 (two-part ln2), then e^r = 1 + r + r²·q(r) with q a degree-9
/// near-minimax (Chebyshev) fit of (e^r − 1 − r)/r² (approximation error below 2.1e-17 relative), evaluated by Horner
/// with separate multiplies and adds, and 2^n built from the exponent bits. Results are within a few ulp of the
/// correctly rounded value; subnormal results are rounded once; x below about −745 (and −∞) gives 0.
/// </remarks>
internal static class DeterministicExp
{
    private const double Log2E = 1.4426950408889634;
    private const double Ln2Hi = 6.93147180369123816490e-01; // 32 significant bits: n·Ln2Hi is exact for |n| < 2^21
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double FastLimit = -708.0; // at and above: 2^n is a normal number
    private const double Floor = -1100.0; // below: the result is 0 anyway
    private const double MinExponent = -1020.0;
    private const double C9 = 2.510135443993923e-08;
    private const double C8 = 2.762134843705726e-07;
    private const double C7 = 2.7557266402504823e-06;
    private const double C6 = 2.480151862045023e-05;
    private const double C5 = 0.00019841269864391087;
    private const double C4 = 0.0013888888918952918;
    private const double C3 = 0.008333333333329791;
    private const double C2 = 0.04166666666662061;
    private const double C1 = 0.16666666666666669;
    private const double C0 = 0.5000000000000001;

    /// <summary>Replaces each of the <paramref name="length"/> values (a multiple of N) at <paramref name="x"/> with its exponential.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ExpInPlace<TL>(ref double x, nint length)
        where TL : struct, ILanes<TL>
    {
        for (nint i = 0; i < length; i += TL.Count)
        {
            TL.Store(Exp(TL.Load(ref x, i)), ref x, i);
        }
    }

    /// <summary>exp of every lane of <paramref name="x"/> (each ≤ 0 or −∞).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL Exp<TL>(TL x)
        where TL : struct, ILanes<TL>
    {
        if (TL.AnyLessThan(x, FastLimit))
        {
            return ExpSmall(x);
        }

        TL k = (x * TL.Broadcast(Log2E)) + TL.Broadcast(Pow2.RoundingMagic);
        TL n = k - TL.Broadcast(Pow2.RoundingMagic);
        return Reduced(x, n) * TL.Pow2FromRounded(k);
    }

    // Lanes below FastLimit: 2^n is applied in two exact steps so that a subnormal result is rounded once. Lanes at or
    // above FastLimit give exactly the fast path's value (there the second factor is 1, or 1/2 applied to a normal).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static TL ExpSmall<TL>(TL x)
        where TL : struct, ILanes<TL>
    {
        TL magic = TL.Broadcast(Pow2.RoundingMagic);
        x = TL.MaxOrdered(x, TL.Broadcast(Floor));
        TL k = (x * TL.Broadcast(Log2E)) + magic;
        TL n = k - magic;
        TL p = Reduced(x, n);
        TL n1 = TL.MaxOrdered(n, TL.Broadcast(MinExponent));
        TL n2 = n - n1;
        return p * TL.Pow2FromRounded(n1 + magic) * TL.Pow2FromRounded(n2 + magic);
    }

    // e^r for r = x − n·ln2.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TL Reduced<TL>(TL x, TL n)
        where TL : struct, ILanes<TL>
    {
        TL r = (x - (n * TL.Broadcast(Ln2Hi))) - (n * TL.Broadcast(Ln2Lo));
        TL q = (TL.Broadcast(C9) * r) + TL.Broadcast(C8);
        q = (q * r) + TL.Broadcast(C7);
        q = (q * r) + TL.Broadcast(C6);
        q = (q * r) + TL.Broadcast(C5);
        q = (q * r) + TL.Broadcast(C4);
        q = (q * r) + TL.Broadcast(C3);
        q = (q * r) + TL.Broadcast(C2);
        q = (q * r) + TL.Broadcast(C1);
        q = (q * r) + TL.Broadcast(C0);
        return TL.Broadcast(1.0) + (r + ((r * r) * q));
    }
}
