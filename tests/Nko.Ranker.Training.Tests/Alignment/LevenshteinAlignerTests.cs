using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Candidates;
using Nko.Ctc;
using Nko.Ranker.Evaluation;
using Nko.Ranker.Training.Alignment;
using K = Nko.Ranker.Training.Alignment.AlignmentOpKind;

namespace Nko.Ranker.Training.Tests.Alignment;

public sealed class LevenshteinAlignerTests
{
    private static readonly CtcVocabulary V = CtcVocabulary.NkoBlankFirst;

    // Three N'Ko letters, named for the reader: A = ߊ (U+07CA), B = ߓ (U+07D3), K = ߞ (U+07DE).
    private static readonly int A = V.GetId('ߊ');
    private static readonly int B = V.GetId('ߓ');
    private static readonly int Kk = V.GetId('ߞ');

    private static AlignmentOp[] Align(string hypothesis, string reference) => LevenshteinAligner.Align(V.Encode(hypothesis), V.Encode(reference));

    [Fact]
    public void Identical_sequences_are_all_matches()
    {
        AlignmentOp[] ops = Align("ߊߓߞ", "ߊߓߞ");
        Assert.Equal([new(K.Match, 0, A, A, -1), new(K.Match, 1, B, B, -1), new(K.Match, 2, Kk, Kk, -1)], ops);
    }

    [Fact]
    public void A_substitution_names_the_hypothesis_label_and_the_reference_label()
    {
        Assert.Equal([new(K.Match, 0, A, A, -1), new(K.Substitution, 1, B, Kk, -1)], Align("ߊߓ", "ߊߞ"));
    }

    [Fact]
    public void A_recogniser_insertion_is_an_insertion_step_at_its_hypothesis_position()
    {
        Assert.Equal([new(K.Match, 0, A, A, -1), new(K.Insertion, 1, B, -1, -1), new(K.Match, 2, Kk, Kk, -1)], Align("ߊߓߞ", "ߊߞ"));
    }

    [Fact]
    public void A_recogniser_deletion_is_a_deletion_step_before_the_next_hypothesis_label_with_its_left_context()
    {
        Assert.Equal([new(K.Match, 0, A, A, -1), new(K.Deletion, 1, -1, B, A), new(K.Match, 1, Kk, Kk, -1)], Align("ߊߞ", "ߊߓߞ"));
    }

    [Fact]
    public void A_deletion_at_the_start_has_no_left_context()
    {
        Assert.Equal([new(K.Deletion, 0, -1, B, InsertionEntry.UtteranceStart), new(K.Match, 0, Kk, Kk, -1)], Align("ߞ", "ߓߞ"));
    }

    [Fact]
    public void A_deletion_at_the_end_has_the_last_label_as_left_context()
    {
        Assert.Equal([new(K.Match, 0, A, A, -1), new(K.Deletion, 1, -1, B, A)], Align("ߊ", "ߊߓ"));
    }

    [Fact]
    public void Empty_sides_align_to_pure_insertions_or_deletions()
    {
        Assert.Empty(Align(string.Empty, string.Empty));
        Assert.Equal([new(K.Insertion, 0, A, -1, -1), new(K.Insertion, 1, B, -1, -1)], Align("ߊߓ", string.Empty));
        Assert.Equal([new(K.Deletion, 0, -1, A, -1), new(K.Deletion, 0, -1, B, -1)], Align(string.Empty, "ߊߓ"));
    }

    [Fact]
    public void Spaces_are_labels_like_any_other()
    {
        // The recogniser split a word: the spurious space is an insertion (a DEL correction removes it).
        AlignmentOp[] ops = Align("ߊ ߓ", "ߊߓ");
        Assert.Equal([new(K.Match, 0, A, A, -1), new(K.Insertion, 1, V.GetId(' '), -1, -1), new(K.Match, 2, B, B, -1)], ops);
    }

