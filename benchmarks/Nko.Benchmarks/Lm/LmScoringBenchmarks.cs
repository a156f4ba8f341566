using BenchmarkDotNet.Attributes;
using Nko.Lm;

namespace Nko.Benchmarks.Lm;

/// <summary>
/// Per-token scoring with the character 6-gram of <c>../shared/data/lm-fixtures/char6.arpa</c> over the 60 fixture texts
/// (2,480 tokens with the 60 <c>&lt;/s&gt;</c>: references and hypotheses with unknown characters), one thread; results are per token.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class LmScoringBenchmarks
{
    private CharLanguageModel _lm = null!;
    private int[] _tokens = [];
    private bool[] _sentenceStart = [];

    public static string SharedFixture(string name) =>
        Path.GetFullPath(Path.Combine(BenchmarkData.RepositoryRoot, "..", "shared", "data", "lm-fixtures", name));

    [GlobalSetup]
    public void Setup()
    {
        _lm = CharLanguageModel.LoadArpa(SharedFixture("char6.arpa"));
        var tokens = new List<int>();
        var starts = new List<bool>();
        foreach (string line in File.ReadLines(SharedFixture("kenlm_char6_dev.jsonl")))
        {
            string text = System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!;
            int[] ids = _lm.Encode(text);
            for (int i = 0; i < ids.Length; i++)
            {
                tokens.Add(ids[i]);
                starts.Add(i == 0);
            }

            tokens.Add(_lm.EndSentenceId);
            starts.Add(false);
        }

        _tokens = [.. tokens];
        _sentenceStart = [.. starts];
    }

    public const int Tokens = 2480;

    /// <summary>Score(state, token, out next) along the texts, restarting at each sentence: what a decoder's inner loop does.</summary>
    [Benchmark(OperationsPerInvoke = Tokens, Description = "Score per token (state API)")]
    public float ScorePerToken()
    {
        CharLanguageModel lm = _lm;
        int[] tokens = _tokens;
        bool[] starts = _sentenceStart;
        LmState state = lm.BeginSentenceState;
        float total = 0;
        for (int i = 0; i < Tokens; i++)
        {
            if (starts[i])
            {
                state = lm.BeginSentenceState;
            }

            total += lm.Score(state, tokens[i], out state);
        }

        return total;
    }
}
