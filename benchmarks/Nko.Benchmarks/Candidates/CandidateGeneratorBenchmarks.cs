using BenchmarkDotNet.Attributes;
using Nko.Candidates;
using Nko.Ctc;

namespace Nko.Benchmarks.Candidates;

/// <summary>
/// Candidate generation for one sample hypothesis of about <see cref="Labels"/> labels, with confusion maps learned
/// (by a plain Levenshtein alignment) from the bundled sample rows. One call = one correction round.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CandidateGeneratorBenchmarks
{
    private CandidateGenerator _generator = null!;
    private int[] _hypothesis = [];
    private Candidate[] _destination = [];

    [Params(20, 45, 90)]
    public int Labels { get; set; }

    [Params(64, 256)]
    public int MaxCandidates { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        CtcVocabulary vocabulary = CtcVocabulary.NkoBlankFirst;
        var builder = new ConfusionMapBuilder();
        foreach (var row in BenchmarkData.Sample.Rows)
        {
            if (row.Reference is null)
            {
                continue;
            }

            int[] hyp = vocabulary.Encode(row.Hypothesis);
            int[] reference = vocabulary.Encode(row.Reference);
            builder.AddHypothesis(hyp);
            Align(hyp, reference, builder);
        }

        var options = new GeneratorOptions { MaxCandidates = MaxCandidates, MinCount = 1, TopKPerLabel = 8 };
        _generator = new CandidateGenerator(builder.Build(vocabulary), options);
        _hypothesis = vocabulary.Encode(BenchmarkData.Sample.Rows[BenchmarkData.RowWithHypothesisLength(Labels)].Hypothesis);
        _destination = new Candidate[MaxCandidates];
    }

    [Benchmark(Description = "Generate (span, allocation-free)")]
    public int Generate() => _generator.Generate(_hypothesis, _destination);

    // Levenshtein alignment with a deterministic backtrace; counts SUB (hyp→ref), DEL (spurious hyp label) and INS
    // (dropped ref label after the previous hyp label).
    private static void Align(int[] hyp, int[] reference, ConfusionMapBuilder builder)
    {
        int n = hyp.Length, m = reference.Length;
        int[,] d = new int[n + 1, m + 1];
        for (int i = 0; i <= n; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= m; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= n; i++)
        {
            for (int j = 1; j <= m; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (hyp[i - 1] == reference[j - 1] ? 0 : 1));
            }
        }

        for (int i = n, j = m; i > 0 || j > 0;)
        {
            if (i > 0 && j > 0 && d[i, j] == d[i - 1, j - 1] + (hyp[i - 1] == reference[j - 1] ? 0 : 1))
            {
                if (hyp[i - 1] != reference[j - 1])
                {
                    builder.AddSubstitution(hyp[i - 1], reference[j - 1]);
                }

                i--;
                j--;
            }
            else if (i > 0 && d[i, j] == d[i - 1, j] + 1)
            {
                builder.AddDeletion(hyp[i - 1]);
                i--;
            }
            else
            {
                builder.AddInsertion(reference[j - 1], i == 0 ? InsertionEntry.UtteranceStart : hyp[i - 1]);
                j--;
            }
        }
    }
}
