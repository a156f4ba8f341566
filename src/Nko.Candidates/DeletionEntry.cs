namespace Nko.Candidates;

/// <summary>A label the recogniser inserts spuriously, so a correction may delete it.</summary>
/// <param name="Label">The spurious label in the hypothesis (a non-blank label of the vocabulary).</param>
/// <param name="Count">How often the alignment saw it (≥ 1).</param>
public readonly record struct DeletionEntry(int Label, int Count);
