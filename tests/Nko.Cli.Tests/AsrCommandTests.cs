using System.Text.Json;
using Nko.Cli.Commands;
using Nko.Asr;
using Nko.Data;
using Nko.Testing;

namespace Nko.Cli.Tests;

/// <summary><c>nko asr</c>: the command body directly, and the built tool as a process for exit codes and error lines.</summary>
public sealed class AsrCommandTests : IDisposable
{
    private static readonly string Fixtures = RepositoryPaths.Combine("tests", "Nko.Asr.Onnx.Tests", "Fixtures");
    private static readonly string Model = Path.Combine(Fixtures, "ctc_head_tiny.onnx");
    private static readonly string Features = Path.Combine(Fixtures, "features_T200.npy");
    private readonly string _temp = Directory.CreateTempSubdirectory("nko-asr-cli-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static (int Code, string Stdout) Execute(AsrArguments arguments)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        int code = AsrCommand.Execute(arguments, stdout);
        return (code, stdout.ToString());
    }

    private static AsrArguments Arguments(string? model = null, string? features = null, string? output = null, bool json = false) =>
        new(model ?? Model, features ?? Features, output, json, Threads: 1, Vocabulary: Nko.Ctc.CtcVocabulary.NkoBlankFirst, Logits: false);

    [Fact]
    public void Prints_the_greedy_text_of_the_pytorch_ids()
    {
        (int code, string stdout) = Execute(Arguments());

        Assert.Equal(0, code);
        int[] expectedIds = [26, 4, 51, 19, 61, 26, 42, 24, 61, 17, 49, 19, 5, 61, 3, 61, 26, 64, 61, 64, 24, 30, 51]; // expected_greedy_T200.json
        string expected = new(expectedIds.Select(id => (char)(0x07C0 + id - 1)).ToArray());
        Assert.Equal(expected + "\n", stdout);
    }

