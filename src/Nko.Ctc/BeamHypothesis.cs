using System.Collections.Immutable;

namespace Nko.Ctc;

/// <summary>One hypothesis of a <see cref="CtcBeamSearch"/> n-best list.</summary>
/// <param name="Labels">
/// The class ids of the prefix as the search built it (no blanks; spaces as the vocabulary's space class, possibly leading,
/// trailing or repeated).
/// </param>
/// <param name="Text">
/// <paramref name="Labels"/> as text, with runs of white space collapsed to one space and the ends trimmed (as the
/// reference decoder prints its hypotheses).
/// </param>
/// <param name="CtcLogProb">
/// The prefix's CTC log-probability as the search accumulated it (natural log; blank and non-blank alignments summed
/// exactly). It equals the exact CTC log-likelihood of <paramref name="Labels"/> when nothing was pruned, and is a lower
/// bound of it otherwise (alignments through pruned prefixes are lost).
/// </param>
/// <param name="LmLogProb">
/// ln P_lm(<paramref name="Labels"/>, &lt;/s&gt; | &lt;s&gt;) under the search's language model (KenLM log10 × ln 10), or 0
/// without a language model.
/// </param>
/// <param name="Score">
/// <c>CtcLogProb + α · LmLogProb + β · Labels.Length</c> with a language model, <c>CtcLogProb</c> without one: the value
/// the n-best list is sorted by.
/// </param>
public sealed record BeamHypothesis(ImmutableArray<int> Labels, string Text, double CtcLogProb, double LmLogProb, double Score);
