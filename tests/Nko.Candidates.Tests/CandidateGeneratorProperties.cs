using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Candidates.Tests.Support;
using Nko.Ctc;

namespace Nko.Candidates.Tests;

[Properties(Arbitrary = [typeof(Arbitraries)], MaxTest = 1000)]
public sealed class CandidateGeneratorProperties
{
    [Property]
    public bool Equals_the_brute_force_specification(Scenario s) =>
        s.CreateGenerator().Generate(s.Hypothesis).SequenceEqual(ReferenceGenerator.Generate(s.Map, s.Options, s.Hypothesis));

    // MaxCandidates just below, at and above the number of distinct licensed edits, and well below and above it:
    // the cut falls inside, at the end of, or past the last bucket of tied counts.
    [Property]
    public void Max_candidates_around_the_number_of_edits_keeps_a_prefix_of_all_of_them(Scenario s, byte pick)
    {
        Candidate[] all = ReferenceGenerator.Generate(s.Map, s.Options with { MaxCandidates = GeneratorOptions.Limit }, s.Hypothesis);
        int n = all.Length;
        int[] choices = [n - 1, n, n + 1, n / 2, (n / 3) + 1, 1, 2, (2 * n) + 5];
        int max = Math.Clamp(choices[pick % choices.Length], 1, GeneratorOptions.Limit);
        GeneratorOptions options = s.Options with { MaxCandidates = max };
        Assert.Equal(all.Take(max), new CandidateGenerator(s.Map, options).Generate(s.Hypothesis));
    }

    // Shipped-config-sized inputs: hundreds of licensed edits, MaxCandidates mostly 128.
    [Property(MaxTest = 150)]
    public Property Equals_the_brute_force_specification_on_shipped_sized_inputs() =>
        Prop.ForAll(Arbitraries.LargeScenarioGen().ToArbitrary(), s =>
        {
            Candidate[] expected = ReferenceGenerator.Generate(s.Map, s.Options, s.Hypothesis);
            Assert.Equal(expected, s.CreateGenerator().Generate(s.Hypothesis));
        });

    [Property]
    public void Respects_the_bounds(Scenario s)
    {
        Candidate[] candidates = s.CreateGenerator().Generate(s.Hypothesis);
        Assert.InRange(candidates.Length, 0, s.Options.MaxCandidates);
        foreach (Candidate c in candidates)
        {
            Assert.True(c.PriorCount >= s.Options.MinCount);
            EditOperations op = c.Kind switch
            {
                EditKind.Substitute => EditOperations.Substitute,
                EditKind.Delete => EditOperations.Delete,
                _ => EditOperations.Insert,
            };
            Assert.True((s.Options.Operations & op) != 0);
            c.Edit.Validate(s.Hypothesis.Length);
        }
    }

    [Property]
    public void Is_in_strict_total_order(Scenario s)
    {
        Candidate[] candidates = s.CreateGenerator().Generate(s.Hypothesis);
        for (int i = 1; i < candidates.Length; i++)
        {
            Assert.True(Candidate.Compare(candidates[i - 1], candidates[i]) < 0, $"{candidates[i - 1]} !< {candidates[i]}");
            Assert.True(Candidate.Compare(candidates[i], candidates[i - 1]) > 0);
        }
    }

    [Property]
    public void Every_candidate_is_exactly_one_edit_away_and_stays_in_the_vocabulary(Scenario s)
    {
        foreach (Candidate c in s.CreateGenerator().Generate(s.Hypothesis))
        {
            int[] edited = c.Edit.Apply(s.Hypothesis);
            Assert.Equal(1, Levenshtein.Distance(s.Hypothesis, edited));
            Assert.All(edited, id => Assert.True(s.Vocabulary.IsLabel(id)));
        }
    }

    [Property]
    public void No_two_candidates_yield_the_same_sequence(Scenario s)
    {
        Candidate[] candidates = s.CreateGenerator().Generate(s.Hypothesis);
        string[] keys = [.. candidates.Select(c => ReferenceGenerator.Key(c.Edit.Apply(s.Hypothesis)))];
        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Property]
    public void Edits_sit_at_the_leftmost_equivalent_position(Scenario s)
    {
        int[] h = s.Hypothesis;
        foreach (Candidate c in s.CreateGenerator().Generate(h))
        {
            int p = c.Edit.Position;
            switch (c.Kind)
            {
                case EditKind.Delete:
                    Assert.False(p > 0 && h[p - 1] == h[p]);
                    break;
                case EditKind.Insert:
                    Assert.False(p > 0 && h[p - 1] == c.Edit.Label);
                    break;
                default:
                    Assert.NotEqual(h[p], c.Edit.Label);
                    break;
            }
        }
    }

    [Property]
    public void Prior_counts_come_from_the_licensing_entries(Scenario s)
    {
        int[] h = s.Hypothesis;
        foreach (Candidate c in s.CreateGenerator().Generate(h))
        {
            int p = c.Edit.Position;
            switch (c.Kind)
            {
                case EditKind.Substitute:
                    Assert.Equal(s.Map.GetSubstitutionCount(h[p], c.Edit.Label), c.PriorCount);
                    break;
                case EditKind.Delete:
                    Assert.Equal(s.Map.GetDeletionCount(h[p]), c.PriorCount);
                    break;
                default:
                    int x = c.Edit.Label;
                    int atStart = s.Map.GetInsertionCount(x, p == 0 ? -1 : h[p - 1]);
                    int afterSelf = p < h.Length && h[p] == x ? s.Map.GetInsertionCount(x, x) : 0;
                    Assert.True(c.PriorCount == atStart || c.PriorCount == afterSelf);
                    Assert.True(c.PriorCount <= Math.Max(atStart, afterSelf));
                    break;
            }
        }
    }

    [Property]
    public void Is_deterministic_across_overloads_calls_and_threads(Scenario s)
    {
        CandidateGenerator generator = s.CreateGenerator();
        Candidate[] first = generator.Generate(s.Hypothesis);
        var span = new Candidate[s.Options.MaxCandidates + 3];
        int n = generator.Generate(s.Hypothesis, span);
        Assert.Equal(first, span.AsSpan(0, n).ToArray());
        Candidate[][] parallel = new Candidate[4][];
        Parallel.For(0, parallel.Length, i => parallel[i] = generator.Generate(s.Hypothesis));
        Assert.All(parallel, r => Assert.Equal(first, r));
        Assert.Equal(first, new CandidateGenerator(s.Map, s.Options).Generate(s.Hypothesis));
    }

    [Property]
    public void Fewer_candidates_are_a_prefix_of_more(Scenario s, PositiveInt smaller)
    {
        int max = Math.Min(smaller.Get, s.Options.MaxCandidates);
        Candidate[] all = s.CreateGenerator().Generate(s.Hypothesis);
        Candidate[] some = new CandidateGenerator(s.Map, s.Options with { MaxCandidates = max }).Generate(s.Hypothesis);
        Assert.Equal(all.Take(max), some);
    }
}
