using System.Globalization;

namespace Nko.Ctc;

/// <summary>A single edit of a label sequence: substitute, delete or insert one label.</summary>
/// <param name="Kind">What the edit does.</param>
/// <param name="Position">The position edited (for <see cref="EditKind.Insert"/>: the label is inserted before it; the length appends).</param>
/// <param name="Label">The new label for substitutions and insertions; -1 for deletions.</param>
public readonly record struct LabelEdit(EditKind Kind, int Position, int Label)
{
    /// <summary>Substitute the label at <paramref name="position"/> with <paramref name="label"/>.</summary>
    public static LabelEdit Substitute(int position, int label) => new(EditKind.Substitute, position, label);

    /// <summary>Delete the label at <paramref name="position"/>.</summary>
    public static LabelEdit Delete(int position) => new(EditKind.Delete, position, -1);

    /// <summary>Insert <paramref name="label"/> before <paramref name="position"/>.</summary>
    public static LabelEdit Insert(int position, int label) => new(EditKind.Insert, position, label);

    /// <summary>Length of a sequence of <paramref name="length"/> labels after this edit.</summary>
    public int EditedLength(int length) => Kind switch
    {
        EditKind.Delete => length - 1,
        EditKind.Insert => length + 1,
        _ => length,
    };

    /// <summary>Writes the edited sequence of <paramref name="labels"/> into <paramref name="destination"/>; returns its length.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The kind is not a defined <see cref="EditKind"/>, or the position is outside the sequence for this kind of edit.</exception>
    public int Apply(ReadOnlySpan<int> labels, Span<int> destination)
    {
        Validate(labels.Length);
        int n = EditedLength(labels.Length);
        if (destination.Length < n)
        {
            throw new ArgumentException($"Destination holds {destination.Length} labels; {n} are needed.", nameof(destination));
        }

        switch (Kind)
        {
            case EditKind.Substitute:
                labels.CopyTo(destination);
                destination[Position] = Label;
                break;
            case EditKind.Delete:
                labels[..Position].CopyTo(destination);
                labels[(Position + 1)..].CopyTo(destination[Position..]);
                break;
            default:
                labels[..Position].CopyTo(destination);
                destination[Position] = Label;
                labels[Position..].CopyTo(destination[(Position + 1)..]);
                break;
        }

        return n;
    }

    /// <summary>Returns the edited copy of <paramref name="labels"/>.</summary>
    public int[] Apply(ReadOnlySpan<int> labels)
    {
        int[] result = new int[EditedLength(labels.Length)];
        Apply(labels, result);
        return result;
    }

    /// <summary>Checks that the edit fits a sequence of <paramref name="length"/> labels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The kind is not a defined <see cref="EditKind"/> (e.g. a cast integer), the position is out of range for this kind
    /// of edit, or a label is negative.
    /// </exception>
    public void Validate(int length)
    {
        // First: every other check (and every consumer's switch) would otherwise treat an undefined kind as an insertion.
        if (Kind is not (EditKind.Substitute or EditKind.Delete or EditKind.Insert))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Kind),
                Kind,
                string.Create(CultureInfo.InvariantCulture, $"Edit kind {(byte)Kind} is not defined; use Substitute (0), Delete (1) or Insert (2)."));
        }

        int limit = Kind == EditKind.Insert ? length + 1 : length;
        if ((uint)Position >= (uint)limit)
        {
            throw new ArgumentOutOfRangeException(
                nameof(Position),
                Position,
                string.Create(CultureInfo.InvariantCulture, $"{Kind} position must be in [0, {limit}) for a sequence of {length} labels."));
        }

        if (Kind != EditKind.Delete && Label < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Label), Label, $"{Kind} needs a label id ≥ 0.");
        }
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        EditKind.Substitute => string.Create(CultureInfo.InvariantCulture, $"SUB@{Position}->{Label}"),
        EditKind.Delete => string.Create(CultureInfo.InvariantCulture, $"DEL@{Position}"),
        EditKind.Insert => string.Create(CultureInfo.InvariantCulture, $"INS@{Position}+{Label}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"KIND{(byte)Kind}@{Position}:{Label}"),
    };
}
