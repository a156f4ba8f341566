namespace Nko.Ctc.Internal.Scoring;

/// <summary>
/// Every part of the scorer at one width: <typeparamref name="TL"/> for block transposes, <typeparamref name="TS"/> for
/// element-wise kernels (they differ only at 512 bits, where transposes stay 256-bit).
/// </summary>
internal sealed class ScorerKernels<TL, TS> : ScorerCore
    where TL : struct, ILanes<TL>
    where TS : struct, ILanes<TS>
{
    public ScorerKernels(SimdWidth width)
        : base(width)
    {
    }

    private protected override void Load(LogProbMatrix logProbs, int blankIndex) => Streams.Load<TL, TS>(logProbs, blankIndex);

    private protected override double RunForward(ReadOnlySpan<int> target) => Forward.Run<TL, TS>(target);

    private protected override double ComputeTables(ReadOnlySpan<int> hypothesis) => Tables.Set<TL, TS>(hypothesis);

    private protected override void Splice(ReadOnlySpan<LabelEdit> edits) => Splicer.Splice<TL, TS>(edits);

    private protected override void EstimateSpliced(ReadOnlySpan<LabelEdit> edits, Span<double> destination) => Estimates.Estimate<TS>(edits, destination);
}
