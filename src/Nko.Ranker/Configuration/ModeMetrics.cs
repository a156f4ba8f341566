namespace Nko.Ranker.Configuration;

/// <summary>One mode's evaluation table: aggregate CER, change in percentage points, and better/same/worse over changed utterances.</summary>
/// <param name="Mode">The mode.</param>
/// <param name="Cer">Aggregate CER (sum of edit distances / sum of reference lengths).</param>
/// <param name="DeltaPp">CER minus the baseline's, in percentage points (negative is better).</param>
/// <param name="Better">Changed utterances whose CER fell.</param>
/// <param name="Same">Changed utterances whose CER stayed.</param>
/// <param name="Worse">Changed utterances whose CER rose.</param>
/// <param name="Changed">Utterances whose text the mode changed.</param>
public sealed record ModeMetrics(string Mode, double Cer, double DeltaPp, int Better, int Same, int Worse, int Changed);
