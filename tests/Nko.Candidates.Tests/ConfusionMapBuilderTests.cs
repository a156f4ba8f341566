using Nko.Ctc;

namespace Nko.Candidates.Tests;

public sealed class ConfusionMapBuilderTests
{
    private static readonly CtcVocabulary Vocabulary = CtcVocabulary.NkoBlankFirst;

    [Fact]
    public void Accumulates_counts_and_emits_canonical_order()
    {
        ConfusionMap map = new ConfusionMapBuilder()
            .AddSubstitution(5, 3).AddSubstitution(3, 9, 2).AddSubstitution(5, 3, 4).AddSubstitution(3, 4)
            .AddDeletion(7).AddDeletion(2, 3).AddDeletion(7)
            .AddInsertion(4, 3).AddInsertion(4, -1, 2).AddInsertion(1, 3).AddInsertion(4, 3)
            .AddHypothesis([3, 3, 5]).AddHypothesisLabel(9, 4)
            .Build(Vocabulary);

        Assert.Equal([new SubstitutionEntry(3, 4, 1), new SubstitutionEntry(3, 9, 2), new SubstitutionEntry(5, 3, 5)], map.Substitutions.ToArray());
        Assert.Equal([new DeletionEntry(2, 3), new DeletionEntry(7, 2)], map.Deletions.ToArray());
        Assert.Equal([new InsertionEntry(4, -1, 2), new InsertionEntry(1, 3, 1), new InsertionEntry(4, 3, 2)], map.Insertions.ToArray());
        Assert.Equal(2, map.GetHypothesisLabelCount(3));
        Assert.Equal(4, map.GetHypothesisLabelCount(9));
        Assert.Equal(7, map.TotalHypothesisLabelCount);
    }

    [Fact]
    public void Rejects_bad_arguments_immediately()
    {
        var b = new ConfusionMapBuilder();
        Assert.Throws<ArgumentException>(() => b.AddSubstitution(3, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.AddSubstitution(-1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.AddSubstitution(1, 3, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.AddDeletion(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.AddInsertion(1, -2));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.AddHypothesisLabel(-3));
    }

    [Fact]
    public void Build_validates_against_the_vocabulary()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new ConfusionMapBuilder().AddSubstitution(3, 0).Build(Vocabulary));
        Assert.StartsWith("substitutions[0].To", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new ConfusionMapBuilder().AddHypothesisLabel(70).Build(Vocabulary));
        Assert.StartsWith("hypothesisLabelCounts[70]", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new ConfusionMapBuilder().AddHypothesisLabel(0).Build(Vocabulary));
        Assert.StartsWith("hypothesisLabelCounts[0]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_beyond_int_range_fail_at_build()
    {
        var b = new ConfusionMapBuilder().AddDeletion(3, int.MaxValue).AddDeletion(3, 1);
        Assert.Throws<InvalidOperationException>(() => b.Build(Vocabulary));
    }

    [Fact]
    public void Build_can_be_called_again_after_more_counts()
    {
        var b = new ConfusionMapBuilder().AddDeletion(3);
        ConfusionMap first = b.Build(Vocabulary);
        b.AddDeletion(3);
        Assert.Equal(1, first.GetDeletionCount(3));
        Assert.Equal(2, b.Build(Vocabulary).GetDeletionCount(3));
    }
}
