namespace Nko.Ranker.Training;

/// <summary>The correction outcome at one threshold of a calibration sweep.</summary>
/// <param name="Threshold">The threshold.</param>
/// <param name="Cer">Aggregate CER.</param>
/// <param name="DeltaPp">CER change versus the uncorrected hypotheses, in percentage points.</param>
/// <param name="Better">Changed utterances that got better.</param>
/// <param name="Same">Changed utterances that stayed the same.</param>
/// <param name="Worse">Changed utterances that got worse.</param>
/// <param name="Changed">Utterances changed.</param>
/// <param name="AcceptedEdits">Edits applied in total.</param>
/// <param name="HelpfulEdits">Applied edits that reduced the edit distance to the reference when applied.</param>
/// <param name="HarmfulEdits">Applied edits that increased it.</param>
public sealed record SweepPoint(double Threshold, double Cer, double DeltaPp, int Better, int Same, int Worse, int Changed, int AcceptedEdits, int HelpfulEdits, int HarmfulEdits)
{
    /// <summary>Share of applied edits that helped (1 when none were applied).</summary>
    public double Precision => AcceptedEdits == 0 ? 1.0 : (double)HelpfulEdits / AcceptedEdits;

    /// <summary>Share of applied edits that did not increase the edit distance (1 when none were applied).</summary>
    public double Safety => AcceptedEdits == 0 ? 1.0 : 1.0 - ((double)HarmfulEdits / AcceptedEdits);
}
