using System.Collections.Immutable;

namespace Nko.Ranker.Features;

/// <summary>
/// The features of a beam-revision segment: one maximal run of differences between the hypothesis H and the beam +
/// LM decode's best text B (see <see cref="Configuration.BeamRevisionConfig"/>). H_s is H with only that segment
/// replaced by B's labels. Gains are natural-log differences against H.
/// </summary>
public static class BeamRevisionFeatures
{
    /// <summary>ln P_ctc(H_s) − ln P_ctc(H), clamped to [−50, 50] (−50 when H_s cannot be aligned).</summary>
    public const string SegmentCtcGain = "seg_ctc_gain";

    /// <summary>ln P_lm(H_s) − ln P_lm(H), full sentences with <c>&lt;s&gt;</c> and <c>&lt;/s&gt;</c>.</summary>
    public const string SegmentLmGain = "seg_lm_gain";

    /// <summary>ln P_ctc(B) − ln P_ctc(H), clamped to [−50, 50].</summary>
    public const string BeamCtcGain = "beam_ctc_gain";

    /// <summary>ln P_lm(B) − ln P_lm(H).</summary>
    public const string BeamLmGain = "beam_lm_gain";

    /// <summary>How many segments B differs from H in.</summary>
    public const string Segments = "segments";

    /// <summary>Labels of H the segment replaces.</summary>
    public const string Removed = "removed";

    /// <summary>Labels the segment puts in their place.</summary>
    public const string Inserted = "inserted";

    /// <summary>1 when either side of the segment holds a space (a word-boundary change).</summary>
    public const string TouchesSpace = "touches_space";

    /// <summary>Share of the n-best texts that H_s is closer to (edit distance) than H is.</summary>
    public const string NBestAgreement = "nbest_agreement";

    /// <summary>The recogniser's self-score (as the candidate features use it).</summary>
    public const string AsrScore = "asr_score";

    /// <summary>The fused score of the best text minus the second's, at most 10 (10 with one text).</summary>
    public const string BeamMargin = "beam_margin";

    /// <summary>Labels in H.</summary>
    public const string HypothesisLength = "hypothesis_length";

    /// <summary>The segment's share of the fused score: seg_ctc_gain + α · seg_lm_gain + β · (inserted − removed).</summary>
    public const string FusedGain = "fused_gain";

    /// <summary>|inserted − removed|.</summary>
    public const string LengthChange = "length_change";

    /// <summary>Smoothed precision of the segment's key (removed → inserted labels) in training: (helped + 1) / (seen + 2).</summary>
    public const string KeyPrecision = "key_precision";

    /// <summary>ln(1 + seen) of the segment's key in training.</summary>
    public const string KeyLogCount = "key_log_count";

    /// <summary>The key's precision with one label of context on each side, backed off to <see cref="KeyPrecision"/>: (helped + 2 · key_precision) / (seen + 2).</summary>
    public const string ContextPrecision = "context_precision";

    /// <summary>ln(1 + seen) of the key with its context in training.</summary>
    public const string ContextLogCount = "context_log_count";

    /// <summary>
    /// The one declaration of every feature, in the order the evaluator writes them: a feature is added here (and given
    /// a name constant above); <see cref="All"/>, the row layout and the evaluator follow from it.
    /// </summary>
    internal static ImmutableArray<SegmentFeatureDescriptor> Descriptors { get; } =
    [
        new(SegmentCtcGain, static (in x) => x.CtcGain),
        new(SegmentLmGain, static (in x) => x.LmGain),
        new(BeamCtcGain, static (in x) => x.BeamCtcGain),
        new(BeamLmGain, static (in x) => x.BeamLmGain),
        new(Segments, static (in x) => x.Segments),
        new(Removed, static (in x) => x.Removed),
        new(Inserted, static (in x) => x.Inserted),
        new(TouchesSpace, static (in x) => x.TouchesSpace ? 1 : 0),
        new(NBestAgreement, static (in x) => x.NBestAgreement),
        new(AsrScore, static (in x) => x.AsrScore),
        new(BeamMargin, static (in x) => x.BeamMargin),
        new(HypothesisLength, static (in x) => x.HypothesisLength),
        new(FusedGain, static (in x) => x.CtcGain + (x.LmWeight * x.LmGain) + (x.LengthBonus * (x.Inserted - x.Removed))),
        new(LengthChange, static (in x) => Math.Abs(x.Inserted - x.Removed)),
        new(KeyPrecision, static (in x) => Precision(x.Key), FromKeyCounts: true),
        new(KeyLogCount, static (in x) => Math.Log(1 + x.Key.Seen), FromKeyCounts: true),
        new(ContextPrecision, static (in x) => (x.ContextKey.Helped + (2.0 * Precision(x.Key))) / (x.ContextKey.Seen + 2.0), FromKeyCounts: true),
        new(ContextLogCount, static (in x) => Math.Log(1 + x.ContextKey.Seen), FromKeyCounts: true),
    ];

    /// <summary>Every feature, in the order the evaluator writes them.</summary>
    public static ImmutableArray<string> All { get; } = [.. Descriptors.Select(d => d.Name)];

    /// <summary>The position of <paramref name="name"/> in <see cref="All"/>, or −1.</summary>
    public static int IndexOf(string name) => All.IndexOf(name, StringComparer.Ordinal);

    /// <summary>The column of <see cref="SegmentCtcGain"/> in a row (the pipeline logs it as the segment's gain).</summary>
    internal static int SegmentCtcGainColumn { get; } = IndexOf(SegmentCtcGain);

    // The smoothed precision of a key: (helped + 1) / (seen + 2).
    private static double Precision((int Helped, int Seen) key) => (key.Helped + 1.0) / (key.Seen + 2.0);
}
