namespace Nko.Ranker.Configuration;

/// <summary>
/// How often a beam-revision segment with this key was seen in training and how often it helped. The key is the
/// hypothesis' labels the segment replaces (<see cref="From"/>) and the labels it puts in (<see cref="To"/>), as
/// text; with <see cref="HasContext"/> also the hypothesis label on each side (empty at the text's ends).
/// </summary>
/// <param name="From">The replaced text (may be empty: an insertion).</param>
/// <param name="To">The replacement text (may be empty: a deletion).</param>
/// <param name="Left">The label before the segment, or empty at the start; <see langword="null"/> for a key without context.</param>
/// <param name="Right">The label after the segment, or empty at the end; <see langword="null"/> for a key without context.</param>
/// <param name="Helped">Training segments with this key that moved the hypothesis closer to its reference.</param>
/// <param name="Seen">Training segments with this key.</param>
public sealed record SegmentKeyCount(string From, string To, string? Left, string? Right, int Helped, int Seen)
{
    /// <summary>Whether the key carries one label of context on each side.</summary>
    public bool HasContext => Left is not null;
}
