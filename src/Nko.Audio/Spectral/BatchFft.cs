using System.Numerics;

namespace Nko.Audio.Spectral;

/// <summary>
/// A forward complex FFT of any size whose prime factors are at most <see cref="MaxRadix"/>, run on
/// <see cref="Vector{T}.Count"/> independent signals at once (one per vector lane, so the arithmetic is SIMD without
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
    public void Forward(Span<Vector<double>> re, Span<Vector<double>> im, Span<Vector<double>> workRe, Span<Vector<double>> workIm)
    {
        int size = Size;
        if (re.Length < size || im.Length < size || workRe.Length < size || workIm.Length < size)
        {
            throw new ArgumentException($"The FFT of size {size} needs buffers of at least {size} vectors.");
        }

        Span<Vector<double>> xRe = re[..size], xIm = im[..size], yRe = workRe[..size], yIm = workIm[..size];
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

            Span<Vector<double>> t = xRe;
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

    private static void Radix2(Span<Vector<double>> xRe, Span<Vector<double>> xIm, Span<Vector<double>> yRe, Span<Vector<double>> yIm, int m, int s, double[] twRe, double[] twIm)
    {
        for (int p = 0; p < m; p++)
        {
            var wr = new Vector<double>(twRe[(p * 2) + 1]);
            var wi = new Vector<double>(twIm[(p * 2) + 1]);
            for (int q = 0; q < s; q++)
            {
                int i0 = q + (s * p), i1 = i0 + (s * m);
                Vector<double> ar = xRe[i0], ai = xIm[i0], br = xRe[i1], bi = xIm[i1];
                int o = q + (s * 2 * p);
                yRe[o] = ar + br;
                yIm[o] = ai + bi;
                Vector<double> dr = ar - br, di = ai - bi;
                yRe[o + s] = (dr * wr) - (di * wi);
                yIm[o + s] = (dr * wi) + (di * wr);
            }
        }
    }

    private static void Radix4(Span<Vector<double>> xRe, Span<Vector<double>> xIm, Span<Vector<double>> yRe, Span<Vector<double>> yIm, int m, int s, double[] twRe, double[] twIm)
    {
        for (int p = 0; p < m; p++)
        {
            int t = p * 4;
            var w1r = new Vector<double>(twRe[t + 1]);
            var w1i = new Vector<double>(twIm[t + 1]);
            var w2r = new Vector<double>(twRe[t + 2]);
            var w2i = new Vector<double>(twIm[t + 2]);
            var w3r = new Vector<double>(twRe[t + 3]);
            var w3i = new Vector<double>(twIm[t + 3]);
            int sm = s * m;
            for (int q = 0; q < s; q++)
            {
                int i0 = q + (s * p);
                Vector<double> a0r = xRe[i0], a0i = xIm[i0];
                Vector<double> a1r = xRe[i0 + sm], a1i = xIm[i0 + sm];
                Vector<double> a2r = xRe[i0 + (2 * sm)], a2i = xIm[i0 + (2 * sm)];
                Vector<double> a3r = xRe[i0 + (3 * sm)], a3i = xIm[i0 + (3 * sm)];
                Vector<double> t0r = a0r + a2r, t0i = a0i + a2i;
                Vector<double> t1r = a0r - a2r, t1i = a0i - a2i;
                Vector<double> t2r = a1r + a3r, t2i = a1i + a3i;

                // (a1 − a3)·(−i)
                Vector<double> t3r = a1i - a3i, t3i = a3r - a1r;
                int o = q + (s * 4 * p);
                yRe[o] = t0r + t2r;
                yIm[o] = t0i + t2i;
                Vector<double> y1r = t1r + t3r, y1i = t1i + t3i;
                Vector<double> y2r = t0r - t2r, y2i = t0i - t2i;
                Vector<double> y3r = t1r - t3r, y3i = t1i - t3i;
                yRe[o + s] = (y1r * w1r) - (y1i * w1i);
                yIm[o + s] = (y1r * w1i) + (y1i * w1r);
                yRe[o + (2 * s)] = (y2r * w2r) - (y2i * w2i);
                yIm[o + (2 * s)] = (y2r * w2i) + (y2i * w2r);
                yRe[o + (3 * s)] = (y3r * w3r) - (y3i * w3i);
                yIm[o + (3 * s)] = (y3r * w3i) + (y3i * w3r);
            }
        }
    }

    private static void Radix5(Span<Vector<double>> xRe, Span<Vector<double>> xIm, Span<Vector<double>> yRe, Span<Vector<double>> yIm, int m, int s, double[] twRe, double[] twIm)
    {
        var c1 = new Vector<double>(Math.Cos(2 * Math.PI / 5));
        var c2 = new Vector<double>(Math.Cos(4 * Math.PI / 5));
        var s1 = new Vector<double>(Math.Sin(2 * Math.PI / 5));
        var s2 = new Vector<double>(Math.Sin(4 * Math.PI / 5));
        int sm = s * m;
        for (int p = 0; p < m; p++)
        {
            int t = p * 5;
            for (int q = 0; q < s; q++)
            {
                int i0 = q + (s * p);
                Vector<double> a0r = xRe[i0], a0i = xIm[i0];
                Vector<double> a1r = xRe[i0 + sm], a1i = xIm[i0 + sm];
                Vector<double> a2r = xRe[i0 + (2 * sm)], a2i = xIm[i0 + (2 * sm)];
                Vector<double> a3r = xRe[i0 + (3 * sm)], a3i = xIm[i0 + (3 * sm)];
                Vector<double> a4r = xRe[i0 + (4 * sm)], a4i = xIm[i0 + (4 * sm)];
                Vector<double> b1r = a1r + a4r, b1i = a1i + a4i, d1r = a1r - a4r, d1i = a1i - a4i;
                Vector<double> b2r = a2r + a3r, b2i = a2i + a3i, d2r = a2r - a3r, d2i = a2i - a3i;
                Vector<double> t1r = a0r + (c1 * b1r) + (c2 * b2r), t1i = a0i + (c1 * b1i) + (c2 * b2i);
                Vector<double> t2r = a0r + (c2 * b1r) + (c1 * b2r), t2i = a0i + (c2 * b1i) + (c1 * b2i);
                Vector<double> u1r = (s1 * d1r) + (s2 * d2r), u1i = (s1 * d1i) + (s2 * d2i);
                Vector<double> u2r = (s2 * d1r) - (s1 * d2r), u2i = (s2 * d1i) - (s1 * d2i);
                int o = q + (s * 5 * p);
                yRe[o] = a0r + b1r + b2r;
                yIm[o] = a0i + b1i + b2i;

                // y1 = t1 − i·u1, y4 = t1 + i·u1, y2 = t2 − i·u2, y3 = t2 + i·u2; then the twiddles.
                Twiddle(yRe, yIm, o + s, t1r + u1i, t1i - u1r, twRe[t + 1], twIm[t + 1]);
                Twiddle(yRe, yIm, o + (2 * s), t2r + u2i, t2i - u2r, twRe[t + 2], twIm[t + 2]);
                Twiddle(yRe, yIm, o + (3 * s), t2r - u2i, t2i + u2r, twRe[t + 3], twIm[t + 3]);
                Twiddle(yRe, yIm, o + (4 * s), t1r - u1i, t1i + u1r, twRe[t + 4], twIm[t + 4]);
            }
        }
    }

    private static void Twiddle(Span<Vector<double>> yRe, Span<Vector<double>> yIm, int o, Vector<double> vr, Vector<double> vi, double wr, double wi)
    {
        yRe[o] = (vr * wr) - (vi * wi);
        yIm[o] = (vr * wi) + (vi * wr);
    }

    private static void RadixGeneric(int r, Span<Vector<double>> xRe, Span<Vector<double>> xIm, Span<Vector<double>> yRe, Span<Vector<double>> yIm, int m, int s, double[] twRe, double[] twIm)
    {
        Span<double> rootRe = stackalloc double[r];
        Span<double> rootIm = stackalloc double[r];
        for (int j = 0; j < r; j++)
        {
            rootRe[j] = Math.Cos(-2.0 * Math.PI * j / r);
            rootIm[j] = Math.Sin(-2.0 * Math.PI * j / r);
        }

        Span<Vector<double>> aRe = stackalloc Vector<double>[r];
        Span<Vector<double>> aIm = stackalloc Vector<double>[r];
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
                    Vector<double> sr = aRe[0], si = aIm[0];
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
