
namespace Nko.Ctc.Internal.Scoring;

/// <summary>One substitution or insertion in a vector lane of the splice: where it reads and over which frames.</summary>
internal struct SpliceLane
{
    public int Edit; // index in the batch; -1 for padding lanes
    public int Emit; // offset of e_0(z) in _emit (substitutions, insertions)
    public int In; // offset of the in-table (or, for deletions, the α label table) cell at frame 0
    public int Out; // offset of the out-table cell at frame 0
    public int Start; // first frame where the lane can be non-zero
    public int End; // last frame whose out-cell can be non-zero
}
