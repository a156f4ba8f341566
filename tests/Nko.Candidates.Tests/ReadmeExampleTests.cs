using Nko.Candidates.Script;
using Nko.Ctc;

namespace Nko.Candidates.Tests;

/// <summary>The package README's example, kept honest.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void Example_produces_what_the_readme_says()
    {
        CtcVocabulary vocabulary = CtcVocabulary.NkoBlankFirst;
        int a = vocabulary.GetId('\u07CA'), e = vocabulary.GetId('\u07CD'), na = vocabulary.GetId('\u07E3');
        int tone = vocabulary.GetId('\u07EB');

        ConfusionMap map = new ConfusionMapBuilder()
            .AddSubstitution(from: e, to: a, count: 178)
            .AddDeletion(tone, count: 125)
            .AddInsertion(na, leftContext: na, count: 40)
            .Build(vocabulary);

        var generator = new CandidateGenerator(map, GeneratorOptions.Default with { MaxCandidates = 32 });
        int[] hypothesis = vocabulary.Encode("\u07D3\u07CD\u07EB\u07E3");
        Span<Candidate> buffer = stackalloc Candidate[generator.MaxCandidates];
        int n = generator.Generate(hypothesis, buffer);

        Assert.Equal(
            [
                new Candidate(LabelEdit.Substitute(1, a), 178),
                new Candidate(LabelEdit.Delete(2), 125),
                new Candidate(LabelEdit.Insert(3, na), 40),
            ],
            buffer[..n].ToArray());

        NkoCharRelation relation = NkoScript.GetRelation('\u07CD', '\u07CA');
        Assert.True(relation.BothVowels);
        Assert.Equal(NkoPairKind.VowelHeight, relation.Pair);
    }
}
