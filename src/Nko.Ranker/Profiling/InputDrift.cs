namespace Nko.Ranker.Profiling;

/// <summary>How a batch of inputs compares with a config's training inputs for one statistic.</summary>
/// <param name="Name">The statistic.</param>
/// <param name="BatchMean">The batch's mean.</param>
/// <param name="TrainingMean">The training mean.</param>
/// <param name="Distance">The Kolmogorov–Smirnov distance between the batch's distribution and the training one (0 to 1).</param>
/// <param name="Bound">The distance above which the batch counts as drifted: max(0.1, 1.36 / √n) for n utterances.</param>
public sealed record InputDrift(string Name, double BatchMean, double TrainingMean, double Distance, double Bound)
{
    /// <summary>Whether the batch differs from the training inputs beyond <see cref="Bound"/>.</summary>
    public bool Drifted => Distance > Bound;
}
