namespace Nko.Ranker.Training.Alignment;

/// <summary>One aligned step.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="HypothesisIndex">Position in the hypothesis (for deletions: the hypothesis position the missing label belongs before).</param>
/// <param name="HypothesisLabel">The hypothesis label (−1 for deletions).</param>
/// <param name="ReferenceLabel">The reference label (−1 for insertions).</param>
/// <param name="LeftContext">For deletions: the hypothesis label before the insertion point (−1 at the start).</param>
public readonly record struct AlignmentOp(AlignmentOpKind Kind, int HypothesisIndex, int HypothesisLabel, int ReferenceLabel, int LeftContext);
