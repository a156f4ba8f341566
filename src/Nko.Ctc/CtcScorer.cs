using System.Globalization;
using Nko.Ctc.Internal;
using Nko.Ctc.Internal.Scoring;

namespace Nko.Ctc;

/// <summary>
/// Exact CTC scoring of many targets against one log-prob matrix: full forward likelihoods, and O(T) rescoring of
/// single-edit neighbours of a hypothesis from its forward/backward tables.
/// </summary>
/// <remarks>
/// <para><b>Method.</b> <see cref="Reset"/> prepares the matrix once: each class's emissions are exponentiated, in double
/// precision and shifted by each frame's maximum (the shifts are added back in log space), the first time a target or
/// an edit uses that class. The recursions run in scaled probability space: after each frame
/// the states are multiplied by a power of two chosen from their maximum, which is exact, and the exponents are
/// accumulated as integers. States are double precision, so a state must fall more than ~700 nats below the best state
/// of its frame before it is lost (float32 would lose it at ~87 nats); within that domain results agree with the
/// log-space reference <see cref="CtcForward.LogSpaceLogLikelihood"/> to about 1e-12 relative. Outside it (for example
/// a random target on a matrix whose log-probs average below about −100 nats, so that the target's states trail the
/// frame's best state by hundreds of nats within a few frames) the result can be off or −∞, and the reference is the
/// exact answer. Recogniser output, whose best paths carry most of the mass, stays well inside.</para>
/// <para><b>Single edits.</b> <see cref="SetHypothesis"/> computes the hypothesis' forward (α) and backward (β) tables
/// once. A substituted, inserted or deleted label changes only the states around the edit, so each edit is scored by a
/// recursion over one new state joined with the untouched α prefix and β suffix: O(T) per edit instead of O(T·L),
/// over the frames where the new state can be reached at all, several edits side by side in vector lanes. The result
/// equals the full forward of the edited target (the property tests pin this). When the join would leave double range
/// (pathological matrices), or a spliced likelihood underflows, the edit falls back to a full forward.</para>
/// <para><b>Determinism.</b> Every kernel is a fixed sequence of IEEE additions and multiplications per value (never a
/// fused multiply-add), the exponential is this library's own (same operations at every width, within 2 ulp), and
/// scale factors are chosen from maxima, so the scalar, 128-bit, 256-bit and 512-bit paths give bit-identical results,
/// on every machine. Shortcuts taken when a scale factor is exactly 1 skip only multiplications by 1.</para>
/// <para>An instance is not thread-safe; use one per thread (they are cheap to keep and reuse: buffers only grow, and
/// nothing is allocated once they have grown).</para>
/// <para><b>Layout.</b> This type validates arguments and delegates; the work is done by internal parts with one job
/// each (<c>Internal/Scoring</c>): the emission streams, the target layout, the forward of one target, the hypothesis'
/// tables, the edit splicer, the estimates and the exact fallback, all run at the width chosen when the scorer is
/// created.</para>
/// </remarks>
public sealed class CtcScorer
{
    /// <summary>Frames on each side of a position's peak frame that <see cref="EstimateEdits"/> sums over (seven frames in all).</summary>
    public const int EstimateRadius = EditEstimates.Radius;

    private readonly ScorerCore _core;

    /// <summary>Creates a scorer that uses the widest SIMD width this machine accelerates.</summary>
    public CtcScorer()
        : this(SimdWidth.Auto)
    {
    }

    /// <summary>Creates a scorer pinned to one kernel width (tests compare the widths bit for bit).</summary>
    internal CtcScorer(SimdWidth width) => _core = ScorerCore.Create(width);

    /// <summary>The parts (tests read their state through it: the width, whether the tables splice, which passes ran).</summary>
    internal ScorerCore Core => _core;

    /// <summary>Frames T of the current matrix.</summary>
    public int Frames => _core.Streams.Frames;

    /// <summary>Classes C of the current matrix.</summary>
    public int Classes => _core.Streams.Classes;

    /// <summary>Blank class of the current matrix.</summary>
    public int BlankIndex => _core.Streams.Blank;

    /// <summary>The log-likelihood of the hypothesis given to <see cref="SetHypothesis"/> (NaN before).</summary>
    public double HypothesisLogLikelihood => _core.Tables.LogLikelihood;

