using System.Collections.Immutable;

namespace Nko.Ranker.Training.Fitting;

/// <summary>
/// L2-regularised logistic regression fitted by Newton's method (IRLS) with a backtracking line search.
/// </summary>
/// <remarks>
/// Minimises (1/n) Σ log(1 + e^(−s_i z_i)) + (λ/2)‖w‖², with z_i = b + w·x_i and s_i = ±1; the bias b is not penalised.
/// Each iteration solves the (d+1)×(d+1) Newton system by Cholesky factorisation; the penalty keeps the Hessian
/// positive definite, so separable data converges to finite weights. Deterministic: fixed iteration order, no randomness.
/// </remarks>
public static class LogisticRegression
{
    /// <summary>Fits the model.</summary>
    /// <param name="features">Row-major <c>[n, d]</c> feature matrix (already standardised if that is wanted).</param>
    /// <param name="labels">n labels, each 0 or 1.</param>
    /// <param name="dimension">d.</param>
    /// <param name="l2">The penalty λ &gt; 0.</param>
    /// <param name="tolerance">Stop when the gradient norm is at most this.</param>
    /// <param name="maxIterations">Iteration cap.</param>
    public static LogisticFit Fit(ReadOnlySpan<double> features, ReadOnlySpan<byte> labels, int dimension, double l2, double tolerance = 1e-9, int maxIterations = 100)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (!(l2 > 0) || !double.IsFinite(l2))
        {
            throw new ArgumentOutOfRangeException(nameof(l2), l2, "The L2 penalty must be positive and finite.");
        }

        int n = labels.Length;
        if (n == 0 || features.Length != n * dimension)
        {
            throw new ArgumentException($"Need n ≥ 1 rows of {dimension} features; got {features.Length} values for {n} labels.");
        }

        int p = dimension + 1; // last coordinate is the bias
        double[] theta = new double[p];
        double[] grad = new double[p];
        double[] hess = new double[p * p];
        double[] step = new double[p];
        double[] trial = new double[p];
        double loss = Objective(features, labels, dimension, l2, theta, out double dataLoss);
        int iterations = 0;
        double gnorm = double.PositiveInfinity;
        for (; iterations < maxIterations; iterations++)
        {
            GradientAndHessian(features, labels, dimension, l2, theta, grad, hess);
            gnorm = Norm(grad);
            if (gnorm <= tolerance)
            {
                break;
            }

            for (int i = 0; i < p; i++)
            {
                step[i] = -grad[i];
            }

            Cholesky.Solve(hess, step, p);
            double t = 1.0;
            double slope = Dot(grad, step);
            while (true)
            {
                for (int i = 0; i < p; i++)
                {
                    trial[i] = theta[i] + (t * step[i]);
                }

                double trialLoss = Objective(features, labels, dimension, l2, trial, out double trialData);
                if (trialLoss <= loss + (1e-4 * t * slope) || t < 1e-10)
                {
                    Array.Copy(trial, theta, p);
                    loss = trialLoss;
                    dataLoss = trialData;
                    break;
                }

                t *= 0.5;
            }
        }

        if (iterations == maxIterations)
        {
            GradientAndHessian(features, labels, dimension, l2, theta, grad, hess);
            gnorm = Norm(grad);
        }

        return new LogisticFit(ImmutableArray.Create(theta, 0, dimension), theta[dimension], gnorm, iterations, dataLoss);
    }

    /// <summary>Mean log-loss of a fitted model on rows (for choosing λ on held-out data).</summary>
    public static double LogLoss(ReadOnlySpan<double> features, ReadOnlySpan<byte> labels, int dimension, LogisticFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        double sum = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            double z = fit.Bias;
            ReadOnlySpan<double> x = features.Slice(r * dimension, dimension);
            for (int k = 0; k < dimension; k++)
            {
                z += fit.Weights[k] * x[k];
            }

            sum += LogOnePlusExp(labels[r] == 1 ? -z : z);
        }

        return sum / labels.Length;
    }

    private static double Objective(ReadOnlySpan<double> x, ReadOnlySpan<byte> y, int d, double l2, double[] theta, out double dataLoss)
    {
        double sum = 0;
        for (int r = 0; r < y.Length; r++)
        {
            double z = theta[d];
            ReadOnlySpan<double> row = x.Slice(r * d, d);
            for (int k = 0; k < d; k++)
            {
                z += theta[k] * row[k];
            }

            sum += LogOnePlusExp(y[r] == 1 ? -z : z);
        }

        dataLoss = sum / y.Length;
        double penalty = 0;
        for (int k = 0; k < d; k++)
        {
            penalty += theta[k] * theta[k];
        }

        return dataLoss + (0.5 * l2 * penalty);
    }

    private static void GradientAndHessian(ReadOnlySpan<double> x, ReadOnlySpan<byte> y, int d, double l2, double[] theta, double[] grad, double[] hess)
    {
        int p = d + 1;
        Array.Clear(grad);
        Array.Clear(hess);
        Span<double> xi = p <= 256 ? stackalloc double[p] : new double[p];
        for (int r = 0; r < y.Length; r++)
        {
            ReadOnlySpan<double> row = x.Slice(r * d, d);
            row.CopyTo(xi);
            xi[d] = 1.0;
            double z = 0;
            for (int k = 0; k < p; k++)
            {
                z += theta[k] * xi[k];
            }

            double mu = Nko.Ranker.Scoring.LogisticRanker.Sigmoid(z);
            double residual = mu - y[r];
            double weight = mu * (1 - mu);
            for (int a = 0; a < p; a++)
            {
                grad[a] += residual * xi[a];
                double wa = weight * xi[a];
                for (int b = 0; b <= a; b++)
                {
                    hess[(a * p) + b] += wa * xi[b];
                }
            }
        }

        double inv = 1.0 / y.Length;
        for (int a = 0; a < p; a++)
        {
            grad[a] *= inv;
            if (a < d)
            {
                grad[a] += l2 * theta[a];
            }

            for (int b = 0; b <= a; b++)
            {
                double v = hess[(a * p) + b] * inv;
                if (a == b && a < d)
                {
                    v += l2;
                }

                hess[(a * p) + b] = v;
                hess[(b * p) + a] = v;
            }
        }
    }

    private static double LogOnePlusExp(double v) => v > 0 ? v + Math.Log(1 + Math.Exp(-v)) : Math.Log(1 + Math.Exp(v));

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));
}
