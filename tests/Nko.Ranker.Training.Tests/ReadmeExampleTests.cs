using Nko.Ctc;
using Nko.Data;
using Nko.Ranker.Configuration;
using Nko.Ranker.Training.Tests.Support;

namespace Nko.Ranker.Training.Tests;

/// <summary>The README's API example, run on dataset folders cut from samples/dev50 (kept in step with the README by hand).</summary>
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nko-training-readme-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void The_api_example_trains_saves_and_reports()
    {
        string trainDir = Cut("train", 0, 30), devDir = Cut("dev", 30, 20);
        string configPath = Path.Combine(_dir, "my_ranker_v1.json"), reportPath = Path.Combine(_dir, "report.md");
        var console = new StringWriter();

        // --- README example, with its paths and options replaced by test ones ---
        static List<TrainingUtterance> Load(string folder)
        {
            CtcDataset data = CtcDataset.Load(folder);
            return [.. data.Rows.Select((row, i) => new TrainingUtterance(
                row.FeatId, row.Hypothesis, row.Reference!, data.GetLogProbs(i), double.IsFinite(row.AsrScore) ? row.AsrScore : null))];
        }

        var trainer = new RankerTrainer(TrainingData.FastOptions() with
        {
            Vocabulary = CtcVocabulary.NkoBlankFirst,
            Name = "my_ranker_v1",
            Description = "Trained on our recogniser's output, 2026 batch.",
        });

        TrainingResult result = trainer.Train(Load(trainDir), Load(devDir));

        result.Config.Save(configPath);
        File.WriteAllText(reportPath, TrainingReport.Markdown(result, "data/train", "data/dev"));
        foreach (ModeMetrics m in result.Config.Provenance.DevModes)
        {
            console.WriteLine($"{m.Mode}: CER {m.Cer:F4} ({m.DeltaPp:+0.00;-0.00} pp), better/same/worse {m.Better}/{m.Same}/{m.Worse}");
        }

        // --- end of the example ---
        RankerConfig loaded = RankerConfig.Load(configPath);
        Assert.Equal("my_ranker_v1", loaded.Name);
        Assert.Equal(4, console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("2026 batch", File.ReadAllText(reportPath), StringComparison.Ordinal);

        // Same rows → same model as the in-memory split (only the name and description differ).
        Assert.Equal(TrainingData.Small.Config.Weights.ToArray(), loaded.Weights.ToArray());
    }

    private string Cut(string name, int start, int count)
    {
        const int T = 375, C = 66;
        string dir = Path.Combine(_dir, name);
        Directory.CreateDirectory(dir);
        Half[] all = NpyFile.Read(Path.Combine(TrainingData.Dev50Path, "logprobs.npy")).ToHalfArray();
        NpyFile.Write(Path.Combine(dir, "logprobs.npy"), all.AsSpan(start * T * C, count * T * C), [count, T, C]);
        File.WriteAllLines(
            Path.Combine(dir, "rows.jsonl"),
            File.ReadLines(Path.Combine(TrainingData.Dev50Path, "rows.jsonl")).Skip(start).Take(count)
                .Select((line, i) =>
                {
                    var row = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
                    row["index"] = i;
                    return row.ToJsonString();
                }));
        return dir;
    }
}
