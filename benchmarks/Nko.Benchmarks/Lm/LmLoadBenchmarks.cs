using BenchmarkDotNet.Attributes;
using Nko.Lm;

namespace Nko.Benchmarks.Lm;

/// <summary>Loading char6 (34k n-grams): ARPA text against the binary form.</summary>
[MemoryDiagnoser]
public class LmLoadBenchmarks
{
    private string _arpa = "";
    private string _binary = "";

    [GlobalSetup]
    public void Setup()
    {
        _arpa = LmScoringBenchmarks.SharedFixture("char6.arpa");
        _binary = Path.Combine(Path.GetTempPath(), "nko-bench-char6.nkolm");
        CharLanguageModel.LoadArpa(_arpa).Save(_binary);
    }

    [Benchmark(Baseline = true, Description = "LoadArpa (1.1 MB text)")]
    public CharLanguageModel LoadArpa() => CharLanguageModel.LoadArpa(_arpa);

    [Benchmark(Description = "Load binary")]
    public CharLanguageModel LoadBinary() => CharLanguageModel.Load(_binary);
}