    // Tie-breaking, as documented on LevenshteinAligner: reading from the end, match, then substitution, then a
    // hypothesis insertion, then a deletion; so gaps land as early as possible.
    [Fact]
    public void Tie_a_doubled_label_marks_the_first_copy_as_the_insertion()
    {
        Assert.Equal([new(K.Insertion, 0, A, -1, -1), new(K.Match, 1, A, A, -1)], Align("ߊߊ", "ߊ"));
        Assert.Equal([new(K.Match, 0, B, B, -1), new(K.Insertion, 1, A, -1, -1), new(K.Match, 2, A, A, -1), new(K.Match, 3, Kk, Kk, -1)], Align("ߓߊߊߞ", "ߓߊߞ"));
    }

    [Fact]
    public void Tie_a_dropped_repeat_is_inserted_before_the_run_with_the_label_before_the_run_as_context()
    {
        Assert.Equal([new(K.Match, 0, A, A, -1), new(K.Deletion, 1, -1, Kk, A), new(K.Match, 1, Kk, Kk, -1)], Align("ߊߞ", "ߊߞߞ"));
    }

    [Fact]
    public void Tie_a_substitution_is_taken_late_and_the_gap_early()
    {
        // "ߊߓ" → "ߞ": (INS ߊ, SUB ߓ→ߞ) and (SUB ߊ→ߞ, INS ߓ) both cost 2; the substitution is kept at the end.
        Assert.Equal([new(K.Insertion, 0, A, -1, -1), new(K.Substitution, 1, B, Kk, -1)], Align("ߊߓ", "ߞ"));

        // "ߊ" → "ߓߞ": (DEL ߓ, SUB ߊ→ߞ) and (SUB ߊ→ߓ, DEL ߞ) both cost 2.
        Assert.Equal([new(K.Deletion, 0, -1, B, -1), new(K.Substitution, 0, A, Kk, -1)], Align("ߊ", "ߓߞ"));
    }

    [Fact]
    public void Tie_an_insertion_wins_over_a_deletion_when_both_are_optimal()
    {
        // "ߊߓߊ" → "ߓߊߓ" costs 2; from the end both an insertion (of ߊ) and a deletion (of ߓ) are optimal: the insertion wins.
        Assert.Equal(
            [new(K.Deletion, 0, -1, B, -1), new(K.Match, 0, A, A, -1), new(K.Match, 1, B, B, -1), new(K.Insertion, 2, A, -1, -1)],
            Align("ߊߓߊ", "ߓߊߓ"));
    }

