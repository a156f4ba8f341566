using Nko.Ranker.Configuration;
using Nko.Ranker.Training.Fitting;
using Nko.Ranker.Training.Tests.Support;
using Xunit.Abstractions;

namespace Nko.Ranker.Training.Tests.Fitting;

public sealed class LogisticRegressionTests(ITestOutputHelper output)
{
    /// <summary>The standardised training matrix of a real trainer run on 30 utterances of samples/dev50.</summary>
    private static (double[] X, byte[] Y, int D, RankerConfig Config) RealMatrix()
    {
        TrainingResult result = TrainingData.Small;
        RankerConfig config = result.Config;
        int d = config.Features.Length;
        double[] x = new double[result.FeatureMatrix.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int k = i % d;
            x[i] = (result.FeatureMatrix[i] - config.Means[k]) / config.Stds[k];
        }

        return (x, result.Labels, d, config);
    }

    [Fact]
    public void Reaches_the_optimum_on_a_real_training_matrix()
    {
        (double[] x, byte[] y, int d, RankerConfig config) = RealMatrix();
        Assert.True(y.Length > 1000, $"only {y.Length} rows");
        foreach (double l2 in (double[])[1e-4, config.Provenance.L2!.Value, 1e-1])
        {
            LogisticFit fit = LogisticRegression.Fit(x, y, d, l2);
            double[] gradient = ReferenceLogistic.Gradient(x, y, d, l2, [.. fit.Weights], fit.Bias);
            double norm = ReferenceLogistic.Norm(gradient);
            output.WriteLine($"λ = {l2}: {y.Length} rows × {d} features, {fit.Iterations} Newton iterations, gradient norm {norm:E3} (reported {fit.GradientNorm:E3})");
            Assert.True(norm <= 1e-6, $"independent gradient norm {norm} at λ = {l2}");
            Assert.True(fit.GradientNorm <= 1e-6, $"reported gradient norm {fit.GradientNorm}");
            Assert.Equal(norm, fit.GradientNorm, 1e-9);
            Assert.InRange(fit.Iterations, 1, 30);

            // The mean log-loss it reports is the data term of the objective.
            double objective = ReferenceLogistic.Objective(x, y, d, l2, [.. fit.Weights], fit.Bias);
            double penalty = 0.5 * l2 * fit.Weights.Sum(w => w * w);
            Assert.Equal(objective - penalty, fit.Loss, 1e-12);
            Assert.Equal(fit.Loss, LogisticRegression.LogLoss(x, y, d, fit), 1e-12);
        }
    }

    [Fact]
    public void The_config_holds_the_fit_at_the_chosen_penalty_bit_for_bit()
    {
        (double[] x, byte[] y, int d, RankerConfig config) = RealMatrix();
        LogisticFit fit = LogisticRegression.Fit(x, y, d, config.Provenance.L2!.Value, tolerance: 1e-10);
        Assert.Equal(config.Weights.ToArray(), fit.Weights.ToArray());
        Assert.Equal(config.Bias, fit.Bias);
        Assert.Equal(config.Provenance.GradientNorm, fit.GradientNorm);
        Assert.Equal(config.Provenance.Iterations, fit.Iterations);
    }

    [Theory]
    [InlineData(1, 0.1, 1)]
    [InlineData(2, 0.01, 2)]
    [InlineData(3, 0.05, 3)]
    [InlineData(5, 0.001, 4)]
    public void Agrees_with_plain_gradient_descent_on_small_problems(int d, double l2, int seed)
    {
        var random = new Random(seed);
        int n = 80;
        double[] truth = [.. Enumerable.Range(0, d).Select(_ => ReferenceLogistic.Normal(random))];
        double[] x = [.. Enumerable.Range(0, n * d).Select(_ => ReferenceLogistic.Normal(random))];
        byte[] y = new byte[n];
        for (int i = 0; i < n; i++)
        {
            double z = 0.3;
            for (int k = 0; k < d; k++)
            {
                z += truth[k] * x[(i * d) + k];
            }

            y[i] = random.NextDouble() < 1 / (1 + Math.Exp(-z)) ? (byte)1 : (byte)0;
        }

        LogisticFit newton = LogisticRegression.Fit(x, y, d, l2);
        (double[] w, double b, int iterations) = ReferenceLogistic.GradientDescent(x, y, d, l2, tolerance: 1e-11, maxIterations: 2_000_000);
        output.WriteLine($"d = {d}, λ = {l2}: Newton {newton.Iterations} iterations, gradient descent {iterations}");
        for (int k = 0; k < d; k++)
        {
            Assert.True(Math.Abs(newton.Weights[k] - w[k]) <= 1e-6, $"w[{k}]: Newton {newton.Weights[k]}, descent {w[k]}");
        }

        Assert.True(Math.Abs(newton.Bias - b) <= 1e-6, $"bias: Newton {newton.Bias}, descent {b}");
        Assert.True(ReferenceLogistic.Objective(x, y, d, l2, [.. newton.Weights], newton.Bias) <= ReferenceLogistic.Objective(x, y, d, l2, w, b) + 1e-12);
    }

