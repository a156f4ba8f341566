using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nko.Audio.Spectral;

/// <summary>
/// A forward complex FFT of any size whose prime factors are at most <see cref="MaxRadix"/>, run on
/// <see cref="IDoubleLanes{TSelf}.Count"/> independent signals at once (4 with <see cref="VectorLanes"/> on AVX2, 8 with
/// <see cref="Vector512Lanes"/>) (one per vector lane, so the arithmetic is SIMD without
/// shuffles). Mixed-radix Stockham auto-sort, decimation in frequency, with radix-4, 2, 5 and 3 butterflies written out and
/// a generic one for larger primes; twiddles are precomputed in double. Unnormalised: <c>X[k] = Σ x[n]·e^(−2πikn/N)</c>.
/// </summary>
/// <remarks>Immutable after construction: one instance may be shared by threads that each bring their own buffers.</remarks>
internal sealed class BatchFft
{
    /// <summary>The largest prime factor supported.</summary>
    public const int MaxRadix = 31;

    private readonly int[] _radix;
    private readonly double[][] _twiddleRe;
    private readonly double[][] _twiddleIm;

    public BatchFft(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        Size = size;
        var factors = new List<int>();
        int rest = size;
        while (rest % 4 == 0)
        {
            factors.Add(4);
            rest /= 4;
        }

        for (int p = 2; rest > 1; p++)
        {
            while (rest % p == 0)
            {
                if (p > MaxRadix)
                {
                    throw new ArgumentException($"FFT size {size} has the prime factor {p}; at most {MaxRadix} is supported.", nameof(size));
                }

                factors.Add(p);
                rest /= p;
            }
        }

        _radix = [.. factors];
        _twiddleRe = new double[_radix.Length][];
        _twiddleIm = new double[_radix.Length][];
        int n = size;
        for (int stage = 0; stage < _radix.Length; stage++)
        {
            int r = _radix[stage];
            int m = n / r;
            double[] re = new double[m * r];
            double[] im = new double[m * r];
            for (int p = 0; p < m; p++)
            {
                for (int k = 0; k < r; k++)
                {
                    // ω_n^(p·k), the angle reduced exactly in integers first.
                    double angle = -2.0 * Math.PI * ((long)p * k % n) / n;
                    re[(p * r) + k] = Math.Cos(angle);
                    im[(p * r) + k] = Math.Sin(angle);
                }
            }

            _twiddleRe[stage] = re;
            _twiddleIm[stage] = im;
            n = m;
        }
    }

    /// <summary>The transform length.</summary>
    public int Size { get; }

    /// <summary>
    /// Transforms <paramref name="re"/>/<paramref name="im"/> (each <see cref="Size"/> vectors, element <c>n</c> of every
    /// lane's signal at index <c>n</c>) in place, using <paramref name="workRe"/>/<paramref name="workIm"/> (same size) as
    /// scratch.
    /// </summary>
    public void Forward(Span<Vector<double>> re, Span<Vector<double>> im, Span<Vector<double>> workRe, Span<Vector<double>> workIm) =>
        Forward(
            MemoryMarshal.Cast<Vector<double>, VectorLanes>(re),
            MemoryMarshal.Cast<Vector<double>, VectorLanes>(im),
            MemoryMarshal.Cast<Vector<double>, VectorLanes>(workRe),
            MemoryMarshal.Cast<Vector<double>, VectorLanes>(workIm));

    /// <summary>As <see cref="Forward(Span{Vector{double}}, Span{Vector{double}}, Span{Vector{double}}, Span{Vector{double}})"/>, on vectors of any width.</summary>
    public void Forward<T>(Span<T> re, Span<T> im, Span<T> workRe, Span<T> workIm)
        where T : unmanaged, IDoubleLanes<T>
    {
        int size = Size;
        if (re.Length < size || im.Length < size || workRe.Length < size || workIm.Length < size)
        {
            throw new ArgumentException($"The FFT of size {size} needs buffers of at least {size} vectors.");
        }

        Span<T> xRe = re[..size], xIm = im[..size], yRe = workRe[..size], yIm = workIm[..size];
        int n = size;
        int s = 1;
        for (int stage = 0; stage < _radix.Length; stage++)
        {
            int r = _radix[stage];
            int m = n / r;
            switch (r)
            {
                case 4:
                    Radix4(xRe, xIm, yRe, yIm, m, s, _twiddleRe[stage], _twiddleIm[stage]);
                    break;
                case 2:
                    Radix2(xRe, xIm, yRe, yIm, m, s, _twiddleRe[stage], _twiddleIm[stage]);
                    break;
                case 5:
                    Radix5(xRe, xIm, yRe, yIm, m, s, _twiddleRe[stage], _twiddleIm[stage]);
                    break;
                default:
                    RadixGeneric(r, xRe, xIm, yRe, yIm, m, s, _twiddleRe[stage], _twiddleIm[stage]);
                    break;
            }

            Span<T> t = xRe;
            xRe = yRe;
            yRe = t;
            t = xIm;
            xIm = yIm;
            yIm = t;
            n = m;
            s *= r;
        }

        if (_radix.Length % 2 == 1)
        {
            xRe.CopyTo(re);
            xIm.CopyTo(im);
        }
    }

