using System.Numerics;
using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Audio.Spectral;

namespace Nko.Audio.Tests;

/// <summary>The mixed-radix batch FFT against a slow DFT twin, on every lane, for sizes built from shrinkable factor lists.</summary>
public sealed class FftProperties
{
    /// <summary>The most lanes a lane type has (Vector512 of double).</summary>
    private const int MaxLanes = 8;

    /// <summary>
    /// An FFT size as its factors (shrinks by dropping factors) and the signals of <see cref="MaxLanes"/> lanes, lane l
    /// holding values [l·Size, (l + 1)·Size) of <see cref="Re"/> and <see cref="Im"/> (shrink towards zero).
    /// </summary>
    public sealed record Case(int[] Factors, double[] Re, double[] Im)
    {
        public int Size => Factors.Aggregate(1, (a, b) => a * b);

        public override string ToString() =>
            $"size {Size} = {string.Join("·", Factors)}, re [{string.Join(", ", Re)}], im [{string.Join(", ", Im)}]";

        /// <summary>The first <paramref name="size"/> values of each lane.</summary>
        public static double[] Resize(double[] lanes, int from, int size) =>
            [.. Enumerable.Range(0, MaxLanes).SelectMany(l => lanes.Skip(l * from).Take(size))];
    }

    private static Gen<double[]> Signals(int size) => Gen.ArrayOf(Gen.Choose(-1_000_000, 1_000_000).Select(i => i / 1_000_000.0), size * MaxLanes);

    private static readonly Arbitrary<Case> Cases = Arb.From(
        from count in Gen.Choose(0, 5)
        from factors in Gen.ArrayOf(Gen.Elements(2, 3, 4, 5, 7, 11), count)
        where factors.Aggregate(1, (a, b) => a * b) <= 512
        let size = factors.Aggregate(1, (a, b) => a * b)
        from re in Signals(size)
        from im in Signals(size)
        select new Case(factors, re, im),
        c => Shrink(c));

    private static IEnumerable<Case> Shrink(Case c)
    {
        for (int i = 0; i < c.Factors.Length; i++)
        {
            int[] factors = [.. c.Factors[..i], .. c.Factors[(i + 1)..]];
            int size = c.Size / c.Factors[i];
            yield return new Case(factors, Case.Resize(c.Re, c.Size, size), Case.Resize(c.Im, c.Size, size));
        }

        if (c.Re.Any(v => v != 0) || c.Im.Any(v => v != 0))
        {
            yield return c with { Re = new double[c.Re.Length], Im = new double[c.Im.Length] };
        }
    }

    [Property(MaxTest = 200)]
    public Property Batch_fft_equals_the_dft_on_every_lane() => Prop.ForAll(Cases, c => Check<VectorLanes>(c));

    /// <summary>The same on the 8-lane <see cref="Vector512Lanes"/> path (where AVX-512 runs it; software vectors elsewhere).</summary>
    [Property(MaxTest = 200)]
    public Property Batch_fft_equals_the_dft_on_every_lane_of_vector512() => Prop.ForAll(Cases, c => Check<Vector512Lanes>(c));

    private static Property Check<T>(Case c)
        where T : unmanaged, IDoubleLanes<T>
    {
        int n = c.Size, lanes = T.Count;
        Assert.True(lanes <= MaxLanes);
        double[][] re = new double[lanes][], im = new double[lanes][];
        double[] flatRe = new double[n * lanes], flatIm = new double[n * lanes];
        for (int l = 0; l < lanes; l++)
        {
            re[l] = c.Re[(l * n)..((l + 1) * n)];
            im[l] = c.Im[(l * n)..((l + 1) * n)];
        }

        for (int k = 0; k < n; k++)
        {
            for (int l = 0; l < lanes; l++)
            {
                flatRe[(k * lanes) + l] = re[l][k];
                flatIm[(k * lanes) + l] = im[l][k];
            }
        }

        new BatchFft(n).Forward(
            MemoryMarshal.Cast<double, T>(flatRe.AsSpan()),
            MemoryMarshal.Cast<double, T>(flatIm.AsSpan()),
            new T[n],
            new T[n]);
        double worst = 0;
        for (int l = 0; l < lanes; l++)
        {
            for (int k = 0; k < n; k++)
            {
                (double dr, double di) = Dft(re[l], im[l], k);
                worst = Math.Max(worst, Math.Max(Math.Abs(dr - flatRe[(k * lanes) + l]), Math.Abs(di - flatIm[(k * lanes) + l])));
            }
        }

        return (worst <= 1e-12 * n * Math.Max(1, Math.Log2(n))).Label($"{c}, {lanes} lanes: max abs error {worst:E2}");
    }

    [Fact]
    public void Whisper_size_200_is_exact_to_double_rounding()
    {
        var random = new Random(7);
        int n = 200;
        double[] re = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble())];
        var vre = re.Select(x => new Vector<double>(x)).ToArray();
        var vim = new Vector<double>[n];
        new BatchFft(n).Forward(vre, vim, new Vector<double>[n], new Vector<double>[n]);
        for (int k = 0; k < n; k++)
        {
            (double dr, double di) = Dft(re, new double[n], k);
            Assert.Equal(dr, vre[k][0], 1e-11);
            Assert.Equal(di, vim[k][0], 1e-11);
        }
    }

    [Fact]
    public void Large_prime_factors_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new BatchFft(37));
    }

    /// <summary>The slow twin: one DFT bin by its definition, angles reduced exactly in integers.</summary>
    private static (double Re, double Im) Dft(double[] re, double[] im, int k)
    {
        int n = re.Length;
        double sr = 0, si = 0;
        for (int j = 0; j < n; j++)
        {
            double angle = -2 * Math.PI * ((long)j * k % n) / n;
            double c = Math.Cos(angle), s = Math.Sin(angle);
            sr += (re[j] * c) - (im[j] * s);
            si += (re[j] * s) + (im[j] * c);
        }

        return (sr, si);
    }
}
