using Nko.TurboQuant.Widths;

namespace Nko.TurboQuant.Tests;

public sealed class LloydMaxCodebookTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Centroids_satisfy_the_lloyd_max_conditions_for_a_standard_gaussian(int bits)
    {
        int levels = 1 << bits;
        LloydMaxCodebook codebook = QuantWidths.Get(bits).Codebook!;
        Assert.Equal(levels, codebook.Levels);
        float[] c = codebook.Centroids[..levels].ToArray();
        float[] t = codebook.Thresholds.ToArray();
        Assert.Equal(levels - 1, t.Length);
        for (int k = 0; k < levels; k++)
        {
            Assert.Equal(c[k], -c[levels - 1 - k]);
            if (k > 0)
            {
                Assert.True(c[k] > c[k - 1]);
                Assert.Equal((c[k - 1] + c[k]) * 0.5f, t[k - 1]);
            }

            // Centroid condition: c_k = E[X | t_{k-1} ≤ X < t_k].
            double a = k == 0 ? -12 : t[k - 1];
            double b = k == levels - 1 ? 12 : t[k];
            double mass = Simpson(x => Pdf(x), a, b);
            double mean = (Pdf(a) - Pdf(b)) / mass;
            Assert.True(Math.Abs(mean - c[k]) < 1e-6, $"bits {bits}, centroid {k}: {c[k]} vs conditional mean {mean}");
        }
    }

    private static double Pdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);

    private static double Simpson(Func<double, double> f, double a, double b)
    {
        const int n = 20000;
        double h = (b - a) / n;
        double s = f(a) + f(b);
        for (int i = 1; i < n; i++)
        {
            s += (i % 2 == 1 ? 4 : 2) * f(a + (i * h));
        }

        return s * h / 3;
    }
}
