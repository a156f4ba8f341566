using System.Runtime.Intrinsics;

namespace Nko.Ctc.Internal.Scoring;

// Where the N lanes of one group read a table cell, relative to a frame's row: N offsets, or (four lanes) one
// vector load covering all of them and a permutation.
internal struct LaneCells
{
    public nint O0;
    public nint O1;
    public nint O2;
    public nint O3;
    public bool Contiguous;
    public Vector256<int> Control;

    public static LaneCells Of(nint o0, nint o1, nint o2, nint o3, int count)
    {
        var cells = new LaneCells { O0 = o0, O1 = o1, O2 = o2, O3 = o3 };
        if (count == 4)
        {
            nint low = Math.Min(Math.Min(o0, o1), Math.Min(o2, o3));
            nint high = Math.Max(Math.Max(o0, o1), Math.Max(o2, o3));
            if (high - low < 4)
            {
                cells.Contiguous = true;
                cells.O0 = low;
                int c0 = (int)(o0 - low), c1 = (int)(o1 - low), c2 = (int)(o2 - low), c3 = (int)(o3 - low);
                cells.Control = Vector256.Create(2 * c0, (2 * c0) + 1, 2 * c1, (2 * c1) + 1, 2 * c2, (2 * c2) + 1, 2 * c3, (2 * c3) + 1);
            }
        }

        return cells;
    }
}
