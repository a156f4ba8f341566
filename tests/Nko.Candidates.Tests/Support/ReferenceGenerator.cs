using Nko.Ctc;

namespace Nko.Candidates.Tests.Support;

/// <summary>
/// A brute-force statement of the generator's specification, independent of its algorithm: license edits position by
/// position from the raw entry lists, apply every one, group equal sequences, keep the largest count at the leftmost
/// position any single edit of that kind and label yields the sequence at, sort by the total order, truncate.
/// </summary>
internal static class ReferenceGenerator
{
    public static Candidate[] Generate(ConfusionMap map, GeneratorOptions options, int[] hypothesis)
    {
        int n = hypothesis.Length;
        var licensed = new List<Candidate>();
        bool sub = (options.Operations & EditOperations.Substitute) != 0;
        bool del = (options.Operations & EditOperations.Delete) != 0;
        bool ins = (options.Operations & EditOperations.Insert) != 0;

        for (int i = 0; i < n && sub; i++)
        {
            foreach (SubstitutionEntry e in map.Substitutions
                         .Where(e => e.From == hypothesis[i] && e.Count >= options.MinCount)
                         .OrderByDescending(e => e.Count).ThenBy(e => e.To).Take(options.TopKPerLabel))
            {
                licensed.Add(new Candidate(LabelEdit.Substitute(i, e.To), e.Count));
            }
        }

        for (int i = 0; i < n && del; i++)
        {
            foreach (DeletionEntry e in map.Deletions.Where(e => e.Label == hypothesis[i] && e.Count >= options.MinCount))
            {
                licensed.Add(new Candidate(LabelEdit.Delete(i), e.Count));
            }
        }

        for (int p = 0; p <= n && ins; p++)
        {
            int context = p == 0 ? -1 : hypothesis[p - 1];
            foreach (InsertionEntry e in map.Insertions
                         .Where(e => e.LeftContext == context && e.Count >= options.MinCount)
                         .OrderByDescending(e => e.Count).ThenBy(e => e.Label).Take(options.TopKPerLabel))
            {
                licensed.Add(new Candidate(LabelEdit.Insert(p, e.Label), e.Count));
            }
        }

        var merged = new List<Candidate>();
        foreach (IGrouping<string, Candidate> group in licensed.GroupBy(c => Key(c.Edit.Apply(hypothesis))))
        {
            Candidate any = group.First();
            int[] sequence = any.Edit.Apply(hypothesis);
            int limit = any.Kind == EditKind.Insert ? n + 1 : n;
            int position = Enumerable.Range(0, limit)
                .First(p => new LabelEdit(any.Kind, p, any.Edit.Label).Apply(hypothesis).AsSpan().SequenceEqual(sequence));
            merged.Add(new Candidate(new LabelEdit(any.Kind, position, any.Edit.Label), group.Max(c => c.PriorCount)));
        }

        merged.Sort(Candidate.Compare);
        return [.. merged.Take(options.MaxCandidates)];
    }

    public static string Key(int[] sequence) => string.Join(",", sequence);
}
