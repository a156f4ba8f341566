using System.Runtime.CompilerServices;
using Nko.Ctc;

namespace Nko.Candidates;

/// <summary>
/// A <see cref="Candidate"/> encoded as two unsigned words whose lexicographic order is <see cref="Candidate.Compare"/>:
/// smaller = better. Same size as a <see cref="Candidate"/> (16 bytes), so the generator can heap-sort keys in the
/// caller's destination span and decode them in place, with two integer compares per comparison.
/// </summary>
internal readonly struct CandidateKey : IComparable<CandidateKey>
{
    private const uint SignFlip = 0x8000_0000u;

    // [63..32] count, descending (~ of the order-preserving unsigned image); [7..0] kind.
    private readonly ulong _high;

    // [63..32] position, [31..0] label (order-preserving unsigned images of the signed values).
    private readonly ulong _low;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CandidateKey(EditKind kind, int position, int label, int count)
    {
        _high = ((ulong)~((uint)count ^ SignFlip) << 32) | (byte)kind;
        _low = ((ulong)((uint)position ^ SignFlip) << 32) | ((uint)label ^ SignFlip);
    }

    public CandidateKey(Candidate candidate)
        : this(candidate.Edit.Kind, candidate.Edit.Position, candidate.Edit.Label, candidate.PriorCount)
    {
    }

    /// <summary>Whether this key sorts strictly before <paramref name="other"/> (is a strictly better candidate).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsBefore(in CandidateKey other) => _high < other._high || (_high == other._high && _low < other._low);

    /// <summary>Orders keys like <see cref="Candidate.Compare"/> orders candidates (for the final introsort).</summary>
    public int CompareTo(CandidateKey other) => _high != other._high ? (_high < other._high ? -1 : 1) : _low.CompareTo(other._low);

    public Candidate ToCandidate()
    {
        int count = (int)(~(uint)(_high >> 32) ^ SignFlip);
        var kind = (EditKind)(byte)_high;
        int position = (int)((uint)(_low >> 32) ^ SignFlip);
        int label = (int)((uint)_low ^ SignFlip);
        return new Candidate(new LabelEdit(kind, position, label), count);
    }
}
