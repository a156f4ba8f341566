using Nko.Ctc;
using Nko.Testing;

namespace Nko.Candidates.Tests;

public sealed class CandidateGeneratorTests
{
    private static readonly CtcVocabulary Vocabulary = CtcVocabulary.NkoBlankFirst;

    // Labels of the blank-first vocabulary.
    private static readonly int A = Id('\u07CA'), EE = Id('\u07CB'), I = Id('\u07CC'), E = Id('\u07CD'), BA = Id('\u07D3'), KA = Id('\u07DE'), GBA = Id('\u07DC'), NA = Id('\u07E3'), Tone = Id('\u07EB'), Space = Id(' ');

    [Fact]
    public void Substitutions_follow_top_k_and_min_count()
    {
        ConfusionMap map = new ConfusionMapBuilder()
            .AddSubstitution(E, A, 10).AddSubstitution(E, EE, 7).AddSubstitution(E, I, 7).AddSubstitution(E, NA, 1)
            .Build(Vocabulary);
        var generator = new CandidateGenerator(map, new GeneratorOptions { TopKPerLabel = 2, MinCount = 2 });

        Candidate[] candidates = generator.Generate([BA, E]);

        Assert.Equal([new Candidate(LabelEdit.Substitute(1, A), 10), new Candidate(LabelEdit.Substitute(1, EE), 7)], candidates);
    }

    [Fact]
    public void Deletion_in_a_run_is_proposed_once_at_the_start_of_the_run()
    {
        ConfusionMap map = new ConfusionMapBuilder().AddDeletion(Tone, 5).AddDeletion(A, 3).Build(Vocabulary);
        var generator = new CandidateGenerator(map, GeneratorOptions.Default);

        Candidate[] candidates = generator.Generate([BA, Tone, Tone, Tone, A, Tone]);

        Assert.Equal(
            [
                new Candidate(LabelEdit.Delete(1), 5),
                new Candidate(LabelEdit.Delete(5), 5),
                new Candidate(LabelEdit.Delete(4), 3),
            ],
            candidates);
    }

    [Fact]
    public void Insertion_next_to_a_run_of_the_same_label_is_merged_at_the_run_start_with_the_larger_count()
    {
        // NA dropped after BA (count 4) and NA dropped after NA (count 9, a doubled letter collapsed by CTC).
        ConfusionMap map = new ConfusionMapBuilder().AddInsertion(NA, BA, 4).AddInsertion(NA, NA, 9).Build(Vocabulary);
        var generator = new CandidateGenerator(map, GeneratorOptions.Default);

        // BA NA NA A: inserting NA at 1, 2 or 3 all give BA NA NA NA A.
        Candidate[] candidates = generator.Generate([BA, NA, NA, A]);

        Assert.Equal([new Candidate(LabelEdit.Insert(1, NA), 9)], candidates);
    }

    [Fact]
    public void Insertion_licensed_only_after_itself_moves_to_the_start_of_the_run()
    {
        ConfusionMap map = new ConfusionMapBuilder().AddInsertion(A, A, 3).Build(Vocabulary);
        var generator = new CandidateGenerator(map, GeneratorOptions.Default);

        Assert.Equal([new Candidate(LabelEdit.Insert(0, A), 3)], generator.Generate([A, A]));
        Assert.Equal([new Candidate(LabelEdit.Insert(1, A), 3)], generator.Generate([BA, A, BA]));
        Assert.Empty(generator.Generate([BA, KA]));
    }

    [Fact]
    public void Merged_insertion_takes_its_place_among_tied_insertions_by_label()
    {
        // After BA: A and KA (count 5). E after E (count 5) licenses E at the start of a run of E, so at 1 in BA E:
        // A < E < KA by label, although E comes from another list.
        ConfusionMap map = new ConfusionMapBuilder().AddInsertion(A, BA, 5).AddInsertion(KA, BA, 5).AddInsertion(E, E, 5).Build(Vocabulary);
        Candidate[] expected =
        [
            new Candidate(LabelEdit.Insert(1, A), 5),
            new Candidate(LabelEdit.Insert(1, E), 5),
            new Candidate(LabelEdit.Insert(1, KA), 5),
        ];

        for (int max = 1; max <= 4; max++)
        {
            var generator = new CandidateGenerator(map, new GeneratorOptions { MaxCandidates = max });
            Assert.Equal(expected.Take(max), generator.Generate([BA, E]));
        }

        // E after BA too (count 3): merged with E after E, the larger count wins, still in label order.
        map = new ConfusionMapBuilder().AddInsertion(A, BA, 5).AddInsertion(KA, BA, 5).AddInsertion(E, BA, 3).AddInsertion(E, E, 5).Build(Vocabulary);
        Assert.Equal(expected, new CandidateGenerator(map, GeneratorOptions.Default).Generate([BA, E, E]));

        // E after BA beats E after E (count 9): E first.
        map = new ConfusionMapBuilder().AddInsertion(A, BA, 5).AddInsertion(KA, BA, 5).AddInsertion(E, BA, 9).AddInsertion(E, E, 5).Build(Vocabulary);
        Assert.Equal(
            [new Candidate(LabelEdit.Insert(1, E), 9), expected[0], expected[2]],
            new CandidateGenerator(map, GeneratorOptions.Default).Generate([BA, E]));
    }

