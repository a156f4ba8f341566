namespace Nko.Ranker;

/// <summary>Which stage of the correction applied an edit.</summary>
public enum EditSource
{
    /// <summary>A single-edit candidate chosen by the ranker in a correction round.</summary>
    Candidate = 0,

    /// <summary>Part of a beam-revision segment (schema 3): the beam + LM decode's text, accepted by the segment model.</summary>
    BeamRevision = 1,
}
