namespace Nko.Ranker;

/// <summary>What the correction did to an utterance.</summary>
public enum CorrectionDecision
{
    /// <summary>No edit cleared the mode's threshold: the hypothesis is returned unchanged.</summary>
    Copy = 0,

    /// <summary>At least one edit was applied.</summary>
    Corrected = 1,
}
