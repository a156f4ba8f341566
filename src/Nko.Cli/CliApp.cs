using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text;
using Nko.IO;

namespace Nko.Cli;

/// <summary>The <c>nko</c> command line: parses arguments and runs a command. The commands are registered in Program.cs.</summary>
internal static partial class CliApp
{
    /// <summary>Runs the command line as the process does: output to stdout (UTF-8, <c>\n</c> line ends), errors to stderr.</summary>
    public static int Run(string[] args)
    {
        // A write past `ulimit -f` then fails with an error line instead of killing the process (exit 153) silently.
        FileSizeLimitSignal.Ignore();

        // Ctrl+C or a kill during a write: remove the temporary file; the default action (termination) still follows.
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => AtomicFileWriter.DeletePending());
        using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => AtomicFileWriter.DeletePending());
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { AutoFlush = false, NewLine = "\n" };
        try
        {
            return Run(args, stdout, Console.Error);
        }
        finally
        {
            stdout.Flush();
        }
    }

    /// <summary>Runs the command line in-process with the given output and error writers; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        RootCommand root = CreateRoot();
        int code = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        output.Flush();
        error.Flush();
        return code;
    }
}