    [Fact]
    public void Maps_with_many_distinct_counts_use_a_pooled_histogram_with_the_same_output_and_no_allocation()
    {
        int[] labels = [.. Enumerable.Range(0, Vocabulary.Count).Where(Vocabulary.IsLabel)];
        var builder = new ConfusionMapBuilder();
        int count = 1;
        foreach (int from in labels)
        {
            foreach (int to in labels.Where(to => to != from))
            {
                builder.AddSubstitution(from, to, count++);
            }

            builder.AddDeletion(from, count++);
            builder.AddInsertion(from, from, count++);
        }

        ConfusionMap map = builder.Build(Vocabulary);
        var random = new Random(11);
        int[] hypothesis = [.. Enumerable.Range(0, 46).Select(_ => labels[random.Next(labels.Length)])];
        foreach (GeneratorOptions options in new[] { GeneratorOptions.Default with { MinCount = 1, TopKPerLabel = GeneratorOptions.Limit }, GeneratorOptions.Default with { MaxCandidates = 5000, MinCount = 1, TopKPerLabel = 100 } })
        {
            var generator = new CandidateGenerator(map, options);
            Assert.True(generator.RankCount > CandidateGenerator.StackHistogramRanks);
            Assert.Equal(Support.ReferenceGenerator.Generate(map, options, hypothesis), generator.Generate(hypothesis));

            var destination = new Candidate[generator.MaxCandidates];
            generator.Generate(hypothesis, destination);
            Assert.Equal(0, AllocationProbe.Fewest(() => generator.Generate(hypothesis, destination)));
        }
    }

    [Fact]
    public void Insertions_at_the_start_use_the_utterance_start_context()
    {
        ConfusionMap map = new ConfusionMapBuilder().AddInsertion(Space, InsertionEntry.UtteranceStart, 2).AddInsertion(A, KA, 6).Build(Vocabulary);
        var generator = new CandidateGenerator(map, GeneratorOptions.Default);

        Assert.Equal([new Candidate(LabelEdit.Insert(0, Space), 2)], generator.Generate([]));
        Assert.Equal(
            [new Candidate(LabelEdit.Insert(2, A), 6), new Candidate(LabelEdit.Insert(0, Space), 2)],
            generator.Generate([BA, KA]));
    }

    [Fact]
    public void Order_is_count_then_kind_then_position_then_label_and_truncation_keeps_the_first()
    {
        ConfusionMap map = new ConfusionMapBuilder()
            .AddSubstitution(GBA, KA, 5).AddSubstitution(GBA, BA, 5)
            .AddDeletion(GBA, 5)
            .AddInsertion(A, GBA, 5)
            .AddSubstitution(A, E, 8)
            .Build(Vocabulary);
        var generator = new CandidateGenerator(map, GeneratorOptions.Default);

        Candidate[] all = generator.Generate([GBA, A]);
        Assert.Equal(
            [
                new Candidate(LabelEdit.Substitute(1, E), 8),
                new Candidate(LabelEdit.Substitute(0, BA), 5),
                new Candidate(LabelEdit.Substitute(0, KA), 5),
                new Candidate(LabelEdit.Delete(0), 5),
                new Candidate(LabelEdit.Insert(1, A), 5),
            ],
            all);

        var three = new CandidateGenerator(map, new GeneratorOptions { MaxCandidates = 3 });
        Assert.Equal(all[..3], three.Generate([GBA, A]));
    }

