namespace Nko.Candidates;

/// <summary>A substitution learned from aligned data: the recogniser wrote <paramref name="From"/> where the reference has <paramref name="To"/>.</summary>
/// <param name="From">The label in the hypothesis (a non-blank label of the vocabulary).</param>
/// <param name="To">The label the correction writes instead (a non-blank label, different from <paramref name="From"/>).</param>
/// <param name="Count">How often the alignment saw it (≥ 1).</param>
public readonly record struct SubstitutionEntry(int From, int To, int Count);
