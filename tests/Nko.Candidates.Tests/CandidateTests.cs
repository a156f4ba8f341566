using Nko.Ctc;

namespace Nko.Candidates.Tests;

public sealed class CandidateTests
{
    [Fact]
    public void Compare_orders_by_count_kind_position_label()
    {
        Candidate[] ordered =
        [
            new(LabelEdit.Insert(9, 9), 10),
            new(LabelEdit.Substitute(5, 3), 4),
            new(LabelEdit.Substitute(5, 7), 4),
            new(LabelEdit.Substitute(6, 1), 4),
            new(LabelEdit.Delete(0), 4),
            new(LabelEdit.Delete(2), 4),
            new(LabelEdit.Insert(0, 8), 4),
            new(LabelEdit.Insert(1, 2), 4),
            new(LabelEdit.Insert(1, 3), 4),
            new(LabelEdit.Substitute(0, 1), 1),
        ];
        for (int i = 0; i < ordered.Length; i++)
        {
            for (int j = 0; j < ordered.Length; j++)
            {
                Assert.Equal(Math.Sign(i.CompareTo(j)), Math.Sign(Candidate.Compare(ordered[i], ordered[j])));
            }
        }
    }

    [Fact]
    public void Exposes_kind_and_prints_edit_and_count()
    {
        var c = new Candidate(LabelEdit.Delete(3), 12);
        Assert.Equal(EditKind.Delete, c.Kind);
        Assert.Equal("DEL@3 (count 12)", c.ToString());
    }
}