    private static void Radix2<T>(Span<T> xRe, Span<T> xIm, Span<T> yRe, Span<T> yIm, int m, int s, double[] twRe, double[] twIm)
        where T : unmanaged, IDoubleLanes<T>
    {
        for (int p = 0; p < m; p++)
        {
            bool unit = p == 0;
            T wr = T.Create(twRe[(p * 2) + 1]), wi = T.Create(twIm[(p * 2) + 1]), wn = T.Create(-twIm[(p * 2) + 1]);
            for (int q = 0; q < s; q++)
            {
                int i0 = q + (s * p), i1 = i0 + (s * m);
                T ar = xRe[i0], ai = xIm[i0], br = xRe[i1], bi = xIm[i1];
                int o = q + (s * 2 * p);
                yRe[o] = ar + br;
                yIm[o] = ai + bi;
                Twiddle(yRe, yIm, o + s, ar - br, ai - bi, wr, wi, wn, unit);
            }
        }
    }

    private static void Radix4<T>(Span<T> xRe, Span<T> xIm, Span<T> yRe, Span<T> yIm, int m, int s, double[] twRe, double[] twIm)
        where T : unmanaged, IDoubleLanes<T>
    {
        int sm = s * m;
        for (int p = 0; p < m; p++)
        {
            int t = p * 4;
            bool unit = p == 0;
            T w1r = T.Create(twRe[t + 1]), w1i = T.Create(twIm[t + 1]), w1n = T.Create(-twIm[t + 1]);
            T w2r = T.Create(twRe[t + 2]), w2i = T.Create(twIm[t + 2]), w2n = T.Create(-twIm[t + 2]);
            T w3r = T.Create(twRe[t + 3]), w3i = T.Create(twIm[t + 3]), w3n = T.Create(-twIm[t + 3]);
            for (int q = 0; q < s; q++)
            {
                int i0 = q + (s * p);
                T a0r = xRe[i0], a0i = xIm[i0];
                T a1r = xRe[i0 + sm], a1i = xIm[i0 + sm];
                T a2r = xRe[i0 + (2 * sm)], a2i = xIm[i0 + (2 * sm)];
                T a3r = xRe[i0 + (3 * sm)], a3i = xIm[i0 + (3 * sm)];
                T t0r = a0r + a2r, t0i = a0i + a2i;
                T t1r = a0r - a2r, t1i = a0i - a2i;
                T t2r = a1r + a3r, t2i = a1i + a3i;

                // (a1 − a3)·(−i)
                T t3r = a1i - a3i, t3i = a3r - a1r;
                int o = q + (s * 4 * p);
                yRe[o] = t0r + t2r;
                yIm[o] = t0i + t2i;
                Twiddle(yRe, yIm, o + s, t1r + t3r, t1i + t3i, w1r, w1i, w1n, unit);
                Twiddle(yRe, yIm, o + (2 * s), t0r - t2r, t0i - t2i, w2r, w2i, w2n, unit);
                Twiddle(yRe, yIm, o + (3 * s), t1r - t3r, t1i - t3i, w3r, w3i, w3n, unit);
            }
        }
    }

