namespace Nko.Ranker.Features;

/// <summary>
/// Everything a beam-revision feature of one segment is computed from (see <see cref="BeamRevisionFeatures"/>):
/// <see cref="BeamRevisionEvaluator"/> fills one per segment on the stack and each <see cref="SegmentFeatureDescriptor"/>
/// reads from it.
/// </summary>
internal struct SegmentInputs
{
    /// <summary>ln P_ctc(H_s) − ln P_ctc(H), clamped to [−50, 50].</summary>
    public double CtcGain;

    /// <summary>ln P_lm(H_s) − ln P_lm(H).</summary>
    public double LmGain;

    /// <summary>ln P_ctc(B) − ln P_ctc(H), clamped to [−50, 50].</summary>
    public double BeamCtcGain;

    /// <summary>ln P_lm(B) − ln P_lm(H).</summary>
    public double BeamLmGain;

    /// <summary>How many segments B differs from H in.</summary>
    public int Segments;

    /// <summary>Labels of H the segment replaces.</summary>
    public int Removed;

    /// <summary>Labels the segment puts in their place.</summary>
    public int Inserted;

    /// <summary>Either side of the segment holds a space.</summary>
    public bool TouchesSpace;

    /// <summary>The share of the n-best texts H_s is closer to than H is.</summary>
    public double NBestAgreement;

    /// <summary>The recogniser's self-score (0 when not finite).</summary>
    public double AsrScore;

    /// <summary>The best text's fused score minus the second's, at most 10.</summary>
    public double BeamMargin;

    /// <summary>Labels in H.</summary>
    public int HypothesisLength;

    /// <summary>α of the beam search.</summary>
    public double LmWeight;

    /// <summary>β of the beam search.</summary>
    public double LengthBonus;

    /// <summary>The segment key's training counts, without context.</summary>
    public (int Helped, int Seen) Key;

    /// <summary>The segment key's training counts with one label of context on each side.</summary>
    public (int Helped, int Seen) ContextKey;
}
