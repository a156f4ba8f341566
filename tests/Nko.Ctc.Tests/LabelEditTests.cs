using Nko.Ctc;

namespace Nko.Ctc.Tests;

/// <summary>Undefined edit kinds (cast integers) are rejected up front, not treated as insertions.</summary>
public class LabelEditTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(255)]
    public void An_undefined_kind_is_rejected_by_Validate_and_Apply(byte kind)
    {
        var edit = new LabelEdit((EditKind)kind, 0, 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => edit.Validate(2));
        Assert.Equal("Kind", e.ParamName);
        Assert.Contains($"Edit kind {kind} is not defined", e.Message, StringComparison.Ordinal);

        // Apply used to get past Validate and fail on a destination "too short" for an insertion.
        e = Assert.Throws<ArgumentOutOfRangeException>(() => edit.Apply([1, 2], new int[8]));
        Assert.Contains("not defined", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => edit.Apply([1, 2]));
        Assert.DoesNotContain("INS", edit.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_scorer_rejects_an_undefined_kind_instead_of_scoring_an_insertion()
    {
        var scorer = new CtcScorer();
        scorer.Reset(TestMatrices.Random(1, 10, 4), 0);
        scorer.SetHypothesis([1, 2]);
        LabelEdit[] edits = [LabelEdit.Insert(1, 3), new LabelEdit((EditKind)3, 1, 3)];
        double[] scores = new double[2];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => scorer.ScoreEdits(edits, scores));
        Assert.Contains("not defined", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => scorer.ScoreEdit(edits[1]));
    }

    [Fact]
    public void Defined_kinds_still_validate_and_apply()
    {
        int[] labels = [1, 2, 3];
        Assert.Equal([1, 9, 3], LabelEdit.Substitute(1, 9).Apply(labels));
        Assert.Equal([1, 3], LabelEdit.Delete(1).Apply(labels));
        Assert.Equal([1, 2, 3, 9], LabelEdit.Insert(3, 9).Apply(labels));
        Assert.Equal("INS@3+9", LabelEdit.Insert(3, 9).ToString());
    }
}
