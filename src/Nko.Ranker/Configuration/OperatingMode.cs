namespace Nko.Ranker.Configuration;

/// <summary>A calibrated operating mode: an edit is applied only if its probability reaches <see cref="Threshold"/>.</summary>
/// <param name="Name">The mode's name, e.g. <c>conservative</c>.</param>
/// <param name="Threshold">Minimum ranker probability, in [0, 1]. A threshold of 1 means "never apply an edit" (always COPY), even where the probability rounds to 1.</param>
/// <param name="MinCtcGain">Optional minimum CTC gain (nats) an edit must also reach; <see langword="null"/> for none.</param>
public sealed record OperatingMode(string Name, double Threshold, double? MinCtcGain = null)
{
    /// <summary>Whether an edit with probability <paramref name="probability"/> and CTC gain <paramref name="ctcGain"/> is accepted.</summary>
    public bool Accepts(double probability, double ctcGain) =>
        Threshold < 1.0 && probability >= Threshold && (MinCtcGain is not { } min || ctcGain >= min);

    /// <summary>
    /// The minimum segment-model probability for a beam-revision segment (schema 3), or <see langword="null"/>: this
    /// mode does not revise. 1 means "never revise", like <see cref="Threshold"/>.
    /// </summary>
    public double? RevisionThreshold { get; init; }

    /// <summary>Whether the mode applies a beam-revision segment with probability <paramref name="probability"/>.</summary>
    public bool AcceptsRevision(double probability) =>
        RevisionThreshold is { } t && t < 1.0 && probability >= t;
}
