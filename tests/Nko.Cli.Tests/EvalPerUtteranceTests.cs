using System.Text;
using System.Text.Json;

namespace Nko.Cli.Tests;

public sealed class EvalPerUtteranceTests : IDisposable
{
    private static readonly string[] LineKeys =
        ["index", "feat_id", "mode", "ref", "asr_hyp", "text", "decision", "edits", "ref_chars", "errors_before", "errors_after", "outcome"];

    private static readonly string[] EditKeys = ["op", "position", "from", "to", "probability", "ctc_gain", "round", "source"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nko-per-utt-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void One_line_per_mode_and_row_whose_errors_sum_to_the_aggregate_CER_exactly()
    {
        string path = Path.Combine(_dir.FullName, "sub", "rows.jsonl");
        CliResult r = Cli.Run("eval", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--json", "--per-utterance", path);
        Assert.Equal(0, r.Code);
        using JsonDocument eval = JsonDocument.Parse(r.Stdout);
        List<JsonElement> lines = Cli.Lines(File.ReadAllText(path));
        string[] modes = [.. CorrectionFixtures.Config.Modes.Select(m => m.Name)];
        Assert.Equal(50 * modes.Length, lines.Count);
        for (int m = 0; m < modes.Length; m++)
        {
            List<JsonElement> mine = lines.GetRange(m * 50, 50);
            Assert.All(mine, l => Assert.Equal(modes[m], l.GetProperty("mode").GetString()));
            Assert.Equal(Enumerable.Range(0, 50), mine.Select(l => l.GetProperty("index").GetInt32()));
            long refChars = mine.Sum(l => l.GetProperty("ref_chars").GetInt64());
            long after = mine.Sum(l => l.GetProperty("errors_after").GetInt64());
            JsonElement table = eval.RootElement.GetProperty("modes").GetProperty(modes[m]);
            Assert.Equal(table.GetProperty("cer").GetDouble(), (double)after / refChars);
            Assert.Equal(table.GetProperty("better").GetInt32(), mine.Count(l => l.GetProperty("outcome").GetString() == "better"));
            Assert.Equal(table.GetProperty("same").GetInt32(), mine.Count(l => l.GetProperty("outcome").GetString() == "same"));
            Assert.Equal(table.GetProperty("worse").GetInt32(), mine.Count(l => l.GetProperty("outcome").GetString() == "worse"));
            Assert.Equal(50 - table.GetProperty("changed").GetInt32(), mine.Count(l => l.GetProperty("outcome").GetString() == "unchanged"));
        }

        Assert.All(lines, l => Assert.Equal(LineKeys, Cli.Keys(l)));
        Assert.Contains(lines, l => l.GetProperty("edits").GetArrayLength() > 0);
    }

    [Fact]
    public void Replaying_the_edits_from_to_on_the_hypothesis_gives_the_text()
    {
        string path = Path.Combine(_dir.FullName, "rows.jsonl");
        Assert.Equal(0, Cli.Run("eval", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--per-utterance", path).Code);
        foreach (JsonElement line in Cli.Lines(File.ReadAllText(path)))
        {
            var text = new StringBuilder(line.GetProperty("asr_hyp").GetString());
            foreach (JsonElement e in line.GetProperty("edits").EnumerateArray())
            {
                Assert.Equal(EditKeys, Cli.Keys(e));
                int p = e.GetProperty("position").GetInt32();
                string? from = e.GetProperty("from").GetString();
                string? to = e.GetProperty("to").GetString();
                switch (e.GetProperty("op").GetString())
                {
                    case "SUB":
                        Assert.Equal(text[p].ToString(), from);
                        text[p] = to![0];
                        break;
                    case "DEL":
                        Assert.Equal(text[p].ToString(), from);
                        Assert.Null(to);
                        text.Remove(p, 1);
                        break;
                    default:
                        Assert.Null(from);
                        text.Insert(p, to);
                        break;
                }
            }

            Assert.Equal(line.GetProperty("text").GetString(), text.ToString());
        }
    }

    [Fact]
    public void The_file_is_deterministic()
    {
        string a = Path.Combine(_dir.FullName, "a.jsonl"), b = Path.Combine(_dir.FullName, "b.jsonl");
        Assert.Equal(0, Cli.Run("eval", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--per-utterance", a).Code);
        Assert.Equal(0, Cli.Run("eval", "--data", Cli.Dev50, "--config", CorrectionFixtures.ConfigPath, "--per-utterance", b).Code);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
    }

    [Fact]
    public void A_directory_as_the_file_is_one_error_line_before_any_work()
    {
        Cli.Run("eval", "--data", Path.Combine(_dir.FullName, "missing"), "--per-utterance", _dir.FullName)
            .AssertOneLineError("--per-utterance", "is a directory");
    }
}
