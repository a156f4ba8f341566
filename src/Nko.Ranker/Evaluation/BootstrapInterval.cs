namespace Nko.Ranker.Evaluation;

/// <summary>A point estimate and its bootstrap percentile interval (see <see cref="PairedBootstrap"/>).</summary>
/// <param name="Estimate">The statistic on the data as observed.</param>
/// <param name="Low">The lower bound of the interval.</param>
/// <param name="High">The upper bound of the interval.</param>
/// <param name="Resamples">The number of resamples drawn.</param>
/// <param name="Seed">The seed of the resampling sequence.</param>
public readonly record struct BootstrapInterval(double Estimate, double Low, double High, int Resamples, ulong Seed);
