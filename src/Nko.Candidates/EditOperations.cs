namespace Nko.Candidates;

/// <summary>Which kinds of edit the candidate generator proposes (flags).</summary>
[Flags]
public enum EditOperations
{
    /// <summary>No edit: the generator proposes nothing.</summary>
    None = 0,

    /// <summary>Substitute a label (licensed by the substitution map).</summary>
    Substitute = 1,

    /// <summary>Delete a label (licensed by the deletion map).</summary>
    Delete = 2,

    /// <summary>Insert a label (licensed by the insertion map and its left context).</summary>
    Insert = 4,

    /// <summary>All three kinds.</summary>
    All = Substitute | Delete | Insert,
}
