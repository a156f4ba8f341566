using System.Collections.Immutable;

namespace Nko.Ranker.Training.Fitting;

/// <summary>The result of fitting an L2-regularised logistic regression.</summary>
/// <param name="Weights">Weights on the (standardised) features.</param>
/// <param name="Bias">The intercept (not regularised).</param>
/// <param name="GradientNorm">Euclidean norm of the objective's gradient at the solution.</param>
/// <param name="Iterations">Newton iterations taken.</param>
/// <param name="Loss">Mean log-loss on the training rows at the solution (without the penalty).</param>
public sealed record LogisticFit(ImmutableArray<double> Weights, double Bias, double GradientNorm, int Iterations, double Loss);
