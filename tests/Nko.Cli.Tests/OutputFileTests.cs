using System.Diagnostics;
using Nko.Data;
using Nko.Ranker.Configuration;
using Nko.Testing;

namespace Nko.Cli.Tests;

/// <summary>
/// Every file a command writes is checked before the work starts and written all-or-nothing: a bad path is one clear
/// error line up front; a full disk or a file size limit leaves the previous file unchanged and no partial or temporary one.
/// </summary>
public sealed class OutputFileTests : IDisposable
{
    private static readonly string AsrFixtures = RepositoryPaths.Combine("tests", "Nko.Asr.Onnx.Tests", "Fixtures");
    private static readonly string Model = Path.Combine(AsrFixtures, "ctc_head_tiny.onnx");
    private static readonly string Features = Path.Combine(AsrFixtures, "features_T200.npy");
    private static readonly byte[] Previous = "the previous output\n"u8.ToArray();
    private readonly CliTempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Train_rejects_an_out_path_under_a_file_before_reading_any_data()
    {
        string blocker = Blocker();
        string missing = _dir.File("missing");

        // The data folders do not exist either: the --out error first shows the check runs before any data is read.
        Cli.Run("train", "--train", missing, "--dev", missing, "--out", Path.Combine(blocker, "x.json"))
            .AssertOneLineError("--out", $"'{blocker}' is a file, not a directory.");
    }

    [Theory]
    [InlineData("--dump-features", "directory")]
    [InlineData("--dump-features", "under-a-file")]
    [InlineData("--report", "under-a-file")]
    public void Train_rejects_bad_optional_outputs_before_reading_any_data(string option, string kind)
    {
        string missing = _dir.File("missing");
        (string path, string message) = BadPath(kind);
        Cli.Run("train", "--train", missing, "--dev", missing, "--out", _dir.File("ranker.json"), option, path)
            .AssertOneLineError(option, message);
        Assert.False(File.Exists(_dir.File("ranker.json")));
    }

    [Theory]
    [InlineData("greedy", "directory")]
    [InlineData("greedy", "under-a-file")]
    [InlineData("score", "directory")]
    [InlineData("score", "under-a-file")]
    [InlineData("correct", "directory")]
    [InlineData("correct", "under-a-file")]
    [InlineData("quant", "directory")]
    [InlineData("quant", "under-a-file")]
    [InlineData("asr", "directory")]
    [InlineData("asr", "under-a-file")]
    public void A_bad_output_path_is_reported_before_the_work_and_says_what_is_wrong(string command, string kind)
    {
        // The inputs are missing (asr: the model), so an error about the output proves it was checked first.
        (string path, string message) = BadPath(kind);
        string missing = _dir.File("missing");
        string[] args = command switch
        {
            "greedy" => ["greedy", "--data", missing, "--out", path],
            "score" => ["score", "--data", missing, "--targets", missing, "--out", path],
            "correct" => ["correct", "--data", missing, "--out", path],
            "quant" => ["quant", "--input", missing, "--bits", "8", "--output", path],
            _ => ["asr", "--model", missing, "--features", Features, "--out", path],
        };
        Cli.Run(args).AssertOneLineError(command == "quant" ? "--output" : "--out", message);
    }

    [Fact]
    public void A_successful_write_creates_missing_folders_and_leaves_only_the_output()
    {
        string folder = _dir.File("a");
        string output = Path.Combine(folder, "b", "greedy.jsonl");
        CliResult r = Cli.Run("greedy", "--data", Cli.Dev50, "--out", output);
        Assert.True(r.Code == 0, r.Stderr);
        Assert.Equal(50, Cli.Lines(File.ReadAllText(output)).Count);
        Assert.Equal([output], Directory.GetFiles(folder, "*", SearchOption.AllDirectories));
    }

    [TmpfsFact]
    public void A_full_disk_keeps_the_previous_output_and_leaves_no_partial_file()
    {
        string features = QuantFeatures();
        using var disk = new Tmpfs(64);
        string[] targets = [disk.File("greedy.jsonl"), disk.File("quant.tq"), disk.File("logprobs.npy")];
        foreach (string target in targets)
        {
            File.WriteAllBytes(target, Previous);
        }

        disk.Fill();
        string[][] runs =
        [
            ["greedy", "--data", Cli.Dev50, "--out", targets[0]],
            ["quant", "--input", features, "--bits", "8", "--group", "32", "--repeat", "1", "--output", targets[1]],
            ["asr", "--model", Model, "--features", Features, "--threads", "1", "--out", targets[2]],
        ];
        for (int i = 0; i < runs.Length; i++)
        {
            CliResult r = Cli.Run(runs[i]);
            Assert.Equal(1, r.Code);
            Assert.Equal(Previous, File.ReadAllBytes(targets[i]));
            Assert.Contains($"nko: error: Could not write '{targets[i]}': No space left on device. The previous file is unchanged.", r.Stderr, StringComparison.Ordinal);
        }

        Assert.Equal([.. targets.Append(disk.File("filler")).Order(StringComparer.Ordinal)], Directory.GetFiles(disk.Path).Order(StringComparer.Ordinal));
    }

