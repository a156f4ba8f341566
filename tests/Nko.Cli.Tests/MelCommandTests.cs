using Nko.Data;
using Nko.Testing;

namespace Nko.Cli.Tests;

/// <summary><c>nko mel</c> in-process: whisper's fixtures reproduced through the command line, and its errors.</summary>
public sealed class MelCommandTests : IDisposable
{
    private static readonly string Frontend = Environment.GetEnvironmentVariable("NKO_SHARED_DATA") is { Length: > 0 } shared
        ? Path.Combine(shared, "whisper-frontend")
        : Path.GetFullPath(RepositoryPaths.Combine("..", "shared", "data", "whisper-frontend"));

    private readonly string _temp = Directory.CreateTempSubdirectory("nko-mel-cli-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static float MaxAbs(string npy, string reference)
    {
        float[] actual = NpyFile.Read(npy).AsSingle().ToArray();
        float[] expected = NpyFile.Read(Path.Combine(Frontend, "ref", reference)).AsSingle().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        return expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
    }

    [Fact]
    public void Writes_whisper_s_30_s_window_with_80_mels()
    {
        string output = Path.Combine(_temp, "sub", "fr_7s.npy");
        CliResult result = Cli.Run("mel", "--input", Path.Combine(Frontend, "audio", "fr_7s.wav"), "--out", output);
        Assert.Equal(0, result.Code);
        Assert.Equal("{\"mels\":80,\"frames\":3000,\"samples\":112690,\"seconds\":7.043125}\n", result.Stdout);
        Assert.Equal([80, 3000], NpyFile.Read(output).Shape.ToArray());
        Assert.True(MaxAbs(output, "fr_7s.mel80.npy") <= 1e-4f);
    }

    [Fact]
    public void Full_writes_transcribe_s_long_spectrogram()
    {
        string output = Path.Combine(_temp, "bm.npy");
        CliResult result = Cli.Run("mel", "--input", Path.Combine(Frontend, "audio", "bm_47s.wav"), "--mels", "128", "--full", "--out", output);
        Assert.Equal(0, result.Code);
        Assert.Equal([128, (752197 + 480000) / 160], NpyFile.Read(output).Shape.ToArray());
        Assert.True(MaxAbs(output, "bm_47s.mel128_full.npy") <= 1e-4f);
    }

    [Fact]
    public void Int16_reproduces_whisper_on_a_float_file_and_seconds_sets_the_window()
    {
        string output = Path.Combine(_temp, "f32.npy");
        Assert.Equal(0, Cli.Run("mel", "--input", Path.Combine(Frontend, "audio", "f32_en_short.wav"), "--mels", "128", "--int16", "--out", output).Code);
        Assert.True(MaxAbs(output, "f32_en_short.mel128.npy") <= 1e-4f);

        Assert.Equal(0, Cli.Run("mel", "--input", Path.Combine(Frontend, "audio", "f32_en_short.wav"), "--seconds", "15", "--out", output).Code);
        Assert.Equal([80, 1500], NpyFile.Read(output).Shape.ToArray());
    }

    [Fact]
    public void Errors_are_one_line_and_leave_no_output()
    {
        string flac = Path.Combine(_temp, "x.flac");
        File.WriteAllBytes(flac, "fLaC\0\0\0\u0022"u8.ToArray());
        string output = Path.Combine(_temp, "x.npy");
        CliResult result = Cli.Run("mel", "--input", flac, "--out", output);
        Assert.Equal(1, result.Code);
        Assert.StartsWith("nko: error: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("FLAC", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("ffmpeg", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));

        Assert.NotEqual(0, Cli.Run("mel", "--input", flac, "--mels", "64", "--out", output).Code);
        Assert.Equal(1, Cli.Run("mel", "--input", Path.Combine(Frontend, "audio", "fr_7s.wav"), "--seconds", "0.00001", "--out", output).Code);
        Assert.Equal(1, Cli.Run("mel", "--input", Path.Combine(_temp, "missing.wav"), "--out", output).Code);
        Assert.False(File.Exists(output));
    }
}
