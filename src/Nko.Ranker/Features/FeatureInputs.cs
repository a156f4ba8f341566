using Nko.Candidates.Script;
using Nko.Ctc;

namespace Nko.Ranker.Features;

/// <summary>
/// Everything a feature of one candidate is computed from: the edit, its CTC gain and prior, the round's shared values
/// and, with a language model, the edit's LM values. <see cref="CandidateEvaluator"/> fills one instance per candidate
/// (reused, so nothing is allocated) and each <see cref="FeatureDescriptor"/> reads from it.
/// </summary>
internal sealed class FeatureInputs
{
    /// <summary>The edit's kind.</summary>
    public EditKind Kind;

    /// <summary>The edit's position in the hypothesis.</summary>
    public int Position;

    /// <summary>The substituted-in, inserted or deleted label.</summary>
    public int Label;

    /// <summary>For a substitution the replaced label, else −1.</summary>
    public int From;

    /// <summary>The script class of <see cref="Label"/>.</summary>
    public NkoCharClass Class;

    /// <summary>The vocabulary's script facts.</summary>
    public LabelFacts Facts = null!;

    /// <summary>The space label, or −1.</summary>
    public int Space;

    /// <summary>The CTC gain, clamped to [−50, 50].</summary>
    public double Gain;

    /// <summary>T.</summary>
    public int Frames;

    /// <summary>1 / max(1, L).</summary>
    public double PerLabel;

    /// <summary>The hypothesis' log-likelihood per label (floored).</summary>
    public double HypPerLabel;

    /// <summary>The hypothesis' log-likelihood per frame (floored).</summary>
    public double HypPerFrame;

    /// <summary>The recogniser's self-score (0 when not finite).</summary>
    public double AsrScore;

    /// <summary>log(1 + count) of the licensing entry.</summary>
    public double PriorLogCount;

    /// <summary>The smoothed log relative frequency of the licensing entry.</summary>
    public double PriorLogRelative;

    /// <summary>The edit touches the first label of a word.</summary>
    public bool WordStart;

    /// <summary>The edit touches the last label of a word.</summary>
    public bool WordEnd;

    /// <summary>The round.</summary>
    public int Round;

    /// <summary>log(1 + rank) of the gain among the round's candidates.</summary>
    public double GainRankLog;

    /// <summary>The best gain among the round's candidates.</summary>
    public double BestGain;

    /// <summary>The second-best gain (equal to the best when tied).</summary>
    public double SecondGain;

    /// <summary>log(1 + L).</summary>
    public double LogLength;

    /// <summary>Whether a language model is present (the LM fields below are 0 otherwise).</summary>
    public bool HasLm;

    /// <summary>The candidate's full-sentence LM log10 minus the hypothesis'.</summary>
    public double LmDelta;

    /// <summary>log10 P of the edit's first new token in its left context (SUB/INS), or of the token that follows a deletion.</summary>
    public double LmEditLogp;

    /// <summary>The edit brings in a label the LM does not know.</summary>
    public bool LmOov;

    /// <summary>The hypothesis' LM log10 per token (with <c>&lt;/s&gt;</c>).</summary>
    public double LmHypPerToken;

    /// <summary>log(1 + rank) of the LM delta among the round's candidates.</summary>
    public double LmRankLog;

    /// <summary>The LM delta minus the best LM delta of the round's other candidates.</summary>
    public double LmMargin;
}
