using System.Text;
using Nko.IO;

namespace Nko.Cli.Output;

/// <summary>
/// The files the commands write: checked before any long work starts (<see cref="Check"/>), then written all-or-nothing
/// (<see cref="Create"/>, <see cref="WriteText"/>) through <see cref="AtomicFileWriter"/>, creating missing folders.
/// </summary>
internal static class OutputFile
{
    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>
    /// Checks that <paramref name="path"/> can be written: it is not a folder, no part of its folder path is a file, and the
    /// nearest existing folder accepts new files (a probe file is created and deleted there). Missing folders are allowed:
    /// the write creates them.
    /// </summary>
    /// <param name="path">The output file.</param>
    /// <param name="option">The option that named it (e.g. <c>--out</c>), for the message.</param>
    /// <exception cref="IOException">The path cannot be written; the message says why.</exception>
    public static void Check(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CommandLineException($"{option} needs a file path.");
        }

        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new IOException($"{option} '{path}' is a directory, not a file.");
        }

        if (Path.EndsInDirectorySeparator(path))
        {
            throw new IOException($"{option} '{path}' ends with a directory separator; it must name a file.");
        }

        // The nearest existing folder; an existing file on the way means the path cannot be created.
        string? folder = Path.GetDirectoryName(full);
        while (folder is not null && !Directory.Exists(folder))
        {
            if (File.Exists(folder))
            {
                throw new IOException($"{option} '{path}': '{folder}' is a file, not a directory.");
            }

            folder = Path.GetDirectoryName(folder);
        }

        if (folder is null || (File.Exists(full) && IsDevice(full)))
        {
            return;
        }

        string probe = Path.Combine(folder, $".nko-write-check-{Path.GetRandomFileName()}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"{option} '{path}': cannot create files in '{folder}' (permission denied).", e);
        }
        catch (IOException e)
        {
            // The messages name the probe file, which the user never asked for.
            string reason = e is FileNotFoundException or DirectoryNotFoundException
                ? "it does not accept new files"
                : e.Message.Replace($" : '{probe}'", string.Empty, StringComparison.Ordinal).TrimEnd('.', ' ');
            throw new IOException($"{option} '{path}': cannot create files in '{folder}' ({reason}).", e);
        }
    }

    /// <summary>Starts writing <paramref name="path"/> all-or-nothing, creating its folder if needed.</summary>
    public static AtomicFileWriter Create(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        return AtomicFileWriter.Create(path);
    }

    /// <summary>Writes UTF-8 text (no BOM, <c>\n</c> line ends) to <paramref name="path"/> all-or-nothing.</summary>
    public static void WriteText(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using AtomicFileWriter file = Create(path);
        using (var writer = new StreamWriter(file.Stream, Utf8, 1 << 16, leaveOpen: true) { NewLine = "\n" })
        {
            write(writer);
        }

        file.Commit();
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> all-or-nothing.</summary>
    public static void WriteBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using AtomicFileWriter file = Create(path);
        file.Stream.Write(bytes);
        file.Commit();
    }

    // Writing to /dev/null or /dev/stdout is fine and needs no probe (see AtomicFileWriter on devices).
    private static bool IsDevice(string full) =>
        !OperatingSystem.IsWindows() && (full.StartsWith("/dev/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal));
}
