namespace Nko.Ranker.Training.Alignment;

/// <summary>One step of a Levenshtein alignment of a hypothesis to its reference.</summary>
public enum AlignmentOpKind
{
    /// <summary>Hypothesis and reference agree.</summary>
    Match = 0,

    /// <summary>The recogniser wrote a different label (a SUB correction fixes it).</summary>
    Substitution = 1,

    /// <summary>The recogniser inserted a spurious label (a DEL correction fixes it).</summary>
    Insertion = 2,

    /// <summary>The recogniser dropped a reference label (an INS correction fixes it).</summary>
    Deletion = 3,
}
