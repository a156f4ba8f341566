using System.CommandLine;
using System.Text;
using Nko.Lm;
using Nko.Cli.Output;

namespace Nko.Cli.Commands;

/// <summary>Options and file handling shared by the <c>nko lm</c> commands.</summary>
internal static class LmCliOptions
{
    /// <summary><c>--lm FILE</c>: an ARPA file or an Nko.Lm binary model (required).</summary>
    public static Option<string> Lm() => new("--lm")
    {
        Description = "The language model: ARPA text, or Nko.Lm's binary form (recognised by its magic bytes, whatever the extension).",
        Required = true,
    };

    /// <summary><c>--text FILE</c>: UTF-8 text, one sentence per line (required).</summary>
    public static Option<string> Text(string description) => new("--text") { Description = description, Required = true };

    /// <summary>
    /// Loads a model: the binary form when the file starts with its magic bytes, ARPA text otherwise (the extension is not
    /// looked at, so a binary model named <c>.arpa</c> still loads). Format errors name the file.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file is not a valid model; the message names the file (and the ARPA line).</exception>
    public static CharLanguageModel LoadModel(string path)
    {
        RequireFile(path, "Language model");
        try
        {
            return CharLanguageModel.LoadAnyFormat(path);
        }
        catch (LmFormatException e)
        {
            throw new CommandLineException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>The lines of a UTF-8 text file (a byte order mark is skipped; <c>\n</c> or <c>\r\n</c> line ends).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static string[] ReadLines(string path)
    {
        RequireFile(path, "Text file");
        return File.ReadAllLines(path, Encoding.UTF8);
    }

    /// <summary>Writes a model's binary form to <paramref name="path"/> all-or-nothing (see <see cref="OutputFile"/>).</summary>
    public static void SaveBinary(CharLanguageModel model, string path)
    {
        using Nko.IO.AtomicFileWriter file = OutputFile.Create(path);
        model.Save(file.Stream);
        file.Commit();
    }

    /// <summary>Rejects two output options naming the same file (the second write would replace the first).</summary>
    public static void CheckDistinct(string first, string firstOption, string second, string secondOption)
    {
        if (string.Equals(Path.GetFullPath(first), Path.GetFullPath(second), StringComparison.Ordinal))
        {
            throw new CommandLineException($"{firstOption} and {secondOption} name the same file '{first}'.");
        }
    }

    private static void RequireFile(string path, string what)
    {
        if (Directory.Exists(path))
        {
            throw new IOException($"{what} '{path}' is a directory, not a file.");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{what} '{path}' does not exist.", path);
        }
    }
}
