using System.Text.Json;
using Nko.Data;
using Nko.TurboQuant;

namespace Nko.Cli.Tests;

public sealed class QuantCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nko-quant-" + Guid.NewGuid().ToString("N"));

    public QuantCommandTests()
    {
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Json_output_has_the_documented_keys_and_the_exact_compression()
    {
        string input = WriteFeatures("f.npy", 48, 1280);
        CliResult r = Cli.Run("quant", "--input", input, "--bits", "8", "--group", "32", "--json", "--repeat", "3");
        Assert.True(r.Code == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        JsonElement o = doc.RootElement;
        Assert.Equal(
            ["codec", "bits", "group", "bits_per_value", "compression_vs_fp16", "compression_vs_fp32", "mse", "max_abs", "quant_ms", "dequant_ms", "shape", "dtype", "runs"],
            Cli.Keys(o));
        Assert.Equal("affine", o.GetProperty("codec").GetString());
        Assert.Equal(8, o.GetProperty("bits").GetInt32());
        Assert.Equal(32, o.GetProperty("group").GetInt32());
        Assert.Equal(9.0, o.GetProperty("bits_per_value").GetDouble());
        Assert.Equal(16.0 / 9, o.GetProperty("compression_vs_fp16").GetDouble(), 12);
        Assert.True(o.GetProperty("mse").GetDouble() > 0);
        Assert.True(o.GetProperty("quant_ms").GetDouble() > 0);
        Assert.Equal("float16", o.GetProperty("dtype").GetString());
    }

    [Fact]
    public void Four_bit_is_five_bits_per_value_and_turbo_reports_its_codec_and_seed()
    {
        string input = WriteFeatures("f.npy", 16, 1280);
        CliResult affine = Cli.Run("quant", "--input", input, "--bits", "4", "--json", "--repeat", "1");
        Assert.True(affine.Code == 0, affine.Stderr);
        using var a = JsonDocument.Parse(affine.Stdout);
        Assert.Equal(5.0, a.RootElement.GetProperty("bits_per_value").GetDouble());
        Assert.Equal(3.2, a.RootElement.GetProperty("compression_vs_fp16").GetDouble(), 12);

        CliResult turbo = Cli.Run("quant", "--input", input, "--bits", "4", "--codec", "turbo", "--seed", "7", "--json", "--repeat", "1");
        Assert.True(turbo.Code == 0, turbo.Stderr);
        using var t = JsonDocument.Parse(turbo.Stdout);
        Assert.Equal("turbo", t.RootElement.GetProperty("codec").GetString());
        Assert.Equal(256, t.RootElement.GetProperty("group").GetInt32());
        Assert.Equal(7UL, t.RootElement.GetProperty("seed").GetUInt64());
        Assert.Equal(4.125, t.RootElement.GetProperty("bits_per_value").GetDouble());
    }

    [Fact]
    public void Text_output_and_the_container_file()
    {
        string input = WriteFeatures("f.npy", 10, 100);
        string container = Path.Combine(_dir, "out", "f.nkq");
        CliResult r = Cli.Run("quant", "--input", input, "--bits", "4", "--group", "16", "--repeat", "1", "--output", container);
        Assert.True(r.Code == 0, r.Stderr);
        Assert.Contains("affine4:g16 on [10, 100] float16", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("bits/value", r.Stdout, StringComparison.Ordinal);
        using FileStream file = File.OpenRead(container);
        QuantizedTensor tensor = QuantizedTensor.ReadFrom(file);
        Assert.Equal([10, 100], tensor.Shape.ToArray());
        Assert.Equal(QuantOptions.Affine(4, 16), tensor.Options);
    }

    [Theory]
    [InlineData("--bits", "5", "2, 3, 4 or 8 bits")]
    [InlineData("--group", "24", "power of two")]
    [InlineData("--seed", "3", "--seed applies only to --codec turbo")]
    [InlineData("--repeat", "0", "--repeat must be at least 1")]
    public void Bad_arguments_are_one_line_errors(string option, string value, string message)
    {
        string input = WriteFeatures("f.npy", 4, 64);
        string[] args = option == "--bits"
            ? ["quant", "--input", input, "--bits", value]
            : ["quant", "--input", input, "--bits", "8", option, value];
        Cli.Run(args).AssertOneLineError(message);
    }

    [Fact]
    public void A_missing_file_and_non_finite_values_are_one_line_errors()
    {
        Cli.Run("quant", "--input", Path.Combine(_dir, "missing.npy"), "--bits", "8").AssertOneLineError("does not exist");

        Half[] x = new Half[64];
        x[40] = Half.NaN;
        string bad = Path.Combine(_dir, "nan.npy");
        NpyFile.Write(bad, x, [2, 32]);
        Cli.Run("quant", "--input", bad, "--bits", "8").AssertOneLineError("index 40", "NaN");
    }

    private string WriteFeatures(string name, int frames, int channels)
    {
        var rng = new Random(frames * channels);
        Half[] x = new Half[frames * channels];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (Half)(((rng.NextSingle() * 2) - 1) * (1 + (i % channels % 97 == 0 ? 40 : 0)));
        }

        string path = Path.Combine(_dir, name);
        NpyFile.Write(path, x, [frames, channels]);
        return path;
    }
}
