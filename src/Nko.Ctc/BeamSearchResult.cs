using System.Collections.Immutable;

namespace Nko.Ctc;

/// <summary>The n-best list of a <see cref="CtcBeamSearch"/>, best first.</summary>
/// <param name="Hypotheses">
/// At most <see cref="BeamSearchOptions.NBest"/> hypotheses, sorted by <see cref="BeamHypothesis.Score"/> (highest first;
/// ties keep the beam's order). Empty only when every alignment has probability zero (a frame whose every surviving
/// candidate is −∞).
/// </param>
public sealed record BeamSearchResult(ImmutableArray<BeamHypothesis> Hypotheses)
{
    /// <summary>The best hypothesis, or <see langword="null"/> when <see cref="Hypotheses"/> is empty.</summary>
    public BeamHypothesis? Best => Hypotheses.IsDefaultOrEmpty ? null : Hypotheses[0];
}
