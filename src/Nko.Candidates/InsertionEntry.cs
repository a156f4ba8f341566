namespace Nko.Candidates;

/// <summary>A label the recogniser drops, so a correction may insert it after <paramref name="LeftContext"/>.</summary>
/// <param name="Label">The dropped label (a non-blank label of the vocabulary).</param>
/// <param name="LeftContext">
/// The hypothesis label it was dropped after (a non-blank label), or <see cref="UtteranceStart"/> (−1) when it was
/// dropped at the start of the utterance.
/// </param>
/// <param name="Count">How often the alignment saw it (≥ 1).</param>
public readonly record struct InsertionEntry(int Label, int LeftContext, int Count)
{
    /// <summary>The <see cref="LeftContext"/> of an insertion at the start of the utterance (−1).</summary>
    public const int UtteranceStart = -1;
}
