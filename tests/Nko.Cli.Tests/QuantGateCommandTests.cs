using System.Text.Json;
using Nko.Data;
using Nko.Testing;

namespace Nko.Cli.Tests;

/// <summary><c>nko quant-gate</c> on the tiny ONNX head and its features fixture (features_T200.npy, [1, 200, 1280] float32).</summary>
public sealed class QuantGateCommandTests : IDisposable
{
    private static readonly string Fixtures = RepositoryPaths.Combine("tests", "Nko.Asr.Onnx.Tests", "Fixtures");
    private static readonly string Model = Path.Combine(Fixtures, "ctc_head_tiny.onnx");
    private static readonly string Features = Path.Combine(Fixtures, "features_T200.npy");
    private readonly string _temp = Directory.CreateTempSubdirectory("nko-quant-gate-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Eight_bit_affine_changes_little_and_the_json_has_the_gate_keys()
    {
        CliResult r = Cli.Run("quant-gate", "--model", Model, "--features", Features, "--bits", "8", "--group", "32", "--threads", "1", "--repeat", "2", "--json");
        Assert.True(r.Code == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        JsonElement o = doc.RootElement;
        Assert.Equal(
            ["codec", "bits", "group", "bits_per_value", "compression_vs_fp16", "feature_mse", "feature_max_abs", "logprob_mse", "logprob_max_abs",
             "frames", "frames_argmax_changed", "utterances", "utterances_text_changed", "quant_ms", "dequant_ms", "runs", "per_utterance"],
            Cli.Keys(o));
        Assert.Equal(9.0, o.GetProperty("bits_per_value").GetDouble());
        Assert.Equal(50, o.GetProperty("frames").GetInt32());
        Assert.Equal(1, o.GetProperty("utterances").GetInt32());
        double featureMse = o.GetProperty("feature_mse").GetDouble();
        double logProbMse = o.GetProperty("logprob_mse").GetDouble();
        Assert.InRange(featureMse, 1e-12, 1e-2);
        Assert.InRange(logProbMse, 0, 1e-2);
        Assert.InRange(o.GetProperty("frames_argmax_changed").GetInt32(), 0, 5);
        Assert.Equal(1, o.GetProperty("per_utterance").GetArrayLength());
    }

    [Fact]
    public void Two_bit_costs_more_than_eight_bit_and_several_files_and_batches_are_utterances()
    {
        // A second file with two utterances: [2, 200, 1280].
        float[] x = NpyFile.Read(Features).ToSingleArray();
        float[] two = [.. x, .. x.Select(v => v * 0.5f)];
        string batch = Path.Combine(_temp, "batch.npy");
        NpyFile.Write(batch, two, [2, 200, 1280]);

        JsonElement eight = Gate("8", "affine", $"{Features},{batch}");
        JsonElement twoBit = Gate("2", "affine", $"{Features},{batch}");
        JsonElement turbo = Gate("2", "turbo", $"{Features},{batch}");
        Assert.Equal(3, eight.GetProperty("utterances").GetInt32());
        Assert.Equal(150, eight.GetProperty("frames").GetInt32());
        Assert.True(twoBit.GetProperty("feature_mse").GetDouble() > 100 * eight.GetProperty("feature_mse").GetDouble());
        Assert.True(twoBit.GetProperty("logprob_mse").GetDouble() > eight.GetProperty("logprob_mse").GetDouble());
        Assert.Equal("turbo", turbo.GetProperty("codec").GetString());
        Assert.Equal(2.125, turbo.GetProperty("bits_per_value").GetDouble());
    }

    [Fact]
    public void Text_output_reads_like_the_seed_table()
    {
        CliResult r = Cli.Run("quant-gate", "--model", Model, "--features", Features, "--bits", "4", "--threads", "1", "--repeat", "1");
        Assert.True(r.Code == 0, r.Stderr);
        Assert.Contains("affine4:g32: 5 bits/value, 3.2x smaller than fp16", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("argmax changed", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("of 1 utterances", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_are_one_line()
    {
        Cli.Run("quant-gate", "--model", Model, "--features", Path.Combine(_temp, "none.npy"), "--bits", "8").AssertOneLineError("does not exist");

        string narrow = Path.Combine(_temp, "narrow.npy");
        NpyFile.Write(narrow, new float[10 * 64], [10, 64]);
        Cli.Run("quant-gate", "--model", Model, "--features", narrow, "--bits", "8").AssertOneLineError("width 64", "1280");

        Cli.Run("quant-gate", "--model", Model, "--features", Features, "--bits", "8", "--group", "3").AssertOneLineError("power of two");
    }

    private static JsonElement Gate(string bits, string codec, string features)
    {
        CliResult r = Cli.Run("quant-gate", "--model", Model, "--features", features, "--bits", bits, "--codec", codec, "--threads", "1", "--repeat", "1", "--json");
        Assert.True(r.Code == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        return doc.RootElement.Clone();
    }
}
