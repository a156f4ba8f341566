namespace Nko.Ranker;

/// <summary>One edit the correction applied, in the order applied.</summary>
/// <param name="Edit">The edit, positioned in the text as it was before this edit (label ids of the vocabulary).</param>
/// <param name="Description">A readable form, e.g. <c>SUB 3 'ߊ'→'ߋ'</c>.</param>
/// <param name="Probability">The ranker's probability that the edit helps.</param>
/// <param name="CtcGain">The CTC log-likelihood gain (nats) of the edit over the text before it.</param>
/// <param name="Round">The correction round (0-based); 0 for beam-revision edits, which come before the rounds.</param>
/// <remarks>
/// A beam-revision segment is logged as the primitive edits that make it (substitutions, then deletions or insertions),
/// each with the segment's probability and its CTC gain over the unrevised text.
/// </remarks>
public sealed record AppliedEdit(Nko.Ctc.LabelEdit Edit, string Description, double Probability, double CtcGain, int Round)
{
    /// <summary>The stage that applied the edit.</summary>
    public EditSource Source { get; init; }
}