    [Fact]
    public void No_point_of_a_brute_force_grid_beats_it_on_one_feature()
    {
        var random = new Random(7);
        int n = 50;
        double[] x = [.. Enumerable.Range(0, n).Select(_ => ReferenceLogistic.Normal(random))];
        byte[] y = [.. x.Select(v => random.NextDouble() < 1 / (1 + Math.Exp(-((1.5 * v) - 0.5))) ? (byte)1 : (byte)0)];
        const double L2 = 0.02;
        LogisticFit fit = LogisticRegression.Fit(x, y, 1, L2);
        double best = ReferenceLogistic.Objective(x, y, 1, L2, [fit.Weights[0]], fit.Bias);

        // A 401 × 401 grid over (w, b) ∈ [−4, 4]²: none lower, and the best grid point is the nearest to the fit.
        double gridBest = double.PositiveInfinity, gw = 0, gb = 0;
        for (int i = 0; i <= 400; i++)
        {
            for (int j = 0; j <= 400; j++)
            {
                double w = -4 + (i * 0.02), b = -4 + (j * 0.02);
                double v = ReferenceLogistic.Objective(x, y, 1, L2, [w], b);
                Assert.True(v >= best, $"grid point ({w}, {b}) has {v} < {best}");
                if (v < gridBest)
                {
                    (gridBest, gw, gb) = (v, w, b);
                }
            }
        }

        Assert.True(Math.Abs(gw - fit.Weights[0]) <= 0.01 + 1e-12 && Math.Abs(gb - fit.Bias) <= 0.01 + 1e-12, $"grid best ({gw}, {gb}), fit ({fit.Weights[0]}, {fit.Bias})");

        // Around the fit, ±1e-4 steps in every direction do not improve either.
        foreach ((double dw, double db) in (ValueTuple<double, double>[])[(1e-4, 0), (-1e-4, 0), (0, 1e-4), (0, -1e-4), (1e-4, 1e-4), (-1e-4, -1e-4)])
        {
            Assert.True(ReferenceLogistic.Objective(x, y, 1, L2, [fit.Weights[0] + dw], fit.Bias + db) >= best);
        }
    }

    [Theory]
    [InlineData(1e-1)]
    [InlineData(1e-3)]
    [InlineData(1e-5)]
    [InlineData(1e-7)]
    public void Separable_data_gives_finite_weights_bounded_by_the_penalty(double l2)
    {
        // Perfectly separable in the first feature, with a duplicated second feature and a noise third one.
        double[] x = [-3, -3, 0.2, -2, -2, -0.5, -1, -1, 0.9, 1, 1, -0.7, 2, 2, 0.1, 3, 3, 0.4];
        byte[] y = [0, 0, 0, 1, 1, 1];
        LogisticFit fit = LogisticRegression.Fit(x, y, 3, l2);
        Assert.All(fit.Weights, w => Assert.True(double.IsFinite(w)));
        Assert.True(double.IsFinite(fit.Bias));
        Assert.True(fit.GradientNorm <= 1e-6, $"gradient norm {fit.GradientNorm} after {fit.Iterations} iterations");

        // At the optimum (λ/2)‖w‖² ≤ objective ≤ objective(0) = log 2, so ‖w‖ ≤ √(2 log 2 / λ).
        double norm = Math.Sqrt(fit.Weights.Sum(w => w * w));
        Assert.True(norm <= Math.Sqrt(2 * Math.Log(2) / l2), $"‖w‖ = {norm}");

        // Duplicated features share the weight equally (the penalty's unique optimum).
        Assert.Equal(fit.Weights[0], fit.Weights[1], 1e-9);
        Assert.All(y.Select((label, i) => (label, z: fit.Bias + (fit.Weights[0] * x[3 * i]) + (fit.Weights[1] * x[(3 * i) + 1]) + (fit.Weights[2] * x[(3 * i) + 2]))), p => Assert.Equal(p.label == 1, p.z > 0));
        output.WriteLine($"λ = {l2}: w = [{string.Join(", ", fit.Weights)}], b = {fit.Bias}, {fit.Iterations} iterations");
    }

    [Fact]
    public void Weaker_penalties_give_larger_weights_on_separable_data()
    {
        double[] x = [-2, -1, 1, 2];
        byte[] y = [0, 0, 1, 1];
        double previous = 0;
        foreach (double l2 in (double[])[1, 1e-1, 1e-2, 1e-3, 1e-4])
        {
            double w = LogisticRegression.Fit(x, y, 1, l2).Weights[0];
            Assert.True(w > previous, $"λ = {l2}: w = {w} not above {previous}");
            previous = w;
        }
    }

    [Fact]
    public void Is_deterministic()
    {
        (double[] x, byte[] y, int d, _) = RealMatrix();
        LogisticFit a = LogisticRegression.Fit(x, y, d, 1e-3);
        LogisticFit b = LogisticRegression.Fit(x, y, d, 1e-3);
        Assert.Equal(a.Weights.ToArray(), b.Weights.ToArray());
        Assert.Equal(a.Bias, b.Bias);
    }

    [Fact]
    public void Rejects_bad_arguments()
    {
        double[] x = [1, 2];
        byte[] y = [0, 1];
        Assert.Throws<ArgumentOutOfRangeException>(() => LogisticRegression.Fit(x, y, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LogisticRegression.Fit(x, y, 1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LogisticRegression.Fit(x, y, 1, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => LogisticRegression.Fit(x, y, 1, double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => LogisticRegression.Fit(x, y, 0, 1));
        Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(x, y, 2, 1));
        Assert.Throws<ArgumentException>(() => LogisticRegression.Fit([], [], 1, 1));
    }
}
