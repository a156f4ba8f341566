using static Nko.Ctc.Internal.Scoring.ScoringMath;

namespace Nko.Ctc.Internal.Scoring;

/// <summary>
/// The parts of a <see cref="CtcScorer"/> and what joins them: the emission streams, the target layout, the single
/// target's forward, the hypothesis' tables, the edit splicer, the estimates and the exact fallback. The kernel width
/// is chosen once, when the scorer is created (<see cref="Create"/>): <see cref="ScorerKernels{TL, TS}"/> runs every
/// part at that width, so nothing here switches on it. Arguments are validated by <see cref="CtcScorer"/> before they
/// get here.
/// </summary>
internal abstract class ScorerCore
{
    private int[] _edited = [];

    private protected ScorerCore(SimdWidth width)
    {
        Width = width;
        Streams = new EmissionStreams();
        Layout = new TargetLayout(Streams);
        Forward = new TargetForward(Streams, Layout);
        Tables = new HypothesisTables(Streams, Layout);
        Estimates = new EditEstimates(Streams, Tables);
        Splicer = new EditSplicer(Streams, Tables, Estimates);
        Fallback = new ExactFallback(Streams);
    }

    /// <summary>The kernel width every part runs.</summary>
    public SimdWidth Width { get; }

    public EmissionStreams Streams { get; }

    public TargetLayout Layout { get; }

    public TargetForward Forward { get; }

    public HypothesisTables Tables { get; }

    public EditEstimates Estimates { get; }

    public EditSplicer Splicer { get; }

    public ExactFallback Fallback { get; }

    /// <summary>The core of the widest width this machine runs at or below <paramref name="requested"/>.</summary>
    public static ScorerCore Create(SimdWidth requested)
    {
        SimdWidth width = SimdWidths.Resolve(requested);
        return width switch
        {
            // 512-bit: Lanes8 for the element-wise kernels, Lanes4 where blocks are transposed (see SimdWidth).
            SimdWidth.Vector512 => new ScorerKernels<Lanes4, Lanes8>(width),
            SimdWidth.Vector256 => new ScorerKernels<Lanes4, Lanes4>(width),
            SimdWidth.Vector128 => new ScorerKernels<Lanes2, Lanes2>(width),
            _ => new ScorerKernels<Lanes1, Lanes1>(width),
        };
    }

    /// <summary>Loads a matrix and forgets the hypothesis.</summary>
    public void Reset(LogProbMatrix logProbs, int blankIndex)
    {
        Tables.Clear();
        Layout.LabelsKept = false;
        Load(logProbs, blankIndex);
    }

    /// <summary>The log-likelihood of a target, exact where the fast forward may have lost paths.</summary>
    public double LogLikelihood(ReadOnlySpan<int> target)
    {
        double result = RunForward(target);

        // Probability space loses states that fall ~700 nats below their frame's best state. When that empties every
        // path of an alignable target, the answer -inf would be wrong, so the exact fallback decides (a banded forward,
        // then the log-space reference).
        if ((double.IsNegativeInfinity(result) || Streams.Lossy(target)) && MinimumFramesOf(target) <= Streams.Frames)
        {
            result = Fallback.Run(target);
        }

        return result;
    }

    /// <summary>Sets the hypothesis and computes its tables; returns its log-likelihood.</summary>
    public double SetHypothesis(ReadOnlySpan<int> hypothesis)
    {
        bool alignable = MinimumFramesOf(hypothesis) <= Streams.Frames;
        if (alignable)
        {
            HypothesisTables.TableCells(Streams.Frames, hypothesis.Length); // throws before anything changes when the tables cannot be held
        }

        Estimates.Invalidate();
        double logLikelihood = ComputeTables(hypothesis);

        // The tables lost paths of a possible hypothesis, or its classes have emissions that underflowed (see
        // ExactFallback and Lossy): its likelihood comes from the exact fallback, and with no tables to splice every edit
        // is scored by its own forward, which has the same fallback.
        if (alignable && (double.IsNegativeInfinity(logLikelihood) || Streams.Lossy(hypothesis)))
        {
            Tables.UseFallback(Fallback.Run(hypothesis));
        }

        return Tables.LogLikelihood;
    }

    /// <summary>The exact log-likelihood of the hypothesis with each edit applied.</summary>
    public void Score(ReadOnlySpan<LabelEdit> edits, Span<double> destination)
    {
        if (!Tables.SpliceOk)
        {
            for (int i = 0; i < edits.Length; i++)
            {
                destination[i] = FullForward(edits[i]);
            }

            return;
        }

        Splice(edits);
        double logFinal = Math.Log(Tables.Final), logLikelihood = Tables.LogLikelihood;
        double[] sums = Splicer.Sums;
        for (int i = 0; i < edits.Length; i++)
        {
            double sum = sums[i];
            LabelEdit edit = edits[i];
            destination[i] = sum > 0 && double.IsFinite(sum) && (edit.Kind == EditKind.Delete || !Streams.IsLossy(edit.Label))
                ? Math.Log(sum) - logFinal + logLikelihood
                : FullForward(edit); // infeasible edit, outside the splice's numeric range, or a lossy label: a full forward decides exactly
        }
    }

    /// <summary>The one-frame estimate of each substitution or insertion (the exact score when there are no tables).</summary>
    public void Estimate(ReadOnlySpan<LabelEdit> edits, Span<double> destination)
    {
        if (!Tables.SpliceOk)
        {
            Score(edits, destination);
            return;
        }

        EstimateSpliced(edits, destination);
    }

    private protected abstract void Load(LogProbMatrix logProbs, int blankIndex);

    private protected abstract double RunForward(ReadOnlySpan<int> target);

    private protected abstract double ComputeTables(ReadOnlySpan<int> hypothesis);

    private protected abstract void Splice(ReadOnlySpan<LabelEdit> edits);

    private protected abstract void EstimateSpliced(ReadOnlySpan<LabelEdit> edits, Span<double> destination);

    private double FullForward(LabelEdit edit)
    {
        int length = Tables.Length;
        Grow(ref _edited, length + 1);
        int n = edit.Apply(Tables.Hypothesis.AsSpan(0, length), _edited);
        return LogLikelihood(_edited.AsSpan(0, n));
    }
}
