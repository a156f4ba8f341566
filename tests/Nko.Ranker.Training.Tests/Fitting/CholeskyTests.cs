using Nko.Ranker.Training.Fitting;

namespace Nko.Ranker.Training.Tests.Fitting;

public sealed class CholeskyTests
{
    [Fact]
    public void Solves_a_hand_computed_system()
    {
        // A = [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]]; A⁻¹ = [[3, −2], [−2, 4]] / 8.
        double[] a = [4, 2, 2, 3];
        double[] b = [2, 1];
        Cholesky.Solve(a, b, 2);
        Assert.Equal(0.5, b[0], 15);
        Assert.Equal(0.0, b[1], 15);
        Assert.Equal(2.0, a[0], 15);
        Assert.Equal(1.0, a[2], 15);
        Assert.Equal(Math.Sqrt(2), a[3], 15);
    }

    [Fact]
    public void One_by_one_is_a_division()
    {
        double[] a = [8];
        double[] b = [2];
        Cholesky.Solve(a, b, 1);
        Assert.Equal(0.25, b[0], 15);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(8, 3)]
    [InlineData(27, 4)]
    [InlineData(60, 5)]
    public void Random_symmetric_positive_definite_systems_satisfy_A_x_equals_b(int n, int seed)
    {
        var random = new Random(seed);
        double[] m = [.. Enumerable.Range(0, n * n).Select(_ => (random.NextDouble() * 2) - 1)];

        // A = M Mᵀ + I is symmetric positive definite; b = A x for a known x.
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = i == j ? 1 : 0;
                for (int k = 0; k < n; k++)
                {
                    s += m[(i * n) + k] * m[(j * n) + k];
                }

                a[(i * n) + j] = s;
            }
        }

        double[] x = [.. Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 20) - 10)];
        double[] b = Multiply(a, x, n);
        double[] solved = (double[])b.Clone();
        double[] factor = (double[])a.Clone();
        Cholesky.Solve(factor, solved, n);

        // Direct check: the residual with the original matrix, and the known solution.
        double[] back = Multiply(a, solved, n);
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(back[i] - b[i]) <= 1e-9 * (1 + Math.Abs(b[i])), $"residual {back[i] - b[i]} at {i}");
            Assert.True(Math.Abs(solved[i] - x[i]) <= 1e-8 * (1 + Math.Abs(x[i])), $"x[{i}] = {solved[i]}, expected {x[i]}");
        }

        // The lower triangle now holds L with L Lᵀ = A.
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int k = 0; k <= j; k++)
                {
                    s += factor[(i * n) + k] * factor[(j * n) + k];
                }

                Assert.True(Math.Abs(s - a[(i * n) + j]) <= 1e-9 * (1 + Math.Abs(a[(i * n) + j])));
            }
        }
    }

    [Fact]
    public void A_singular_matrix_gets_a_tiny_pivot_instead_of_NaN()
    {
        // [[1, 1], [1, 1]] is only semi-definite; the solver regularises the zero pivot and returns a finite solution of the consistent system.
        double[] a = [1, 1, 1, 1];
        double[] b = [1, 1];
        Cholesky.Solve(a, b, 2);
        Assert.All(b, v => Assert.True(double.IsFinite(v)));
        Assert.Equal(1.0, b[0] + b[1], 9);
    }

    private static double[] Multiply(double[] a, double[] x, int n)
    {
        double[] y = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                y[i] += a[(i * n) + k] * x[k];
            }
        }

        return y;
    }
}
