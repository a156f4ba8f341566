using System.Text.Json;
using Nko.Ctc;

namespace Nko.Cli.Commands;

/// <summary>Runs a command body and turns the errors users can cause into one clear line on stderr and exit code 1.</summary>
internal static class CommandRunner
{
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException
                                      or JsonException or InvalidOperationException or NotSupportedException
                                      or PlatformNotSupportedException or OutOfVocabularyException)
        {
            Console.Error.WriteLine($"nko: error: {e.Message}");
            return 1;
        }
    }

    /// <summary>Opens the output: a file when a path is given, stdout otherwise.</summary>
    public static TextWriter OpenOutput(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "-")
        {
            var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false)) { AutoFlush = false, NewLine = "\n" };
            return stdout;
        }

        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        return new StreamWriter(path, false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
    }
}
