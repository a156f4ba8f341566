using System.Collections.Immutable;

namespace Nko.Ctc;

/// <summary>The result of greedy (best-path) CTC decoding.</summary>
/// <param name="Labels">Emitted label ids: argmax per frame, repeats collapsed, blanks dropped.</param>
/// <param name="Spans">The frame span of each emitted label (same length as <paramref name="Labels"/>).</param>
/// <param name="Score">Best-path log-score: the sum over frames of the maximum log-probability.</param>
public sealed record GreedyResult(ImmutableArray<int> Labels, ImmutableArray<LabelSpan> Spans, double Score);
