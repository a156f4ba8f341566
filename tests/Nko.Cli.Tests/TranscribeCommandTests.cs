using System.Text.Json;
using Nko.Testing;

namespace Nko.Cli.Tests;

/// <summary><c>nko transcribe</c> with the bundled recogniser, config and sample utterances (copied beside the test assembly).</summary>
public sealed class TranscribeCommandTests : IDisposable
{
    private static readonly string Samples = Path.Combine(AppContext.BaseDirectory, "samples", "speech");
    private readonly string _temp = Directory.CreateTempSubdirectory("nko-transcribe-cli-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string Wav(string name) => Path.Combine(Samples, name);

    [Fact]
    public void Without_files_transcribes_the_bundled_samples_beside_their_references()
    {
        CliResult r = Cli.Run("transcribe", "--threads", "1");

        Assert.Equal(0, r.Code);
        Assert.Equal(string.Empty, r.Stderr);
        Assert.Contains("5 bundled utterances", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("mode 'conservative'", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(5, r.Stdout.Split('\n').Count(l => l.StartsWith("  reference   ", StringComparison.Ordinal)));
        Assert.Equal(5, r.Stdout.Split('\n').Count(l => l.StartsWith("  corrected   ", StringComparison.Ordinal)));
        Assert.Contains("  reference   ߞߊ ߗߐ ߣߊߊߣߌ ߕߋ ߞߏߝߐ", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("character error rate over 139 reference characters: recognised 0.2302 (32 edits), corrected", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_lines_carry_the_documented_fields_and_no_correct_keeps_the_hypothesis()
    {
        CliResult r = Cli.Run("transcribe", "--json", "--threads", "1", "--mode", "balanced", Wav("dev_037.wav"), Wav("dev_000.wav"));
        Assert.Equal(0, r.Code);
        List<JsonElement> lines = Cli.Lines(r.Stdout);
        Assert.Equal(2, lines.Count);
        Assert.Equal(
            ["file", "seconds", "hypothesis", "text", "decision", "edits", "windows", "ms", "ms_front_end", "ms_model", "ms_correction"],
            Cli.Keys(lines[0]));
        Assert.Equal(Wav("dev_037.wav"), lines[0].GetProperty("file").GetString());
        Assert.Equal(4.4337, lines[0].GetProperty("seconds").GetDouble());
        Assert.Equal("CORRECTED", lines[0].GetProperty("decision").GetString());
        Assert.NotEqual(lines[0].GetProperty("hypothesis").GetString(), lines[0].GetProperty("text").GetString());
        JsonElement edit = lines[0].GetProperty("edits")[0];
        Assert.Equal(["window", "op", "position", "label", "description", "probability", "ctc_gain", "source"], Cli.Keys(edit));

        CliResult plain = Cli.Run("transcribe", "--json", "--no-correct", "--threads", "1", Wav("dev_037.wav"));
        JsonElement p = Assert.Single(Cli.Lines(plain.Stdout));
        Assert.Equal(lines[0].GetProperty("hypothesis").GetString(), p.GetProperty("hypothesis").GetString());
        Assert.Equal(p.GetProperty("hypothesis").GetString(), p.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, p.GetProperty("decision").ValueKind);
        Assert.Equal(0, p.GetProperty("edits").GetArrayLength());
    }

    [Fact]
    public void A_failing_file_is_reported_the_others_are_transcribed_and_the_exit_code_is_1()
    {
        string notWav = Path.Combine(_temp, "notes.wav");
        File.WriteAllText(notWav, "fLaC this is not a wav file");
        string missing = Path.Combine(_temp, "missing.wav");
        string output = Path.Combine(_temp, "out", "text.tsv");

        CliResult r = Cli.Run("transcribe", "--threads", "1", "--out", output, notWav, Wav("dev_029.wav"), missing);

        Assert.Equal(1, r.Code);
        Assert.Equal(string.Empty, r.Stdout);
        string[] errors = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, errors.Length);
        Assert.StartsWith($"nko: error: {notWav}: ", errors[0], StringComparison.Ordinal);
        Assert.Contains("FLAC", errors[0], StringComparison.Ordinal);
        Assert.StartsWith($"nko: error: {missing}: ", errors[1], StringComparison.Ordinal);
        Assert.Equal("nko: 2 of 3 files failed.", errors[2]);
        string[] written = File.ReadAllLines(output);
        Assert.StartsWith(Wav("dev_029.wav") + "\t", Assert.Single(written), StringComparison.Ordinal);
    }

    [Fact]
    public void Model_option_mistakes_are_one_line_errors()
    {
        CliResult both = Cli.Run("transcribe", "--model", "a.onnx", "--encoder", "b.onnx", "--head", "c.onnx", Wav("dev_029.wav"));
        Assert.Equal(1, both.Code);
        Assert.Equal("nko: error: Give either --model or --encoder with --head, not both.\n", both.Stderr);

        CliResult half = Cli.Run("transcribe", "--encoder", "b.onnx", Wav("dev_029.wav"));
        Assert.Equal("nko: error: --encoder needs --head.\n", half.Stderr);

        string head = RepositoryPaths.Combine("tests", "Nko.Asr.Onnx.Tests", "Fixtures", "ctc_head_tiny.onnx");
        CliResult features = Cli.Run("transcribe", "--model", head, "--config", RepositoryPaths.Combine("models", "candidate_ranker_v1.json"), Wav("dev_029.wav"));
        Assert.Equal(1, features.Code);
        Assert.Contains("not a log-mel spectrogram", features.Stderr, StringComparison.Ordinal);

        CliResult mode = Cli.Run("transcribe", "--mode", "nope", Wav("dev_029.wav"));
        Assert.Equal(1, mode.Code);
        Assert.Contains("Unknown mode 'nope'", mode.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_encoder_and_head_chain_runs_from_audio()
    {
        string models = Path.GetFullPath(RepositoryPaths.Combine("..", "shared", "models"));
        string encoder = Path.Combine(models, "whisper_like_encoder_tiny.onnx"), head = Path.Combine(models, "ctc_head_d64.onnx");
        if (!File.Exists(encoder) || !File.Exists(head))
        {
            return; // the tiny random models live in ../shared/models only
        }

        CliResult r = Cli.Run("transcribe", "--encoder", encoder, "--head", head, "--no-correct", "--json", "--threads", "1", Wav("dev_029.wav"));
        Assert.True(r.Code == 0, r.Stderr);
        JsonElement line = Assert.Single(Cli.Lines(r.Stdout));
        Assert.Equal(1, line.GetProperty("windows").GetInt32());
    }
}
