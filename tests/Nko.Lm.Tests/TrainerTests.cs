using System.Globalization;
using Nko.Lm.Training;
using Xunit.Abstractions;

namespace Nko.Lm.Tests;

/// <summary>The modified Kneser–Ney trainer against lmplz's char6.arpa (same 610 train references, order 6).</summary>
public sealed class TrainerTests(ITestOutputHelper output)
{
    private static readonly Lazy<(string Arpa, KneserNeySummary Summary)> Trained = new(() =>
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        KneserNeySummary summary = KneserNeyTrainer.TrainText(TestData.References("train"), writer, new KneserNeyOptions(6));
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "nko-lm-trained-char6.arpa"), writer.ToString());
        return (writer.ToString(), summary);
    });

    private static Dictionary<string, (float Prob, float Backoff)>[] ReadEntries(string arpa)
    {
        var sections = new List<Dictionary<string, (float, float)>>();
        Dictionary<string, (float, float)>? current = null;
        foreach (string line in arpa.Split('\n'))
        {
            if (line.StartsWith('\\') && line.EndsWith("-grams:", StringComparison.Ordinal))
            {
                current = [];
                sections.Add(current);
                continue;
            }

            if (current is null || line.Length == 0 || line.StartsWith('\\'))
            {
                continue;
            }

            string[] fields = line.Split('\t');
            float backoff = fields.Length > 2 ? float.Parse(fields[2], CultureInfo.InvariantCulture) : 0f;
            current[fields[1]] = (float.Parse(fields[0], CultureInfo.InvariantCulture), backoff);
        }

        return [.. sections];
    }

    [Fact]
    public void Counts_match_lmplz_exactly_and_values_closely()
    {
        (string arpa, KneserNeySummary summary) = Trained.Value;
        Assert.Equal([31L, 394, 2093, 5653, 10512, 15018], summary.NgramCounts);
        Assert.True(summary.UsedFallback[0], "unigrams need the fallback discounts (no character is seen once)");
        Assert.Equal(KneserNeyDiscount.LmplzFallback, summary.Discounts[0]);

        Dictionary<string, (float Prob, float Backoff)>[] mine = ReadEntries(arpa);
        Dictionary<string, (float Prob, float Backoff)>[] kenlm = ReadEntries(File.ReadAllText(TestData.Char6Arpa));
        Assert.Equal(kenlm.Length, mine.Length);
        double worstProb = 0;
        double worstBackoff = 0;
        for (int n = 0; n < kenlm.Length; n++)
        {
            Assert.Equal(kenlm[n].Count, mine[n].Count);
            foreach ((string ngram, (float prob, float backoff)) in kenlm[n])
            {
                Assert.True(mine[n].TryGetValue(ngram, out var m), $"missing {n + 1}-gram {ngram}");
                worstProb = Math.Max(worstProb, Math.Abs(m.Prob - prob));
                worstBackoff = Math.Max(worstBackoff, Math.Abs(m.Backoff - backoff));
            }
        }

        output.WriteLine($"discounts: {string.Join("; ", summary.Discounts)}");
        output.WriteLine($"max |Δ log10 p| = {worstProb:E3}, max |Δ back-off| = {worstBackoff:E3}");
        Assert.True(worstProb <= 1e-6, $"max prob difference {worstProb}");
        Assert.True(worstBackoff <= 1e-6, $"max back-off difference {worstBackoff}");
    }

    [Fact]
    public void Writes_the_same_lines_in_the_same_order_as_lmplz()
    {
        string[] mine = Trained.Value.Arpa.Split('\n');
        string[] kenlm = File.ReadAllText(TestData.Char6Arpa).Split('\n');
        Assert.Equal(kenlm.Length, mine.Length);
        int differentValues = 0;
        for (int i = 0; i < kenlm.Length; i++)
        {
            string[] a = kenlm[i].Split('\t');
            string[] b = mine[i].Split('\t');
            Assert.Equal(a.Length, b.Length);
            if (a.Length > 1)
            {
                Assert.Equal(a[1], b[1]);
            }

            if (kenlm[i] != mine[i])
            {
                differentValues++;
            }
        }

        output.WriteLine($"{differentValues} of {kenlm.Length} lines differ in a value's last digits");
    }

    [Fact]
    public void Held_out_perplexity_equals_lmplz_model()
    {
        CharLanguageModel mine = CharLanguageModel.LoadArpa(new StringReader(Trained.Value.Arpa));
        CharLanguageModel kenlm = TestData.Char6;
        HashSet<string> train = [.. TestData.References("train")];
        (string Name, string[] Texts)[] sets =
        [
            ("nko-ctc-sim dev references", TestData.References("dev")),
            ("nko-text lines not among the train references", [.. File.ReadLines(TestData.Path_("nko-text", "train.txt")).Where(l => !train.Contains(l))]),
        ];
        foreach ((string name, string[] texts) in sets)
        {
            PerplexityResult a = mine.EvaluatePerplexity(texts);
            PerplexityResult b = kenlm.EvaluatePerplexity(texts);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {a.Sentences} sentences, {a.Tokens} tokens ({a.OovTokens} OOV): perplexity trained {a.Perplexity:F4} / lmplz {b.Perplexity:F4}; excluding OOV {a.PerplexityExcludingOov:F4} / {b.PerplexityExcludingOov:F4}"));
            Assert.Equal(b.Log10Probability, a.Log10Probability, 4);
            Assert.Equal(b.Tokens, a.Tokens);
        }
    }
}
