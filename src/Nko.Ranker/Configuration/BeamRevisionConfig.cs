using System.Collections.Immutable;
using Nko.Ctc;

namespace Nko.Ranker.Configuration;

/// <summary>
/// The beam-revision stage of a schema-3 config: before single edits, the log-probs are decoded by a CTC prefix beam
/// search with the config's language model; each maximal run of differences between the hypothesis and the best
/// beam text (a <i>segment</i>) gets a probability from its own logistic model, and a mode applies the segments that
/// reach its <see cref="OperatingMode.RevisionThreshold"/>.
/// </summary>
/// <param name="Search">The beam search (width, per-frame cut-off, pruning, LM weight α, length bonus β, n-best).</param>
/// <param name="Features">The features the segment model uses, names from <see cref="Features.BeamRevisionFeatures"/>.</param>
/// <param name="Means">Per-feature means for standardisation.</param>
/// <param name="Stds">Per-feature standard deviations (all &gt; 0).</param>
/// <param name="Weights">Per-feature weights on standardised features.</param>
/// <param name="Bias">The logistic bias.</param>
/// <param name="Keys">Training counts of segment keys, with and without context (the key features' table).</param>
public sealed record BeamRevisionConfig(
    BeamSearchOptions Search,
    ImmutableArray<string> Features,
    ImmutableArray<double> Means,
    ImmutableArray<double> Stds,
    ImmutableArray<double> Weights,
    double Bias,
    ImmutableArray<SegmentKeyCount> Keys);
