using System.Collections.Immutable;
using Nko.Candidates.Script;
using Nko.Ctc;

namespace Nko.Ranker.Features;

/// <summary>
/// The stable names of every feature the ranker can use. A config lists the ones it uses, in its own order.
/// </summary>
/// <remarks>
/// Notation: the hypothesis has L labels and T frames; the candidate applies one edit at position i; gain is the
/// candidate's CTC log-likelihood minus the hypothesis'. "The label" is the substituted-in, inserted or deleted label.
/// </remarks>
public static class FeatureNames
{
    /// <summary>1 for a substitution, else 0.</summary>
    public const string OpSub = "op_sub";

    /// <summary>1 for a deletion, else 0.</summary>
    public const string OpDel = "op_del";

    /// <summary>1 for an insertion, else 0.</summary>
    public const string OpIns = "op_ins";

    /// <summary>CTC gain in nats: log p(candidate) − log p(hypothesis), clamped to [−50, 50].</summary>
    public const string CtcGain = "ctc_gain";

    /// <summary>CTC gain divided by T.</summary>
    public const string CtcGainPerFrame = "ctc_gain_per_frame";

    /// <summary>CTC gain divided by max(1, L).</summary>
    public const string CtcGainPerLabel = "ctc_gain_per_label";

    /// <summary>The gain squashed: gain / (1 + |gain|), in (−1, 1).</summary>
    public const string CtcGainSquashed = "ctc_gain_squashed";

    /// <summary>1 when the gain is positive.</summary>
    public const string CtcGainPositive = "ctc_gain_positive";

    /// <summary>The hypothesis' CTC log-likelihood divided by max(1, L).</summary>
    public const string HypLogpPerLabel = "hyp_logp_per_label";

    /// <summary>The hypothesis' CTC log-likelihood divided by T.</summary>
    public const string HypLogpPerFrame = "hyp_logp_per_frame";

    /// <summary>The recogniser's self-score (mean best log-prob over speech frames), as given; estimated when absent.</summary>
    public const string AsrScore = "asr_score";

    /// <summary>log(1 + count) of the confusion-map entry that licenses the edit.</summary>
    public const string PriorLogCount = "prior_log_count";

    /// <summary>Smoothed log relative frequency of the licensing entry: log((count + 0.5) / (occurrences + 1)).</summary>
    public const string PriorLogRelative = "prior_log_rel";

    /// <summary>Substitution between two labels of the same class (vowel, consonant, tone mark, …).</summary>
    public const string SameClass = "same_class";

    /// <summary>Substitution between a known confusable pair (vowel openness, voicing, nasal, liquid, …).</summary>
    public const string KnownPair = "known_pair";

    /// <summary>The label is a combining tone or nasal mark.</summary>
    public const string LabelToneMark = "label_tone_mark";

    /// <summary>The label (or, for substitutions, either label) is a space: a word-boundary edit.</summary>
    public const string LabelSpace = "label_space";

    /// <summary>The label is a vowel.</summary>
    public const string LabelVowel = "label_vowel";

    /// <summary>The label is a consonant.</summary>
    public const string LabelConsonant = "label_consonant";

    /// <summary>Relative position i / max(1, L).</summary>
    public const string RelativePosition = "rel_position";

    /// <summary>The edit touches the first label of a word.</summary>
    public const string AtWordStart = "at_word_start";

    /// <summary>The edit touches the last label of a word.</summary>
    public const string AtWordEnd = "at_word_end";

    /// <summary>The correction round (0 for the first edit).</summary>
    public const string Round = "round";

    /// <summary>log(1 + rank) of the candidate's gain among the round's candidates (0 = highest gain).</summary>
    public const string GainRank = "gain_rank";

    /// <summary>The candidate's gain minus the best gain among the other candidates of the round (clamped to [−50, 50]).</summary>
    public const string GainMargin = "gain_margin";

    /// <summary>log(1 + L).</summary>
    public const string LogHypLength = "log_hyp_length";

    /// <summary>
    /// With a language model: the candidate's full-sentence LM log10 (with <c>&lt;s&gt;</c> and <c>&lt;/s&gt;</c>) minus
    /// the hypothesis', clamped to [−50, 50]; 0 without one.
    /// </summary>
    public const string LmDeltaSentence = "lm_delta_sentence";

    /// <summary>With a language model: 1 when the edit raises the sentence's LM score.</summary>
    public const string LmDeltaPositive = "lm_delta_positive";

    /// <summary>
    /// With a language model: log10 P of the edit's first token in its left context (the new label of a substitution or
    /// insertion; the token that follows a deletion), floored at −50.
    /// </summary>
    public const string LmEditLogp = "lm_edit_logp";