    [TmpfsFact]
    public void RankerConfig_Save_and_NpyFile_Write_keep_the_previous_file_on_a_full_disk()
    {
        RankerConfig config = RankerConfig.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "handbuilt_ranker_v1.json"));
        using var disk = new Tmpfs(64);
        string json = disk.File("ranker.json"), npy = disk.File("x.npy");
        File.WriteAllBytes(json, Previous);
        File.WriteAllBytes(npy, Previous);
        disk.Fill();

        IOException saveError = Assert.ThrowsAny<IOException>(() => config.Save(json));
        Assert.ThrowsAny<IOException>(() => NpyFile.Write(npy, new float[64 * 1024], [64, 1024]));
        Assert.Equal(Previous, File.ReadAllBytes(json));
        Assert.Equal(Previous, File.ReadAllBytes(npy));
        Assert.Contains($"'{json}'", saveError.Message, StringComparison.Ordinal);
        Assert.Contains("previous file is unchanged", saveError.Message, StringComparison.Ordinal);
        Assert.Equal(3, Directory.GetFiles(disk.Path).Length);
    }

    [TmpfsFact]
    public void An_output_folder_that_cannot_take_new_files_is_reported_before_the_work()
    {
        using var readOnly = new Tmpfs(16, readOnly: true);
        string output = readOnly.File("greedy.jsonl");
        Cli.Run("greedy", "--data", _dir.File("missing"), "--out", output)
            .AssertOneLineError("--out", $"cannot create files in '{readOnly.Path}'", "Read-only file system");
    }

    [UnixBashFact]
    public void A_write_past_the_file_size_limit_is_an_error_line_and_keeps_the_previous_file()
    {
        // Out of process: SIGXFSZ kills the whole process, and ulimit applies to a process.
        string features = QuantFeatures();
        string target = _dir.File("quant.tq");
        File.WriteAllBytes(target, Previous);

        (int code, string stderr) = RunBuiltTool(16, "quant", "--input", features, "--bits", "8", "--group", "32", "--repeat", "1", "--output", target);

        Assert.True(code != 153, "killed by SIGXFSZ (exit 153) with no message");
        Assert.Equal(1, code);
        Assert.Equal(
            $"nko: error: Could not write '{target}': File too large (the file system's or the process's file size limit, ulimit -f, was reached). The previous file is unchanged.",
            stderr.Trim());
        Assert.Equal(Previous, File.ReadAllBytes(target));
        Assert.Equal([features, target], Directory.GetFiles(_dir.Path).Order(StringComparer.Ordinal));
    }

    // A folder, or a path under a file, with the message each must give.
    private (string Path, string Message) BadPath(string kind)
    {
        if (kind == "directory")
        {
            string folder = Directory.CreateDirectory(_dir.File("folder")).FullName;
            return (folder, $"'{folder}' is a directory, not a file.");
        }

        string blocker = Blocker();
        return (Path.Combine(blocker, "x.out"), $"'{blocker}' is a file, not a directory.");
    }

    private string Blocker()
    {
        string blocker = _dir.File("blocker");
        File.WriteAllText(blocker, "a file");
        return blocker;
    }

    // 400 × 256 float16 values: an 8-bit container of ~115 KB, larger than the tmpfs and the ulimit.
    private string QuantFeatures()
    {
        var rng = new Random(7);
        Half[] x = new Half[400 * 256];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (Half)((rng.NextSingle() * 2) - 1);
        }

        string path = _dir.File("features.npy");
        NpyFile.Write(path, x, [400, 256]);
        return path;
    }

    // The nko.dll built beside the tests, run by `dotnet` under `ulimit -f <blocks>` (1 KiB blocks).
    private static (int Code, string Stderr) RunBuiltTool(int blocks, params string[] args)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in (string[])["-c", $"ulimit -f {blocks}; exec \"$0\" \"$@\"", dotnet, Path.Combine(AppContext.BaseDirectory, "nko.dll"), .. args])
        {
            start.ArgumentList.Add(a);
        }

        // With W^X on (the default), the runtime maps its generated code through a file that the size limit refuses, and
        // does not start at all ("Failed to create CoreCLR"); the limit is about our output, so that mapping is turned off.
        start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        stdout.Wait();
        process.WaitForExit();
        return (process.ExitCode, stderr);
    }
}

/// <summary>A fact skipped where there is no bash (Windows): it runs the built tool under <c>ulimit</c>.</summary>
internal sealed class UnixBashFactAttribute : FactAttribute
{
    public UnixBashFactAttribute()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/bash"))
        {
            Skip = "Needs a Unix shell (bash) to run the tool under ulimit -f.";
        }
    }
}