    [Fact]
    public void Counts_of_hand_made_pairs_become_the_confusion_maps()
    {
        (int[], int[])[] pairs =
        [
            (V.Encode("ߊߓ"), V.Encode("ߊߞ")),   // SUB ߓ→ߞ
            (V.Encode("ߓߓ"), V.Encode("ߓߞ")),   // SUB ߓ→ߞ
            (V.Encode("ߊߓߞ"), V.Encode("ߊߞ")),  // recogniser inserted ߓ → delete ߓ
            (V.Encode("ߊߞ"), V.Encode("ߊߓߞ")),  // recogniser dropped ߓ after ߊ → insert ߓ after ߊ
            (V.Encode("ߞ"), V.Encode("ߓߞ")),    // recogniser dropped ߓ at the start
        ];
        ConfusionMap map = RankerTrainer.CountConfusions(pairs, V, minCount: 1);
        Assert.Equal([new SubstitutionEntry(B, Kk, 2)], map.Substitutions.ToArray());
        Assert.Equal([new DeletionEntry(B, 1)], map.Deletions.ToArray());
        Assert.Equal(1, map.GetInsertionCount(B, A));
        Assert.Equal(1, map.GetInsertionCount(B, InsertionEntry.UtteranceStart));
        Assert.Equal(2, map.Insertions.Length);

        // Hypothesis label counts (the priors' denominators) count every label of every hypothesis.
        Assert.Equal(3, map.GetHypothesisLabelCount(A));
        Assert.Equal(4, map.GetHypothesisLabelCount(B));
        Assert.Equal(3, map.GetHypothesisLabelCount(Kk));

        // The minimum count drops rare entries but keeps the hypothesis counts.
        ConfusionMap pruned = RankerTrainer.CountConfusions(pairs, V, minCount: 2);
        Assert.Equal([new SubstitutionEntry(B, Kk, 2)], pruned.Substitutions.ToArray());
        Assert.Empty(pruned.Deletions);
        Assert.Empty(pruned.Insertions);
        Assert.Equal(4, pruned.GetHypothesisLabelCount(B));
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(Arbitraries)])]
    public Property Alignment_is_optimal_consistent_and_chooses_the_documented_tie(Pair pair)
    {
        int[] h = pair.Hypothesis, r = pair.Reference;
        AlignmentOp[] ops = LevenshteinAligner.Align(h, r);

        // Cost equals the Levenshtein distance, and the steps rebuild both sides.
        int cost = ops.Count(o => o.Kind != K.Match);
        Assert.Equal(EditDistance.Levenshtein<int>(h, r), cost);
        Assert.Equal(h, ops.Where(o => o.Kind != K.Deletion).Select(o => o.HypothesisLabel));
        Assert.Equal(r, ops.Where(o => o.Kind != K.Insertion).Select(o => o.ReferenceLabel));
        int at = 0;
        foreach (AlignmentOp o in ops)
        {
            Assert.Equal(at, o.HypothesisIndex);
            if (o.Kind == K.Deletion)
            {
                Assert.Equal(at > 0 ? h[at - 1] : -1, o.LeftContext);
            }
            else
            {
                Assert.Equal(-1, o.LeftContext);
                Assert.Equal(o.Kind == K.Match, o.HypothesisLabel == o.ReferenceLabel);
                at++;
            }
        }

        // Among all optimal alignments (enumerated by brute force), the chosen one is the first when compared step by
        // step from the end with Match < Substitution < Insertion < Deletion.
        K[] expected = BruteForce.AllOptimal(h, r).Select(a => a.Reverse().ToArray()).Order(BruteForce.Lexicographic).First();
        return ops.Select(o => o.Kind).Reverse().SequenceEqual(expected).Label($"{string.Join(",", ops.Select(o => o.Kind))}");
    }

    public sealed record Pair(int[] Hypothesis, int[] Reference)
    {
        public override string ToString() => $"[{string.Join(",", Hypothesis)}] → [{string.Join(",", Reference)}]";
    }

    public static class Arbitraries
    {
        public static Arbitrary<Pair> Pairs() =>
            (from n in Gen.Choose(0, 5)
             from m in Gen.Choose(0, 5)
             from h in Gen.ArrayOf(Gen.Choose(1, 3), n)
             from r in Gen.ArrayOf(Gen.Choose(1, 3), m)
             select new Pair(h, r)).ToArbitrary();
    }

    private static class BruteForce
    {
        public static readonly Comparer<K[]> Lexicographic = Comparer<K[]>.Create((x, y) =>
        {
            for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
            {
                int c = x[i].CompareTo(y[i]);
                if (c != 0)
                {
                    return c;
                }
            }

            return x.Length.CompareTo(y.Length);
        });

        // Every alignment (as kinds from the start) whose cost is minimal, by exhaustive recursion.
        public static List<K[]> AllOptimal(int[] h, int[] r)
        {
            var all = new List<(int Cost, K[] Kinds)>();
            Walk(h, r, 0, 0, [], 0, all);
            int best = all.Min(a => a.Cost);
            return [.. all.Where(a => a.Cost == best).Select(a => a.Kinds)];
        }

        private static void Walk(int[] h, int[] r, int i, int j, List<K> path, int cost, List<(int, K[])> all)
        {
            if (i == h.Length && j == r.Length)
            {
                all.Add((cost, [.. path]));
                return;
            }

            if (i < h.Length && j < r.Length)
            {
                bool same = h[i] == r[j];
                path.Add(same ? K.Match : K.Substitution);
                Walk(h, r, i + 1, j + 1, path, cost + (same ? 0 : 1), all);
                path.RemoveAt(path.Count - 1);
            }

            if (i < h.Length)
            {
                path.Add(K.Insertion);
                Walk(h, r, i + 1, j, path, cost + 1, all);
                path.RemoveAt(path.Count - 1);
            }

            if (j < r.Length)
            {
                path.Add(K.Deletion);
                Walk(h, r, i, j + 1, path, cost + 1, all);
                path.RemoveAt(path.Count - 1);
            }
        }
    }
}
