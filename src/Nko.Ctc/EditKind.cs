namespace Nko.Ctc;

/// <summary>The kind of a single-label edit of a label sequence.</summary>
public enum EditKind : byte
{
    /// <summary>Replace the label at a position with another label.</summary>
    Substitute = 0,

    /// <summary>Remove the label at a position.</summary>
    Delete = 1,

    /// <summary>Insert a label before a position (position = length appends).</summary>
    Insert = 2,
}
