using System.Text;
using System.Text.Json;
using Nko.Ctc;
using Nko.Data;
using Nko.Testing;

namespace Nko.Cli.Tests;

/// <summary><c>nko dataset</c>: the nko-tts-asr dev rows rebuilt from their WAV files, determinism, skips and failures.</summary>
public sealed class DatasetCommandTests : IDisposable
{
    private static readonly string Samples = Path.Combine(AppContext.BaseDirectory, "samples", "speech");
    private static readonly string SharedDev = Path.GetFullPath(RepositoryPaths.Combine("..", "shared", "data", "nko-tts-asr"));
    private readonly string _temp = Directory.CreateTempSubdirectory("nko-dataset-cli-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Rebuilds_the_shipped_dev_rows_from_their_wav_files()
    {
        // All 40 dev WAVs when ../shared is present; else the 5 bundled ones (checked against the shipped rows only then).
        bool shared = File.Exists(Path.Combine(SharedDev, "dev-wav", "manifest.jsonl")) && File.Exists(Path.Combine(SharedDev, "dev", "logprobs.npy"));
        string manifest = shared ? Path.Combine(SharedDev, "dev-wav", "manifest.jsonl") : Path.Combine(Samples, "manifest.jsonl");
        string output = Path.Combine(_temp, "dev");

        CliResult r = Cli.Run("dataset", "--manifest", manifest, "--out", output, "--threads", "1");

        Assert.True(r.Code == 0, r.Stderr);
        Assert.StartsWith(shared ? "nko dataset: 40 rows [375, 66]" : "nko dataset: 5 rows [375, 66]", r.Stdout, StringComparison.Ordinal);
        CtcDataset built = CtcDataset.Load(output);
        Assert.Equal(375, built.Frames);
        Assert.Equal(66, built.Classes);
        Assert.Equal("<f2", NpyDescr(Path.Combine(output, "logprobs.npy")));
        if (!shared)
        {
            return;
        }

        CtcDataset dev = CtcDataset.Load(Path.Combine(SharedDev, "dev"));
        string[] manifestLines = File.ReadAllLines(manifest);
        float maxExcess = 0;
        for (int i = 0; i < built.Count; i++)
        {
            int index;
            using (JsonDocument doc = JsonDocument.Parse(manifestLines[i]))
            {
                index = doc.RootElement.GetProperty("index").GetInt32();
            }

            CtcDatasetRow expected = dev.Rows[index], actual = built.Rows[i];
            Assert.Equal(i, actual.Index);
            Assert.Equal(expected.Hypothesis, actual.Hypothesis);
            Assert.Equal(expected.Reference, actual.Reference);
            Assert.Equal(expected.FeatId, actual.FeatId);
            Assert.Equal(expected.SpeechFrames, actual.SpeechFrames);
            Assert.True(Math.Abs(expected.AsrScore - actual.AsrScore) <= 2e-5, $"row {i}: asr_score {actual.AsrScore} vs {expected.AsrScore}");
            ReadOnlySpan<float> a = built.GetLogProbs(i).Span, e = dev.GetLogProbs(index).Span;
            for (int k = 0; k < a.Length; k++)
            {
                // Both are float16: equal, or neighbours where the float32 values straddle a rounding boundary.
                float ulp = (float)Half.BitIncrement((Half)Math.Abs(e[k])) - Math.Abs(e[k]);
                maxExcess = Math.Max(maxExcess, Math.Abs(a[k] - e[k]) - ulp);
            }
        }

        Assert.True(maxExcess <= 1e-3f, $"a log-prob differs from the shipped one by {maxExcess} more than one float16 step");
    }

    [Fact]
    public void Output_bytes_are_deterministic_and_the_dataset_evaluates()
    {
        string manifest = Path.Combine(Samples, "manifest.jsonl");
        string a = Path.Combine(_temp, "a"), b = Path.Combine(_temp, "b");
        Assert.Equal(0, Cli.Run("dataset", "--manifest", manifest, "--out", a).Code);
        Assert.Equal(0, Cli.Run("dataset", "--manifest", manifest, "--out", b, "--threads", "1").Code);
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "rows.jsonl")), File.ReadAllBytes(Path.Combine(b, "rows.jsonl")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "logprobs.npy")), File.ReadAllBytes(Path.Combine(b, "logprobs.npy")));
        string first = File.ReadLines(Path.Combine(a, "rows.jsonl")).First();
        using (JsonDocument doc = JsonDocument.Parse(first))
        {
            Assert.Equal(["index", "feat_id", "ref", "asr_hyp", "asr_score", "frames", "speech_frames", "duration", "audio"], Cli.Keys(doc.RootElement));
        }

        CliResult eval = Cli.Run("eval", "--data", a, "--config", Path.Combine(AppContext.BaseDirectory, "models", "nko-tts", "ranker.json"));
        Assert.True(eval.Code == 0, eval.Stderr);
        Assert.Contains("5 rows of", eval.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Longer_recordings_are_skipped_and_unreadable_ones_fail_the_command()
    {
        string longWav = Path.Combine(_temp, "long.wav");
        File.WriteAllBytes(longWav, TestWav.Pcm16([.. Enumerable.Range(0, 16 * 16000).Select(i => (float)(1000 * Math.Sin(i * 0.05)) / 32768f)], channels: 1, rate: 16000));
        File.Copy(Path.Combine(Samples, "dev_029.wav"), Path.Combine(_temp, "short.wav"));
        string manifest = Path.Combine(_temp, "manifest.jsonl");
        File.WriteAllLines(manifest, ["{\"audio\": \"long.wav\", \"ref\": \"ߊ\"}", "", "{\"audio\": \"short.wav\", \"ref\": \"ߊ ߦߍ\", \"feat_id\": \"s\"}"]);
        string output = Path.Combine(_temp, "out");

        CliResult r = Cli.Run("dataset", "--manifest", manifest, "--out", output);

        Assert.Equal(0, r.Code);
        Assert.Equal($"nko: skipped long.wav ({manifest}:1): 16.00 s is longer than the 15.00 s window of 375 frames.\n", r.Stderr);
        Assert.Contains("1 rows [375, 66]", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("; 1 longer recordings skipped", r.Stdout, StringComparison.Ordinal);
        CtcDatasetRow row = Assert.Single(CtcDataset.Load(output).Rows);
        Assert.Equal("s", row.FeatId);

        File.WriteAllText(Path.Combine(_temp, "broken.wav"), "RIFF");
        File.AppendAllLines(manifest, ["{\"audio\": \"broken.wav\"}", "{\"audio\": \"gone.wav\"}"]);
        string output2 = Path.Combine(_temp, "out2");
        CliResult failed = Cli.Run("dataset", "--manifest", manifest, "--out", output2);
        Assert.Equal(1, failed.Code);
        Assert.Contains($"nko: error: {manifest}:4: broken.wav: ", failed.Stderr, StringComparison.Ordinal);
        Assert.Contains($"nko: error: {manifest}:5: gone.wav: ", failed.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("nko: 2 of 4 recordings could not be read; nothing was written.\n", failed.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output2));
    }

    [Fact]
    public void Bad_manifests_and_frames_are_one_line_errors()
    {
        string manifest = Path.Combine(_temp, "m.jsonl");
        File.WriteAllLines(manifest, ["{\"audio\": \"a.wav\", \"ref\": \"abc\"}"]);
        Cli.Run("dataset", "--manifest", manifest, "--out", Path.Combine(_temp, "o")).AssertOneLineError($"{manifest}:1: \"ref\":");

        File.WriteAllLines(manifest, ["{\"ref\": \"ߊ\"}"]);
        Cli.Run("dataset", "--manifest", manifest, "--out", Path.Combine(_temp, "o")).AssertOneLineError($"{manifest}:1:", "\"audio\" (or \"file\") must be a non-empty string");

        File.WriteAllLines(manifest, ["{\"audio\": \"a.wav\"}"]);
        Cli.Run("dataset", "--manifest", manifest, "--out", Path.Combine(_temp, "o"), "--frames", "0").AssertOneLineError("--frames must be 1 or more");
        Cli.Run("dataset", "--manifest", Path.Combine(_temp, "none.jsonl"), "--out", Path.Combine(_temp, "o")).AssertOneLineError("none.jsonl' does not exist");
    }

    private static string NpyDescr(string path)
    {
        byte[] head = File.ReadAllBytes(path).AsSpan(0, 128).ToArray();
        string header = Encoding.ASCII.GetString(head);
        int at = header.IndexOf("'descr': '", StringComparison.Ordinal) + 10;
        return header[at..header.IndexOf('\'', at)];
    }
}
