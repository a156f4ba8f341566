using FsCheck.Xunit;
using Nko.Candidates.Tests.Support;
using Nko.Ctc;

namespace Nko.Candidates.Tests;

public sealed class ConfusionMapTests
{
    private static readonly CtcVocabulary First = CtcVocabulary.NkoBlankFirst; // blank 0, labels 1..65
    private static readonly CtcVocabulary Last = CtcVocabulary.NkoBlankLast; // labels 0..64, blank 65

    private static int[] Zeros(CtcVocabulary v) => new int[v.Count];

    [Fact]
    public void Lookups_return_the_entries_and_totals()
    {
        int[] hyp = Zeros(First);
        hyp[3] = 10;
        hyp[5] = 2;
        ConfusionMap map = ConfusionMap.Create(
            First,
            [new(3, 4, 7), new(3, 5, 2), new(5, 3, 1)],
            [new(9, 4)],
            [new(6, -1, 3), new(6, 3, 5), new(7, 3, 5)],
            hyp);

        Assert.Equal(7, map.GetSubstitutionCount(3, 4));
        Assert.Equal(0, map.GetSubstitutionCount(4, 3));
        Assert.Equal(9, map.GetSubstitutionTotal(3));
        Assert.Equal(1, map.GetSubstitutionTotal(5));
        Assert.Equal(4, map.GetDeletionCount(9));
        Assert.Equal(0, map.GetDeletionCount(8));
        Assert.Equal(3, map.GetInsertionCount(6, -1));
        Assert.Equal(5, map.GetInsertionCount(6, 3));
        Assert.Equal(8, map.GetInsertionTotal(6));
        Assert.Equal(10, map.GetHypothesisLabelCount(3));
        Assert.Equal(12, map.TotalHypothesisLabelCount);
        Assert.Equal(10, map.TotalSubstitutionCount);
        Assert.Equal(4, map.TotalDeletionCount);
        Assert.Equal(13, map.TotalInsertionCount);

        Assert.Equal([new SubstitutionEntry(3, 4, 7), new SubstitutionEntry(3, 5, 2)], map.GetSubstitutionsFrom(3).ToArray());
        Assert.Equal([new InsertionEntry(6, 3, 5), new InsertionEntry(7, 3, 5)], map.GetInsertionsAfter(3).ToArray());
        Assert.Equal([new InsertionEntry(6, -1, 3)], map.GetInsertionsAfter(-1).ToArray());
        Assert.True(map.GetSubstitutionsFrom(4).IsEmpty);
    }

    [Theory]
    [InlineData(-5)]
    [InlineData(-2)]
    [InlineData(66)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Lookups_of_ids_outside_the_vocabulary_are_zero_or_empty(int id)
    {
        ConfusionMap map = ConfusionMap.Create(First, [new(3, 4, 7)], [new(9, 4)], [new(6, -1, 3)], Zeros(First));
        Assert.Equal(0, map.GetSubstitutionCount(id, 4));
        Assert.Equal(0, map.GetSubstitutionCount(3, id));
        Assert.Equal(0, map.GetSubstitutionTotal(id));
        Assert.Equal(0, map.GetDeletionCount(id));
        Assert.Equal(0, map.GetInsertionCount(id, -1));
        Assert.Equal(0, map.GetInsertionCount(6, id));
        Assert.Equal(0, map.GetInsertionTotal(id));
        Assert.Equal(0, map.GetHypothesisLabelCount(id));
        Assert.True(map.GetSubstitutionsFrom(id).IsEmpty);
        Assert.True(map.GetInsertionsAfter(id).IsEmpty);
    }

    [Fact]
    public void Entries_keep_their_given_order()
    {
        SubstitutionEntry[] subs = [new(9, 4, 1), new(3, 4, 7), new(3, 2, 7)];
        ConfusionMap map = ConfusionMap.Create(First, subs, [new(9, 4), new(2, 1)], [new(6, 3, 5), new(6, -1, 3)], Zeros(First));
        Assert.Equal(subs, map.Substitutions.ToArray());
        Assert.Equal([new DeletionEntry(9, 4), new DeletionEntry(2, 1)], map.Deletions.ToArray());
        Assert.Equal([new InsertionEntry(6, 3, 5), new InsertionEntry(6, -1, 3)], map.Insertions.ToArray());
        Assert.Equal([new SubstitutionEntry(3, 2, 7), new SubstitutionEntry(3, 4, 7)], map.GetSubstitutionsFrom(3).ToArray());
    }

    public static TheoryData<string, SubstitutionEntry[], DeletionEntry[], InsertionEntry[], int[]?> BadMaps() => new()
    {
        { "substitutions[0].From", [new(0, 4, 1)], [], [], null }, // blank
        { "substitutions[1].From", [new(3, 4, 1), new(66, 4, 1)], [], [], null },
        { "substitutions[0].From", [new(-1, 4, 1)], [], [], null },
        { "substitutions[0].To", [new(3, 0, 1)], [], [], null },
        { "substitutions[0].To", [new(3, 3, 1)], [], [], null },
        { "substitutions[0].Count", [new(3, 4, 0)], [], [], null },
        { "substitutions[0].Count", [new(3, 4, -7)], [], [], null },
        { "substitutions[2]", [new(3, 4, 1), new(4, 3, 1), new(3, 4, 2)], [], [], null },
        { "deletions[0].Label", [], [new(0, 1)], [], null },
        { "deletions[0].Count", [], [new(5, 0)], [], null },
        { "deletions[1]", [], [new(5, 1), new(5, 1)], [], null },
        { "insertions[0].Label", [], [], [new(0, -1, 1)], null },
        { "insertions[0].LeftContext", [], [], [new(5, 0, 1)], null },
        { "insertions[0].LeftContext", [], [], [new(5, -2, 1)], null },
        { "insertions[0].Count", [], [], [new(5, 3, 0)], null },
        { "insertions[1]", [], [], [new(5, -1, 1), new(5, -1, 9)], null },
        { "hypothesisLabelCounts", [], [], [], new int[65] },
        { "hypothesisLabelCounts[4]", [], [], [], [.. new int[4], -1, .. new int[61]] },
        { "hypothesisLabelCounts[0]", [], [], [], [1, .. new int[65]] },
    };

    [Theory]
    [MemberData(nameof(BadMaps))]
    public void Validate_and_Create_name_the_first_problem(string path, SubstitutionEntry[] subs, DeletionEntry[] dels, InsertionEntry[] ins, int[]? hyp)
    {
        hyp ??= Zeros(First);
        ConfusionMapProblem? problem = ConfusionMap.Validate(First, subs, dels, ins, hyp);
        Assert.NotNull(problem);
        Assert.Equal(path, problem.Value.Path);
        Assert.StartsWith(path + ": ", problem.Value.ToString(), StringComparison.Ordinal);

        ArgumentException e = Assert.Throws<ArgumentException>(() => ConfusionMap.Create(First, subs, dels, ins, hyp));
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.ParamName);
    }

