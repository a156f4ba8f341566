using System.Globalization;
using Nko.Lm.Training;
using Nko.Testing;

namespace Nko.Lm.Tests;

/// <summary>A trained model is a distribution in every context; scoring allocates nothing.</summary>
public sealed class NormalisationAndAllocationTests
{
    private static CharLanguageModel Trained => field ??= Train(TestData.References("train"), 4);

    private static CharLanguageModel Train(IEnumerable<string> text, int order)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        KneserNeyTrainer.TrainText(text, writer, new KneserNeyOptions(order));
        return CharLanguageModel.LoadArpa(new StringReader(writer.ToString()));
    }

    private static double Mass(CharLanguageModel lm, LmState state)
    {
        // Every token but <s> (never predicted; its probability 1 is a convention), <unk> included.
        double sum = 0;
        for (int id = 0; id < lm.VocabularySize; id++)
        {
            if (id != lm.BeginSentenceId)
            {
                sum += Math.Pow(10, lm.Score(state, id, out _));
            }
        }

        return sum;
    }

    [Fact]
    public void Probabilities_sum_to_one_in_sampled_contexts()
    {
        foreach (CharLanguageModel lm in new[] { Trained, TestData.Char6 })
        {
            var rng = new Random(3);
            Assert.Equal(1.0, Mass(lm, lm.NullContextState), 4);
            Assert.Equal(1.0, Mass(lm, lm.BeginSentenceState), 4);
            foreach (KenLmLine line in TestData.KenLmLines.Where(l => l.Kind == "ref").Take(20))
            {
                LmState state = lm.BeginSentenceState;
                int[] ids = lm.Encode(line.Text);
                int stop = rng.Next(ids.Length);
                for (int i = 0; i < stop; i++)
                {
                    lm.Score(state, ids[i], out state);
                }

                Assert.Equal(1.0, Mass(lm, state), 4);
            }
        }
    }

    [Fact]
    public void Training_from_a_file_writes_the_same_arpa_atomically()
    {
        string folder = Directory.CreateTempSubdirectory("nko-lm-train-").FullName;
        try
        {
            string text = Path.Combine(folder, "train.txt");
            File.WriteAllLines(text, TestData.References("train"));
            string arpa = Path.Combine(folder, "char6.arpa");
            KneserNeySummary summary = KneserNeyTrainer.TrainTextFile(text, arpa, new KneserNeyOptions(6));
            Assert.Equal(610, summary.Sentences);
            Assert.Equal(25194, summary.Tokens);
            Assert.Equal(TestData.Char6.NgramCounts, CharLanguageModel.LoadArpa(arpa).NgramCounts);
            Assert.Equal(2, Directory.GetFiles(folder).Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Without_a_fallback_character_corpora_fail_as_lmplz_does()
    {
        var options = new KneserNeyOptions(3) { DiscountFallback = null };
        Assert.Throws<InvalidOperationException>(() => KneserNeyTrainer.TrainText(TestData.References("train"), TextWriter.Null, options));
        Assert.Throws<ArgumentException>(() => KneserNeyTrainer.Train(["a <s> b"], TextWriter.Null, new KneserNeyOptions(3)));
    }

    [Fact]
    public void Score_allocates_nothing()
    {
        CharLanguageModel lm = TestData.Char6;
        int[] ids = lm.Encode(TestData.KenLmLines[0].Text);
        string text = TestData.KenLmLines[^1].Text;
        float sink = 0;
        long bytes = AllocationProbe.Fewest(() =>
        {
            LmState state = lm.BeginSentenceState;
            foreach (int id in ids)
            {
                sink += lm.Score(state, id, out state);
            }

            sink += (float)lm.ScoreLn(state, lm.EndSentenceId, out _);
            sink += lm.ScoreTokens(ids);
            sink += lm.ScoreSentence(text);
        });
        Assert.Equal(0, bytes);
        Assert.True(sink < 0);
    }
}
