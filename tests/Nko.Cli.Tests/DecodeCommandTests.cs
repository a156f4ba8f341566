using System.Text.Json;
using Nko.Ctc;
using Nko.Data;
using Nko.Lm;
using Nko.Lm.Training;

namespace Nko.Cli.Tests;

public class DecodeCommandTests
{
    /// <summary>A 4-gram trained on the sample's own references (self-contained; what the LM knows does not matter here).</summary>
    private static string TrainLm(string dir, bool binary = false)
    {
        string arpa = Path.Combine(dir, "sample4.arpa");
        using (StreamWriter writer = File.CreateText(arpa))
        {
            KneserNeyTrainer.TrainText(CtcDataset.Load(Cli.Dev50).Rows.Select(r => r.Reference!), writer, new KneserNeyOptions(4));
        }

        if (!binary)
        {
            return arpa;
        }

        string bin = Path.Combine(dir, "sample4.nkolm");
        CharLanguageModel.LoadArpa(arpa).Save(bin);
        return bin;
    }

    [Fact]
    public void Without_an_lm_each_row_is_the_library_beam_search_and_stderr_has_the_cer()
    {
        CliResult r = Cli.Run("decode", "--data", Cli.Dev50, "--beam", "8");
        Assert.Equal(0, r.Code);
        Assert.Matches(@"^decode: 50 rows, CER 0\.\d{4} \(greedy 0\.\d{4}\), \d+ better / \d+ worse than greedy; search ", r.Stderr);
        List<JsonElement> lines = Cli.Lines(r.Stdout);
        CtcDataset ds = CtcDataset.Load(Cli.Dev50);
        var search = new CtcBeamSearch(CtcVocabulary.NkoBlankFirst, null, new BeamSearchOptions { BeamWidth = 8 });
        Assert.Equal(50, lines.Count);
        for (int i = 0; i < lines.Count; i++)
        {
            Assert.Equal(["index", "feat_id", "text", "score"], Cli.Keys(lines[i]));
            Assert.Equal(i, lines[i].GetProperty("index").GetInt32());
            Assert.Equal(ds.Rows[i].FeatId, lines[i].GetProperty("feat_id").GetString());
            BeamHypothesis best = search.Decode(ds.GetLogProbs(i)).Best!;
            Assert.Equal(best.Text, lines[i].GetProperty("text").GetString());
            Assert.Equal(best.Score, lines[i].GetProperty("score").GetDouble());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void With_an_lm_and_nbest_each_row_lists_the_hypotheses_with_their_scores(bool binary)
    {
        using var dir = new CliTempDir();
        string lm = TrainLm(dir.Path, binary);
        string output = Path.Combine(dir.Path, "out", "decode.jsonl");
        CliResult r = Cli.Run("decode", "--data", Cli.Dev50, "--lm", lm, "--alpha", "0.7", "--beta", "1.5", "--nbest", "3", "--out", output);
        Assert.Equal(0, r.Code);
        Assert.Equal(string.Empty, r.Stdout);
        List<JsonElement> lines = Cli.Lines(File.ReadAllText(output));
        var model = binary ? CharLanguageModel.Load(lm) : CharLanguageModel.LoadArpa(lm);
        var search = new CtcBeamSearch(CtcVocabulary.NkoBlankFirst, model, new BeamSearchOptions { LmWeight = 0.7, LengthBonus = 1.5, NBest = 3 });
        CtcDataset ds = CtcDataset.Load(Cli.Dev50);
        for (int i = 0; i < lines.Count; i += 7)
        {
            JsonElement e = lines[i];
            Assert.Equal(["index", "feat_id", "text", "score", "nbest"], Cli.Keys(e));
            BeamSearchResult expected = search.Decode(ds.GetLogProbs(i));
            JsonElement[] nbest = [.. e.GetProperty("nbest").EnumerateArray()];
            Assert.Equal(expected.Hypotheses.Length, nbest.Length);
            Assert.Equal(e.GetProperty("text").GetString(), nbest[0].GetProperty("text").GetString());
            for (int k = 0; k < nbest.Length; k++)
            {
                Assert.Equal(["text", "score", "ctc", "lm"], Cli.Keys(nbest[k]));
                Assert.Equal(expected.Hypotheses[k].Text, nbest[k].GetProperty("text").GetString());
                Assert.Equal(expected.Hypotheses[k].Score, nbest[k].GetProperty("score").GetDouble());
                Assert.Equal(expected.Hypotheses[k].CtcLogProb, nbest[k].GetProperty("ctc").GetDouble());
                Assert.Equal(expected.Hypotheses[k].LmLogProb, nbest[k].GetProperty("lm").GetDouble());
            }
        }
    }

    [Fact]
    public void Output_is_deterministic() =>
        Assert.Equal(Cli.Run("decode", "--data", Cli.Dev50).Stdout, Cli.Run("decode", "--data", Cli.Dev50).Stdout);

    [Theory]
    [InlineData("--alpha", "0.5")]
    [InlineData("--beta", "1")]
    public void Weights_without_an_lm_are_an_error(string option, string value)
    {
        CliResult r = Cli.Run("decode", "--data", Cli.Dev50, option, value);
        Assert.Equal(1, r.Code);
        Assert.Equal("nko: error: --alpha and --beta weigh a language model: give --lm FILE too.\n", r.Stderr.Replace("\r", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--beam", "0", "--beam: The beam width must be at least 1.")]
    [InlineData("--nbest", "0", "--nbest: The n-best size must be at least 1.")]
    public void Bad_knobs_fail_before_any_work(string option, string value, string message)
    {
        CliResult r = Cli.Run("decode", "--data", Cli.Dev50, option, value);
        Assert.Equal(1, r.Code);
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_out_path_fails_before_decoding()
    {
        CliResult r = Cli.Run("decode", "--data", Cli.Dev50, "--out", "/etc/hostname/x.jsonl");
        Assert.Equal(1, r.Code);
        Assert.Contains("is a file, not a directory", r.Stderr, StringComparison.Ordinal);
    }
}
