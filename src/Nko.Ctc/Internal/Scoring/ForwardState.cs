
namespace Nko.Ctc.Internal.Scoring;

/// <summary>Where a recursion stands between calls: the last row's maximum, the exponents so far, the reach.</summary>
internal struct ForwardState
{
    public double Max; // of the last computed row
    public long Exponent; // sum of the scale exponents so far
    public int ReachB; // B cells that can be non-zero at the last computed frame
    public int ReachY;
}