    [Fact]
    public void Json_has_frames_classes_text_and_ms()
    {
        (_, string stdout) = Execute(Arguments(json: true));

        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement root = doc.RootElement;
        Assert.Equal(50, root.GetProperty("frames").GetInt32());
        Assert.Equal(66, root.GetProperty("classes").GetInt32());
        Assert.Equal(23, root.GetProperty("text").GetString()!.Length);
        Assert.True(root.GetProperty("ms").GetDouble() > 0);
        Assert.Equal(["frames", "classes", "text", "ms"], root.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Out_writes_float32_log_probs_T_by_C_matching_pytorch()
    {
        string output = Path.Combine(_temp, "sub", "log_probs.npy");

        Execute(Arguments(output: output));

        NpyArray written = NpyFile.Read(output);
        Assert.Equal(NpyDataType.Float32, written.DataType);
        Assert.Equal([50, 66], written.Shape.ToArray());
        float[] expected = NpyFile.Read(Path.Combine(Fixtures, "expected_log_probs_T200.npy")).ToSingleArray();
        float[] actual = written.ToSingleArray();
        Assert.True(expected.Zip(actual, (a, b) => MathF.Abs(a - b)).Max() <= 1e-4f);
    }

    [Fact]
    public void Float16_features_of_shape_T_by_D_are_accepted()
    {
        string path = Path.Combine(_temp, "f16.npy");
        float[] original = NpyFile.Read(Features).ToSingleArray();
        NpyFile.Write(path, original.Select(v => (Half)v).ToArray(), [200, 1280]);

        (int code, string stdout) = Execute(Arguments(features: path, json: true));

        Assert.Equal(0, code);
        Assert.Contains("\"frames\":50", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_FileNotFoundException()
    {
        Assert.Throws<FileNotFoundException>(() => Execute(Arguments(model: Path.Combine(_temp, "none.onnx"))));
        Assert.Throws<FileNotFoundException>(() => Execute(Arguments(features: Path.Combine(_temp, "none.npy"))));
    }

    [Fact]
    public void A_wrong_shape_is_named()
    {
        string path = Path.Combine(_temp, "batch2.npy");
        NpyFile.Write(path, new float[2 * 3 * 1280], [2, 3, 1280]);

        var e = Assert.Throws<CommandLineException>(() => Execute(Arguments(features: path)));

        Assert.Contains("[2, 3, 1280]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_width_names_both_widths()
    {
        string path = Path.Combine(_temp, "narrow.npy");
        NpyFile.Write(path, new float[8 * 80], [8, 80]);

        var e = Assert.Throws<CommandLineException>(() => Execute(Arguments(features: path)));

        Assert.Contains("80 wide", e.Message, StringComparison.Ordinal);
        Assert.Contains("1280", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_that_is_not_onnx_is_an_AcousticModelException()
    {
        string path = Path.Combine(_temp, "bad.onnx");
        File.WriteAllText(path, "not a model");

        Assert.Throws<AcousticModelException>(() => Execute(Arguments(model: path)));
    }

    [Theory]
    [InlineData("missing-features", "does not exist")]
    [InlineData("wrong-dtype", "f8")]
    [InlineData("missing-model", "does not exist")]
    [InlineData("wrong-width", "80 wide")]
    public void The_command_prints_one_error_line_and_exits_non_zero(string kind, string fragment)
    {
        string features = Features;
        string model = Model;
        switch (kind)
        {
            case "missing-features":
                features = Path.Combine(_temp, "none.npy");
                break;
            case "wrong-dtype":
                features = Path.Combine(_temp, "f8.npy");
                File.WriteAllBytes(features, NpyWithDescr("<f8", 8 * 8));
                break;
            case "wrong-width":
                features = Path.Combine(_temp, "narrow.npy");
                NpyFile.Write(features, new float[8 * 80], [8, 80]);
                break;
            default:
                model = Path.Combine(_temp, "none.onnx");
                break;
        }

        Cli.Run("asr", "--model", model, "--features", features).AssertOneLineError(fragment);
    }

    [Fact]
    public void The_command_runs_end_to_end()
    {
        CliResult result = Cli.Run("asr", "--model", Model, "--features", Features, "--json", "--threads", "1");

        Assert.Equal(0, result.Code);
        Assert.Equal(string.Empty, result.Stderr);
        Assert.StartsWith("{\"frames\":50,\"classes\":66,", result.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("}\n", result.Stdout, StringComparison.Ordinal);

        // The one JSON policy: N'Ko as itself, U+07FC too (the old encoder wrote it as \u07FC).
        Assert.Contains("\u07FC", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u07", result.Stdout, StringComparison.OrdinalIgnoreCase);
        string text = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("text").GetString()!;
        Assert.Equal(Cli.Run("asr", "--model", Model, "--features", Features, "--threads", "1").Stdout, text + "\n");
    }

    [Fact]
    public void Blank_last_is_the_blank_option_and_the_deprecated_flag_is_its_alias()
    {
        CliResult first = Cli.Run("asr", "--model", Model, "--features", Features, "--threads", "1");
        CliResult last = Cli.Run("asr", "--model", Model, "--features", Features, "--threads", "1", "--blank", "last");
        CliResult alias = Cli.Run("asr", "--model", Model, "--features", Features, "--threads", "1", "--blank-last");
        Assert.Equal(0, last.Code);
        Assert.NotEqual(first.Stdout, last.Stdout); // the vocabulary reads the classes differently
        Assert.Equal(last.Stdout, alias.Stdout);
        Assert.DoesNotContain("--blank-last", Cli.Run("asr", "--help").Stdout, StringComparison.Ordinal);
        Cli.Run("asr", "--model", Model, "--features", Features, "--blank", "first", "--blank-last").AssertOneLineError("--blank-last contradicts --blank first");
    }

    [Fact]
    public void A_missing_required_option_fails()
    {
        Assert.NotEqual(0, Cli.Run("asr", "--features", Features).Code);
    }

    private static byte[] NpyWithDescr(string descr, int payloadBytes)
    {
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': (8, 1), }}";
        header = header.PadRight(((header.Length + 10 + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8)]);
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(header));
        bytes.AddRange(new byte[payloadBytes]);
        return [.. bytes];
    }
}