    /// <summary>Loads a log-prob matrix for every target scored until the next reset (each class is exponentiated once, when first used).</summary>
    /// <exception cref="ArgumentException">The matrix is empty or <paramref name="blankIndex"/> is out of range.</exception>
    /// <exception cref="InvalidLogProbsException">A value is NaN or +∞.</exception>
    public void Reset(LogProbMatrix logProbs, int blankIndex)
    {
        if (logProbs.IsEmpty)
        {
            throw new ArgumentException("The log-prob matrix is default (empty).", nameof(logProbs));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(blankIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(blankIndex, logProbs.Classes);
        _core.Reset(logProbs, blankIndex);
    }

    /// <summary>The CTC log-likelihood of <paramref name="target"/>; −∞ when it cannot be aligned in T frames.</summary>
    /// <exception cref="ArgumentException">A label is the blank or outside [0, C).</exception>
    /// <exception cref="InvalidOperationException"><see cref="Reset"/> has not been called.</exception>
    public double LogLikelihood(ReadOnlySpan<int> target)
    {
        EnsureReset();
        ValidateTarget(target, BlankIndex, Classes);
        return _core.LogLikelihood(target);
    }

    /// <summary>
    /// Sets the hypothesis whose single-edit neighbours <see cref="ScoreEdits"/> scores, computing its forward and backward tables.
    /// </summary>
    /// <remarks>A hypothesis a few labels away from the previous one on the same matrix (one edit: the next correction
    /// round) reuses the previous one's label emissions; the results are the same bits either way.</remarks>
    /// <returns>The hypothesis' log-likelihood.</returns>
    public double SetHypothesis(ReadOnlySpan<int> hypothesis)
    {
        EnsureReset();
        ValidateTarget(hypothesis, BlankIndex, Classes);
        return _core.SetHypothesis(hypothesis);
    }

    /// <summary>
    /// Writes the exact log-likelihood of the hypothesis with each edit applied into <paramref name="destination"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short, or an edit does not fit the hypothesis or names an invalid label.</exception>
    /// <exception cref="InvalidOperationException"><see cref="SetHypothesis"/> has not been called since the last reset.</exception>
    public void ScoreEdits(ReadOnlySpan<LabelEdit> edits, Span<double> destination)
    {
        ValidateBatch(edits, destination, estimates: false);
        _core.Score(edits, destination);
    }

    /// <summary>
    /// Writes, for each substitution or insertion, a cheap lower bound of the log-likelihood <see cref="ScoreEdits"/>
    /// gives: the likelihood of the alignments of the edited hypothesis that emit the new label in exactly one frame,
    /// near the frame where such alignments of the position carry the most mass. Meant to choose which of many
    /// candidates deserve exact rescoring: it costs a few frames per edit instead of a recursion over all of them.
    /// </summary>
    /// <remarks>
    /// <para>For an edit putting label z at position j the value is log Σ_t e_t(z)·in_t·out_t, where in_t is the forward
    /// mass that may enter the new label at frame t and out_t the backward mass that may leave it after t (the cells
    /// exact rescoring uses), over the frames within <see cref="EstimateRadius"/> of the position's peak: the first
    /// frame where in_t·out_t, with both skip transitions allowed, is largest (one peak for substitutions at j, one for
    /// insertions before j, found in one pass over the tables shared with the deletion sums). Every term is the
    /// likelihood of distinct alignments of the edited hypothesis, so the value never exceeds the exact one; it
    /// approaches it when the recogniser is peaky. The seven terms are added in a fixed order. −∞ when no frame
    /// contributes.</para>
    /// <para>Deterministic and the same bits at every SIMD width. When the hypothesis has no tables to estimate from (its
    /// own likelihood is 0, or a pathological matrix makes exact rescoring fall back to full forwards), the exact
    /// log-likelihood is written instead, which is not a lower bound but ranks the edits all the same.</para>
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short, an edit is a deletion (deletions are
    /// rescored exactly in one sweep, so they need no estimate), or an edit does not fit the hypothesis.</exception>
    /// <exception cref="InvalidOperationException"><see cref="SetHypothesis"/> has not been called since the last reset.</exception>
    public void EstimateEdits(ReadOnlySpan<LabelEdit> edits, Span<double> destination)
    {
        ValidateBatch(edits, destination, estimates: true);
        _core.Estimate(edits, destination);
    }

    /// <summary>The exact log-likelihood of the hypothesis with <paramref name="edit"/> applied.</summary>
    public double ScoreEdit(LabelEdit edit)
    {
        if (_core.Tables.Length < 0)
        {
            throw new InvalidOperationException("Call SetHypothesis before scoring edits.");
        }

        ValidateEdit(edit);
        double result = 0;
        _core.Score(new ReadOnlySpan<LabelEdit>(in edit), new Span<double>(ref result));
        return result;
    }

    // The checks every batch call makes before touching the destination.
    private void ValidateBatch(ReadOnlySpan<LabelEdit> edits, Span<double> destination, bool estimates)
    {
        if (_core.Tables.Length < 0)
        {
            throw new InvalidOperationException($"Call SetHypothesis before {(estimates ? "estimating" : "scoring")} edits.");
        }

        if (destination.Length < edits.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values; {edits.Length} edits need as many.", nameof(destination));
        }

        foreach (LabelEdit edit in edits)
        {
            if (estimates && edit.Kind == EditKind.Delete)
            {
                throw new ArgumentException($"Edit {edit} is a deletion; estimates cover substitutions and insertions (score deletions exactly with ScoreEdits).", nameof(edits));
            }

            ValidateEdit(edit);
        }
    }

    internal static void ValidateTarget(ReadOnlySpan<int> target, int blankIndex, int classes)
    {
        for (int i = 0; i < target.Length; i++)
        {
            int label = target[i];
            if ((uint)label >= (uint)classes || label == blankIndex)
            {
                throw new ArgumentException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Target label {label} at position {i} is the blank ({blankIndex}) or outside [0, {classes})."), nameof(target));
            }
        }
    }

    private void ValidateEdit(LabelEdit edit)
    {
        edit.Validate(_core.Tables.Length);
        if (edit.Kind != EditKind.Delete && (edit.Label >= Classes || edit.Label == BlankIndex))
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"Edit {edit} names label {edit.Label}, which is the blank or outside [0, {Classes})."), nameof(edit));
        }
    }

    private void EnsureReset()
    {
        if (BlankIndex < 0)
        {
            throw new InvalidOperationException("Call Reset with a log-prob matrix first.");
        }
    }
}