    private static void Radix5<T>(Span<T> xRe, Span<T> xIm, Span<T> yRe, Span<T> yIm, int m, int s, double[] twRe, double[] twIm)
        where T : unmanaged, IDoubleLanes<T>
    {
        T c1 = T.Create(Math.Cos(2 * Math.PI / 5));
        T c2 = T.Create(Math.Cos(4 * Math.PI / 5));
        T s1 = T.Create(Math.Sin(2 * Math.PI / 5));
        T s2 = T.Create(Math.Sin(4 * Math.PI / 5));
        T ns1 = T.Create(-Math.Sin(2 * Math.PI / 5));
        int sm = s * m;
        for (int p = 0; p < m; p++)
        {
            int t = p * 5;
            bool unit = p == 0;
            T w1r = T.Create(twRe[t + 1]), w1i = T.Create(twIm[t + 1]), w1n = T.Create(-twIm[t + 1]);
            T w2r = T.Create(twRe[t + 2]), w2i = T.Create(twIm[t + 2]), w2n = T.Create(-twIm[t + 2]);
            T w3r = T.Create(twRe[t + 3]), w3i = T.Create(twIm[t + 3]), w3n = T.Create(-twIm[t + 3]);
            T w4r = T.Create(twRe[t + 4]), w4i = T.Create(twIm[t + 4]), w4n = T.Create(-twIm[t + 4]);
            for (int q = 0; q < s; q++)
            {
                int i0 = q + (s * p);
                T a0r = xRe[i0], a0i = xIm[i0];
                T a1r = xRe[i0 + sm], a1i = xIm[i0 + sm];
                T a2r = xRe[i0 + (2 * sm)], a2i = xIm[i0 + (2 * sm)];
                T a3r = xRe[i0 + (3 * sm)], a3i = xIm[i0 + (3 * sm)];
                T a4r = xRe[i0 + (4 * sm)], a4i = xIm[i0 + (4 * sm)];
                T b1r = a1r + a4r, b1i = a1i + a4i, d1r = a1r - a4r, d1i = a1i - a4i;
                T b2r = a2r + a3r, b2i = a2i + a3i, d2r = a2r - a3r, d2i = a2i - a3i;

                // t1 = a0 + c1·b1 + c2·b2, t2 = a0 + c2·b1 + c1·b2, u1 = s1·d1 + s2·d2, u2 = s2·d1 − s1·d2.
                T t1r = T.MultiplyAdd(c2, b2r, T.MultiplyAdd(c1, b1r, a0r)), t1i = T.MultiplyAdd(c2, b2i, T.MultiplyAdd(c1, b1i, a0i));
                T t2r = T.MultiplyAdd(c1, b2r, T.MultiplyAdd(c2, b1r, a0r)), t2i = T.MultiplyAdd(c1, b2i, T.MultiplyAdd(c2, b1i, a0i));
                T u1r = T.MultiplyAdd(s2, d2r, s1 * d1r), u1i = T.MultiplyAdd(s2, d2i, s1 * d1i);
                T u2r = T.MultiplyAdd(ns1, d2r, s2 * d1r), u2i = T.MultiplyAdd(ns1, d2i, s2 * d1i);
                int o = q + (s * 5 * p);
                yRe[o] = a0r + b1r + b2r;
                yIm[o] = a0i + b1i + b2i;

                // y1 = t1 − i·u1, y4 = t1 + i·u1, y2 = t2 − i·u2, y3 = t2 + i·u2; then the twiddles.
                Twiddle(yRe, yIm, o + s, t1r + u1i, t1i - u1r, w1r, w1i, w1n, unit);
                Twiddle(yRe, yIm, o + (2 * s), t2r + u2i, t2i - u2r, w2r, w2i, w2n, unit);
                Twiddle(yRe, yIm, o + (3 * s), t2r - u2i, t2i + u2r, w3r, w3i, w3n, unit);
                Twiddle(yRe, yIm, o + (4 * s), t1r - u1i, t1i + u1r, w4r, w4i, w4n, unit);
            }
        }
    }

    /// <summary><c>y[o] = v·w</c>; <paramref name="unit"/> when <c>w</c> is exactly 1 (the twiddles of <c>p = 0</c>), skipping the product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Twiddle<T>(Span<T> yRe, Span<T> yIm, int o, T vr, T vi, T wr, T wi, T negativeWi, bool unit)
        where T : unmanaged, IDoubleLanes<T>
    {
        if (unit)
        {
            yRe[o] = vr;
            yIm[o] = vi;
            return;
        }

        yRe[o] = T.MultiplyAdd(vi, negativeWi, vr * wr);
        yIm[o] = T.MultiplyAdd(vi, wr, vr * wi);
    }

    private static void Twiddle<T>(Span<T> yRe, Span<T> yIm, int o, T vr, T vi, double wr, double wi)
        where T : unmanaged, IDoubleLanes<T>
    {
        yRe[o] = (vr * wr) - (vi * wi);
        yIm[o] = (vr * wi) + (vi * wr);
    }

    private static void RadixGeneric<T>(int r, Span<T> xRe, Span<T> xIm, Span<T> yRe, Span<T> yIm, int m, int s, double[] twRe, double[] twIm)
        where T : unmanaged, IDoubleLanes<T>
    {
        Span<double> rootRe = stackalloc double[r];
        Span<double> rootIm = stackalloc double[r];
        for (int j = 0; j < r; j++)
        {
            rootRe[j] = Math.Cos(-2.0 * Math.PI * j / r);
            rootIm[j] = Math.Sin(-2.0 * Math.PI * j / r);
        }

        Span<T> aRe = stackalloc T[r];
        Span<T> aIm = stackalloc T[r];
        int sm = s * m;
        for (int p = 0; p < m; p++)
        {
            for (int q = 0; q < s; q++)
            {
                int i0 = q + (s * p);
                for (int j = 0; j < r; j++)
                {
                    aRe[j] = xRe[i0 + (j * sm)];
                    aIm[j] = xIm[i0 + (j * sm)];
                }

                int o = q + (s * r * p);
                for (int k = 0; k < r; k++)
                {
                    T sr = aRe[0], si = aIm[0];
                    for (int j = 1; j < r; j++)
                    {
                        int e = j * k % r;
                        sr += (aRe[j] * rootRe[e]) - (aIm[j] * rootIm[e]);
                        si += (aRe[j] * rootIm[e]) + (aIm[j] * rootRe[e]);
                    }

                    Twiddle(yRe, yIm, o + (k * s), sr, si, twRe[(p * r) + k], twIm[(p * r) + k]);
                }
            }
        }
    }
}
