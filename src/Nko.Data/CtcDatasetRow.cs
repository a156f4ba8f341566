namespace Nko.Data;

/// <summary>One utterance of a dataset folder (a line of <c>rows.jsonl</c>).</summary>
/// <param name="Index">Row index into <c>logprobs.npy</c>.</param>
/// <param name="FeatId">Identifier of the source utterance.</param>
/// <param name="Hypothesis">The recogniser's greedy hypothesis (<c>asr_hyp</c>).</param>
/// <param name="Reference">The reference transcript (<c>ref</c>), or <see langword="null"/> when absent.</param>
/// <param name="AsrScore">The recogniser's self-confidence score (<c>asr_score</c>), or NaN when absent.</param>
/// <param name="SpeechFrames">Leading frames that carry speech (<c>speech_frames</c>), or -1 when absent.</param>
public sealed record CtcDatasetRow(int Index, string FeatId, string Hypothesis, string? Reference, double AsrScore, int SpeechFrames)
{
    /// <summary>
    /// The 1-based line of <c>rows.jsonl</c> the row was read from (blank lines count as lines, not as rows), or 0 for a
    /// row not read from a file. Kept so an error found later (bad log-probs, a hypothesis outside the vocabulary) can
    /// name the line without reading the file again.
    /// </summary>
    public int Line { get; init; }
}
