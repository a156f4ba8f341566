// The CLI tests' temporary folders are the shared helper's (prefix "nko-tests-").
global using CliTempDir = Nko.Testing.TempDirectory;
using System.Text.Json;
using Nko.Data;
using Nko.Testing;

namespace Nko.Cli.Tests;

/// <summary>Runs <c>nko</c> in-process and captures what it writes.</summary>
internal static class Cli
{
    /// <summary>The bundled sample samples/dev50, copied beside the test assembly.</summary>
    public static string Dev50 => Path.Combine(AppContext.BaseDirectory, "samples", "dev50");

    /// <summary>Runs the command line with <paramref name="args"/>; returns the exit code, stdout and stderr.</summary>
    public static CliResult Run(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        int code = CliApp.Run(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The JSON objects of JSON-lines text (every line must be one).</summary>
    public static List<JsonElement> Lines(string text)
    {
        Assert.True(text.Length == 0 || text.EndsWith('\n'), "output must end with a newline");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line =>
            {
                using var doc = JsonDocument.Parse(line);
                Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
                return doc.RootElement.Clone();
            })
            .ToList();
    }

    /// <summary>The property names of an object, in order.</summary>
    public static string[] Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();

    /// <summary>Copies the first <paramref name="rows"/> rows of dev50 into <paramref name="dir"/>, optionally moving the blank last.</summary>
    public static void CopyDev50(string dir, int rows, bool blankLast = false)
    {
        Directory.CreateDirectory(dir);
        Half[] all = NpyFile.Read(Path.Combine(Dev50, "logprobs.npy")).ToHalfArray();
        const int T = 375, C = 66;
        Half[] subset = all.AsSpan(0, rows * T * C).ToArray();
        if (blankLast)
        {
            // Blank first: blank 0, letters 1..64, space 65. Blank last: letters 0..63, space 64, blank 65.
            for (int f = 0; f < rows * T; f++)
            {
                Span<Half> frame = subset.AsSpan(f * C, C);
                Half blank = frame[0];
                frame[1..].CopyTo(frame);
                frame[C - 1] = blank;
            }
        }

        NpyFile.Write(Path.Combine(dir, "logprobs.npy"), subset, [rows, T, C]);
        File.WriteAllLines(Path.Combine(dir, "rows.jsonl"), File.ReadLines(Path.Combine(Dev50, "rows.jsonl")).Take(rows));
    }
}

/// <summary>What a run of the command line produced.</summary>
internal sealed record CliResult(int Code, string Stdout, string Stderr)
{
    /// <summary>Asserts a user error: exit code 1, nothing on stdout, exactly one "nko: error: …" line on stderr containing every fragment.</summary>
    public string AssertOneLineError(params string[] fragments)
    {
        Assert.Equal(1, Code);
        Assert.Equal(string.Empty, Stdout);
        string[] lines = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{Stderr}");
        Assert.StartsWith("nko: error: ", lines[0], StringComparison.Ordinal);
        foreach (string f in fragments)
        {
            Assert.Contains(f, lines[0], StringComparison.Ordinal);
        }

        return lines[0];
    }
}

/// <summary>A fact skipped when ../shared/data/nko-ctc-sim/dev (or $NKO_SHARED_DATA/dev) is absent.</summary>
internal sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (Dev is null)
        {
            Skip = "Needs ../shared/data/nko-ctc-sim/dev (or NKO_SHARED_DATA pointing at nko-ctc-sim).";
        }
    }

    public static string? Dev { get; } = Find();

    private static string? Find()
    {
        string dev = Path.Combine(RepositoryPaths.NkoCtcSim, "dev");
        return File.Exists(Path.Combine(dev, "logprobs.npy")) ? dev : null;
    }
}
