using Nko.Ctc;
using Nko.Data;

namespace Nko.Benchmarks;

/// <summary>Locates the repository's bundled data from wherever BenchmarkDotNet runs the generated project.</summary>
internal static class BenchmarkData
{
    public static string RepositoryRoot
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "Nko.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            return dir ?? throw new DirectoryNotFoundException("Run the benchmarks from inside the repository (Nko.sln not found).");
        }
    }

    public static CtcDataset Sample => s_sample.Value;

    private static readonly Lazy<CtcDataset> s_sample = new(() => CtcDataset.Load(Path.Combine(RepositoryRoot, "samples", "dev50")));

    /// <summary>The sample row whose hypothesis length is closest to <paramref name="labels"/>.</summary>
    public static int RowWithHypothesisLength(int labels)
    {
        var vocab = CtcVocabulary.NkoBlankFirst;
        return Enumerable.Range(0, Sample.Count)
            .OrderBy(i => Math.Abs(vocab.Encode(Sample.Rows[i].Hypothesis).Length - labels))
            .ThenBy(i => i)
            .First();
    }
}
