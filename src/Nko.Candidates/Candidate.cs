using System.Globalization;
using Nko.Ctc;

namespace Nko.Candidates;

/// <summary>A candidate correction: one edit of the hypothesis, and the count of the map entry that licensed it.</summary>
/// <param name="Edit">The edit, in canonical (leftmost equivalent) position.</param>
/// <param name="PriorCount">
/// The count of the licensing confusion-map entry: the substitution (From = the hypothesis label, To = the new label),
/// the deletion of the label, or the insertion of the label after its left context. When several equivalent edits
/// are merged into one (an insertion next to a run of the same label), the largest of their counts.
/// </param>
public readonly record struct Candidate(LabelEdit Edit, int PriorCount)
{
    /// <summary>The kind of <see cref="Edit"/>.</summary>
    public EditKind Kind => Edit.Kind;

    /// <summary>
    /// The generator's total order: <see cref="PriorCount"/> descending, then kind (substitute &lt; delete &lt; insert),
    /// then position ascending, then label ascending. Negative when <paramref name="x"/> comes first.
    /// </summary>
    public static int Compare(Candidate x, Candidate y)
    {
        if (x.PriorCount != y.PriorCount)
        {
            return x.PriorCount > y.PriorCount ? -1 : 1;
        }

        if (x.Edit.Kind != y.Edit.Kind)
        {
            return x.Edit.Kind < y.Edit.Kind ? -1 : 1;
        }

        if (x.Edit.Position != y.Edit.Position)
        {
            return x.Edit.Position < y.Edit.Position ? -1 : 1;
        }

        return x.Edit.Label.CompareTo(y.Edit.Label);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Edit} (count {PriorCount})");
}
