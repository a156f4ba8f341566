namespace Nko.Ranker.Training.Tests.Fitting;

/// <summary>
/// An independent implementation of the objective the trainer minimises, written from its definition and shared by
/// nothing in the library: (1/n) Σ log(1 + e^(−s_i z_i)) + (λ/2)‖w‖², z_i = b + w·x_i, s_i = ±1, bias unpenalised.
/// </summary>
internal static class ReferenceLogistic
{
    public static double Objective(double[] x, byte[] y, int d, double l2, double[] w, double b)
    {
        double sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double z = Score(x, i, d, w, b);
            double m = y[i] == 1 ? z : -z;

            // log(1 + e^(−m)), stable for either sign.
            sum += m >= 0 ? Math.Log(1 + Math.Exp(-m)) : -m + Math.Log(1 + Math.Exp(m));
        }

        double penalty = 0;
        foreach (double v in w)
        {
            penalty += v * v;
        }

        return (sum / y.Length) + (0.5 * l2 * penalty);
    }

    /// <summary>The gradient: d weight components, then the bias component.</summary>
    public static double[] Gradient(double[] x, byte[] y, int d, double l2, double[] w, double b)
    {
        double[] g = new double[d + 1];
        for (int i = 0; i < y.Length; i++)
        {
            double z = Score(x, i, d, w, b);
            double p = z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
            double r = p - y[i];
            for (int k = 0; k < d; k++)
            {
                g[k] += r * x[(i * d) + k];
            }

            g[d] += r;
        }

        for (int k = 0; k <= d; k++)
        {
            g[k] /= y.Length;
        }

        for (int k = 0; k < d; k++)
        {
            g[k] += l2 * w[k];
        }

        return g;
    }

    public static double Norm(double[] v) => Math.Sqrt(v.Sum(e => e * e));

    /// <summary>Plain gradient descent with the fixed step 1/L (L bounds the Hessian), run until the gradient norm reaches <paramref name="tolerance"/>.</summary>
    public static (double[] W, double B, int Iterations) GradientDescent(double[] x, byte[] y, int d, double l2, double tolerance, int maxIterations)
    {
        // The Hessian is at most (1/4)(1/n) Σ (‖x_i‖² + 1) + λ in spectral norm.
        double lipschitz = l2;
        for (int i = 0; i < y.Length; i++)
        {
            double s = 1;
            for (int k = 0; k < d; k++)
            {
                s += x[(i * d) + k] * x[(i * d) + k];
            }

            lipschitz += 0.25 * s / y.Length;
        }

        double step = 1 / lipschitz;
        double[] w = new double[d];
        double b = 0;
        for (int it = 0; it < maxIterations; it++)
        {
            double[] g = Gradient(x, y, d, l2, w, b);
            if (Norm(g) <= tolerance)
            {
                return (w, b, it);
            }

            for (int k = 0; k < d; k++)
            {
                w[k] -= step * g[k];
            }

            b -= step * g[d];
        }

        throw new InvalidOperationException($"gradient descent did not reach {tolerance} in {maxIterations} iterations");
    }

    /// <summary>Standard-normal samples from a seeded generator (Box–Muller).</summary>
    public static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double Score(double[] x, int i, int d, double[] w, double b)
    {
        double z = b;
        for (int k = 0; k < d; k++)
        {
            z += w[k] * x[(i * d) + k];
        }

        return z;
    }
}