    [Fact]
    public void Disabled_operations_are_not_proposed()
    {
        ConfusionMap map = new ConfusionMapBuilder().AddSubstitution(A, E, 5).AddDeletion(A, 5).AddInsertion(A, A, 5).Build(Vocabulary);

        Assert.All(new CandidateGenerator(map, new GeneratorOptions { Operations = EditOperations.Delete }).Generate([A]), c => Assert.Equal(EditKind.Delete, c.Kind));
        Assert.All(new CandidateGenerator(map, new GeneratorOptions { Operations = EditOperations.Insert }).Generate([A]), c => Assert.Equal(EditKind.Insert, c.Kind));
        Assert.Empty(new CandidateGenerator(map, new GeneratorOptions { Operations = EditOperations.None }).Generate([A]));
        Assert.Equal(3, new CandidateGenerator(map, GeneratorOptions.Default).Generate([A]).Length);
    }

    [Fact]
    public void Empty_map_or_empty_hypothesis_gives_no_candidates()
    {
        var generator = new CandidateGenerator(ConfusionMap.Empty(Vocabulary), GeneratorOptions.Default);
        Assert.Empty(generator.Generate([]));
        Assert.Empty(generator.Generate([A, BA, Space]));
    }

    [Fact]
    public void Rejects_blank_and_out_of_vocabulary_hypothesis_labels()
    {
        var generator = new CandidateGenerator(ConfusionMap.Empty(Vocabulary), GeneratorOptions.Default);
        ArgumentException blank = Assert.Throws<ArgumentException>(() => generator.Generate([A, Vocabulary.BlankIndex]));
        Assert.Contains("hypothesis[1]", blank.Message, StringComparison.Ordinal);
        Assert.Equal("hypothesis", blank.ParamName);
        Assert.Throws<ArgumentException>(() => generator.Generate([66]));
        Assert.Throws<ArgumentException>(() => generator.Generate([-1]));
    }

    [Fact]
    public void Rejects_a_destination_shorter_than_max_candidates()
    {
        var generator = new CandidateGenerator(ConfusionMap.Empty(Vocabulary), new GeneratorOptions { MaxCandidates = 4 });
        ArgumentException e = Assert.Throws<ArgumentException>(() => generator.Generate([A], new Candidate[3]));
        Assert.Equal("destination", e.ParamName);
        Assert.Equal(0, generator.Generate([A], new Candidate[4]));
    }

    [Fact]
    public void Rejects_a_map_of_another_vocabulary()
    {
        ConfusionMap map = ConfusionMap.Empty(CtcVocabulary.NkoBlankLast);
        Assert.Throws<ArgumentException>(() => new CandidateGenerator(map, GeneratorOptions.Default, Vocabulary));
        Assert.Same(map, new CandidateGenerator(map, GeneratorOptions.Default, CtcVocabulary.CreateNko(blankFirst: false)).Map);
        Assert.Throws<ArgumentNullException>(() => new CandidateGenerator(null!, GeneratorOptions.Default));
        Assert.Throws<ArgumentNullException>(() => new CandidateGenerator(map, null!));
    }

    [Fact]
    public void Span_overload_allocates_nothing()
    {
        var builder = new ConfusionMapBuilder();
        var random = new Random(7);
        int[] labels = [.. Enumerable.Range(0, Vocabulary.Count).Where(Vocabulary.IsLabel)];
        for (int i = 0; i < 2000; i++)
        {
            int a = labels[random.Next(labels.Length)], b = labels[random.Next(labels.Length)];
            if (a != b)
            {
                builder.AddSubstitution(a, b, random.Next(1, 50));
            }

            builder.AddInsertion(b, random.Next(3) == 0 ? -1 : a, random.Next(1, 50));
            builder.AddDeletion(a, random.Next(1, 50));
        }

        var generator = new CandidateGenerator(builder.Build(Vocabulary), GeneratorOptions.Default);
        int[] hypothesis = [.. Enumerable.Range(0, 120).Select(_ => labels[random.Next(labels.Length)])];
        var destination = new Candidate[generator.MaxCandidates];
        int n = generator.Generate(hypothesis, destination); // warm-up (JIT, statics)
        Assert.Equal(generator.MaxCandidates, n);

        Assert.Equal(0, AllocationProbe.Fewest(() => generator.Generate(hypothesis, destination)));
    }

    [Fact]
    public void Exposes_its_inputs()
    {
        ConfusionMap map = ConfusionMap.Empty(Vocabulary);
        GeneratorOptions options = GeneratorOptions.Default with { MaxCandidates = 9 };
        var generator = new CandidateGenerator(map, options);
        Assert.Same(map, generator.Map);
        Assert.Same(options, generator.Options);
        Assert.Same(Vocabulary, generator.Vocabulary);
        Assert.Equal(9, generator.MaxCandidates);
    }

    private static int Id(char c) => Vocabulary.GetId(c);
}