    [Fact]
    public void Problems_carry_list_index_and_field()
    {
        ConfusionMapProblem p = ConfusionMap.Validate(First, [new(3, 4, 1)], [], [new(5, 3, 1), new(5, 77, 1)], Zeros(First))!.Value;
        Assert.Equal(ConfusionMap.InsertionsList, p.List);
        Assert.Equal(1, p.Index);
        Assert.Equal("LeftContext", p.Field);
        Assert.Contains("outside the vocabulary", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Blank_position_follows_the_vocabulary()
    {
        // 0 is a label of the blank-last vocabulary and 65 is its blank.
        Assert.Null(ConfusionMap.Validate(Last, [new(0, 1, 1)], [new(0, 1)], [new(0, -1, 1)], Zeros(Last)));
        Assert.Equal("substitutions[0].To", ConfusionMap.Validate(Last, [new(0, 65, 1)], [], [], Zeros(Last))!.Value.Path);
        Assert.Equal("hypothesisLabelCounts[65]", ConfusionMap.Validate(Last, [], [], [], [.. new int[65], 3])!.Value.Path);
    }

    [Fact]
    public void Empty_map_has_nothing()
    {
        ConfusionMap map = ConfusionMap.Empty(Last);
        Assert.Same(Last, map.Vocabulary);
        Assert.Empty(map.Substitutions);
        Assert.Equal(Last.Count, map.HypothesisLabelCounts.Length);
        Assert.Equal(0, map.TotalHypothesisLabelCount);
        Assert.True(map.GetInsertionsAfter(-1).IsEmpty);
    }

    [Fact]
    public void Large_vocabularies_use_sparse_lookups()
    {
        // 600 classes: 360 000 pairs, above the dense limit.
        CtcVocabulary big = CtcVocabulary.Create(Enumerable.Range(0x4E00, 599).Select(c => (char)c).ToArray(), 0);
        ConfusionMap map = ConfusionMap.Create(big, [new(598, 599, 3), new(1, 2, 4)], [], [new(599, 598, 5), new(1, -1, 6)], new int[big.Count]);
        Assert.Equal(3, map.GetSubstitutionCount(598, 599));
        Assert.Equal(0, map.GetSubstitutionCount(599, 598));
        Assert.Equal(5, map.GetInsertionCount(599, 598));
        Assert.Equal(6, map.GetInsertionCount(1, -1));
        Assert.Equal(0, map.GetInsertionCount(1, 600));
        Assert.Single(map.GetSubstitutionsFrom(598).ToArray());
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 300)]
    public void Lookups_agree_with_the_entry_lists(Scenario s)
    {
        ConfusionMap map = s.Map;
        foreach (SubstitutionEntry e in map.Substitutions)
        {
            Assert.Equal(e.Count, map.GetSubstitutionCount(e.From, e.To));
        }

        foreach (InsertionEntry e in map.Insertions)
        {
            Assert.Equal(e.Count, map.GetInsertionCount(e.Label, e.LeftContext));
        }

        foreach (DeletionEntry e in map.Deletions)
        {
            Assert.Equal(e.Count, map.GetDeletionCount(e.Label));
        }

        for (int label = 0; label < s.Vocabulary.Count; label++)
        {
            SubstitutionEntry[] from = map.GetSubstitutionsFrom(label).ToArray();
            Assert.Equal(map.Substitutions.Where(e => e.From == label).OrderByDescending(e => e.Count).ThenBy(e => e.To), from);
            Assert.Equal(from.Sum(e => (long)e.Count), map.GetSubstitutionTotal(label));
            Assert.Equal(map.Insertions.Where(e => e.Label == label).Sum(e => (long)e.Count), map.GetInsertionTotal(label));
        }

        for (int context = -1; context < s.Vocabulary.Count; context++)
        {
            Assert.Equal(
                map.Insertions.Where(e => e.LeftContext == context).OrderByDescending(e => e.Count).ThenBy(e => e.Label),
                map.GetInsertionsAfter(context).ToArray());
        }

        Assert.Null(ConfusionMap.Validate(s.Vocabulary, map.Substitutions.AsSpan(), map.Deletions.AsSpan(), map.Insertions.AsSpan(), map.HypothesisLabelCounts.AsSpan()));
    }
}