    /// <summary>With a language model: 1 when the edit brings in a label the LM's vocabulary lacks (scored as &lt;unk&gt;).</summary>
    public const string LmOov = "lm_oov";

    /// <summary>With a language model: the hypothesis' LM log10 per token (its labels and &lt;/s&gt;), floored at −50.</summary>
    public const string LmHypPerToken = "lm_hyp_per_token";

    /// <summary>With a language model: log(1 + rank) of the candidate's LM change among the round's candidates (0 = highest).</summary>
    public const string LmDeltaRank = "lm_delta_rank";

    /// <summary>With a language model: the LM change minus the best LM change of the round's other candidates, clamped to [−50, 50].</summary>
    public const string LmDeltaMargin = "lm_delta_margin";

    /// <summary>
    /// The one declaration of every feature, in the order the extractor computes them: a feature is added here (and
    /// given a name constant above); <see cref="All"/>, the feature rows' layout and the extractor follow from it.
    /// </summary>
    internal static ImmutableArray<FeatureDescriptor> Descriptors { get; } =
    [
        new(OpSub, static x => x.Kind == EditKind.Substitute ? 1 : 0),
        new(OpDel, static x => x.Kind == EditKind.Delete ? 1 : 0),
        new(OpIns, static x => x.Kind == EditKind.Insert ? 1 : 0),
        new(CtcGain, static x => x.Gain),
        new(CtcGainPerFrame, static x => x.Gain / x.Frames),
        new(CtcGainPerLabel, static x => x.Gain * x.PerLabel),
        new(CtcGainSquashed, static x => x.Gain / (1 + Math.Abs(x.Gain))),
        new(CtcGainPositive, static x => x.Gain > 0 ? 1 : 0),
        new(HypLogpPerLabel, static x => x.HypPerLabel),
        new(HypLogpPerFrame, static x => x.HypPerFrame),
        new(AsrScore, static x => x.AsrScore),
        new(PriorLogCount, static x => x.PriorLogCount),
        new(PriorLogRelative, static x => x.PriorLogRelative),
        new(SameClass, static x => x.From >= 0 && x.Facts.ClassOf(x.From) == x.Class && x.Class != NkoCharClass.Other ? 1 : 0),
        new(KnownPair, static x => x.From >= 0 && x.Facts.IsKnownPair(x.From, x.Label) ? 1 : 0),
        new(LabelToneMark, static x => x.Class == NkoCharClass.ToneMark ? 1 : 0),
        new(LabelSpace, static x => x.Label == x.Space || (x.From >= 0 && x.From == x.Space) ? 1 : 0),
        new(LabelVowel, static x => x.Class == NkoCharClass.Vowel ? 1 : 0),
        new(LabelConsonant, static x => x.Class == NkoCharClass.Consonant ? 1 : 0),
        new(RelativePosition, static x => x.Position * x.PerLabel),
        new(AtWordStart, static x => x.WordStart ? 1 : 0),
        new(AtWordEnd, static x => x.WordEnd ? 1 : 0),
        new(Round, static x => x.Round),
        new(GainRank, static x => x.GainRankLog),
        new(GainMargin, static x => Math.Clamp(x.Gain - (x.Gain == x.BestGain ? x.SecondGain : x.BestGain), -50, 50) is var m && double.IsFinite(m) ? m : 50),
        new(LogHypLength, static x => x.LogLength),
        new(LmDeltaSentence, static x => x.LmDelta, NeedsLanguageModel: true),
        new(LmDeltaPositive, static x => x.LmDelta > 0 ? 1 : 0, NeedsLanguageModel: true),
        new(LmEditLogp, static x => x.LmEditLogp, NeedsLanguageModel: true),
        new(LmOov, static x => x.LmOov ? 1 : 0, NeedsLanguageModel: true),
        new(LmHypPerToken, static x => x.LmHypPerToken, NeedsLanguageModel: true),
        new(LmDeltaRank, static x => x.LmRankLog, NeedsLanguageModel: true),
        new(LmDeltaMargin, static x => x.LmMargin, NeedsLanguageModel: true),
    ];

    /// <summary>Every feature name, in the order the extractor computes them.</summary>
    public static ImmutableArray<string> All { get; } = [.. Descriptors.Select(d => d.Name)];

    /// <summary>Whether the feature <paramref name="name"/> is computed from a language model (a config may list it only with one).</summary>
    public static bool NeedsLanguageModel(string name) => IndexOf(name) is >= 0 and var k && Descriptors[k].NeedsLanguageModel;

    /// <summary>The index of <paramref name="name"/> in <see cref="All"/>, or −1.</summary>
    public static int IndexOf(string name) => All.IndexOf(name, StringComparer.Ordinal);
}
