using System.CommandLine;
using System.Text;
using System.Text.Json;
using Nko.Asr;
using Nko.Audio;
using Nko.Cli.Output;
using Nko.Ctc;
using Nko.Data;
using Nko.Lm;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Ranker.Training;
using Nko.TurboQuant;

namespace Nko.Cli.Commands;

/// <summary>
/// Runs a command body: a documented user error becomes one line on stderr and exit code 1; anything else is a bug and
/// prints its stack trace with exit code 70 (<see cref="ExitCodes"/>).
/// </summary>
/// <remarks>
/// User errors are <see cref="CommandLineException"/> (what the command line checks itself), the Nko libraries' own
/// exception types for bad input (<see cref="IsUserError"/> lists them), and what the environment causes: I/O and
/// permission errors, JSON syntax errors in input files, a platform without a back end. They print as
/// <c>nko: error: &lt;message&gt;</c> on a single line (line breaks in the message become spaces). A bare
/// <see cref="ArgumentException"/>, <see cref="InvalidOperationException"/>, <see cref="NullReferenceException"/> … from
/// inside a library is not a user error: the command line validates what the user gives before handing it on, so such an
/// exception means a bug, and hiding its stack trace behind a one-line message would hide the bug.
/// </remarks>
internal static class CommandRunner
{
    /// <summary>Runs <paramref name="body"/>, reporting errors on the invocation's error writer (stderr by default).</summary>
    public static int Run(ParseResult parseResult, Func<int> body)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return Run(parseResult.InvocationConfiguration.Error, body);
    }

    /// <summary>Runs <paramref name="body"/>, reporting errors on <paramref name="error"/>.</summary>
    public static int Run(TextWriter error, Func<int> body)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return body();
        }
        catch (Exception e) when (IsUserError(e))
        {
            error.WriteLine($"nko: error: {OneLine(e.Message)}");
            error.Flush();
            return ExitCodes.UserError;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error.WriteLine("nko: internal error (a bug in nko, not in your input; please report it with the command line):");
            error.WriteLine(e.ToString());
            error.Flush();
            return ExitCodes.InternalError;
        }
    }

    /// <summary>Whether <paramref name="e"/> is a documented user error (reported as one line) rather than a bug.</summary>
    public static bool IsUserError(Exception e) =>
        e is CommandLineException
            // The environment and input files.
            or IOException or UnauthorizedAccessException or JsonException or PlatformNotSupportedException
            // The Nko libraries' exceptions for bad input (each documented where it is thrown).
            or DatasetFormatException or NpyFormatException or AudioFormatException or AcousticModelException
            or QuantFormatException or RankerConfigException or CorrectionLimitException or LmFormatException
            or TrainingDataException or OutOfVocabularyException or InvalidLogProbsException;

    /// <summary>The message with line breaks and other control characters replaced by spaces.</summary>
    public static string OneLine(string message)
    {
        var sb = new StringBuilder(message.Length);
        foreach (char c in message.AsSpan().Trim())
        {
            sb.Append(char.IsControl(c) ? ' ' : c);
        }

        return sb.ToString();
    }

    /// <summary>Whether <paramref name="path"/> means the standard output (absent, empty or <c>-</c>) rather than a file.</summary>
    public static bool IsStdout(string? path) => string.IsNullOrEmpty(path) || path == "-";

    /// <summary>
    /// Checks an output option before the command's work starts (see <see cref="OutputFile.Check"/>); the standard output
    /// (<see cref="IsStdout"/>) needs no check.
    /// </summary>
    public static void CheckOutput(string? path, string option)
    {
        if (!IsStdout(path))
        {
            OutputFile.Check(path!, option);
        }
    }

    /// <summary>The invocation's output writer (stdout by default), wrapped so that disposing it flushes but does not close it.</summary>
    public static TextWriter OpenStdout(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return new NonClosingWriter(parseResult.InvocationConfiguration.Output);
    }

    /// <summary>Prints a report to the invocation's output writer, as JSON when <paramref name="json"/> is set, else as text.</summary>
    public static void Print(ParseResult parseResult, IPrintableReport report, bool json)
    {
        using TextWriter stdout = OpenStdout(parseResult);
        if (json)
        {
            report.WriteJson(stdout);
        }
        else
        {
            report.WriteText(stdout);
        }
    }

    /// <summary>
    /// Writes the output: to a file all-or-nothing when a path is given (a failure leaves no partial file and any previous
    /// one unchanged; missing folders are created), otherwise to the invocation's output writer.
    /// </summary>
    public static void WriteOutput(ParseResult parseResult, string? path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(write);
        if (IsStdout(path))
        {
            using TextWriter stdout = OpenStdout(parseResult);
            write(stdout);
        }
        else
        {
            OutputFile.WriteText(path!, write);
        }
    }

    /// <summary>Forwards to a writer it does not own: flushes it on dispose instead of closing it.</summary>
    private sealed class NonClosingWriter(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void Write(char[] buffer, int index, int count) => inner.Write(buffer, index, count);

        public override void Write(ReadOnlySpan<char> buffer) => inner.Write(buffer);

        public override void Write(string? value) => inner.Write(value);

        public override void Flush() => inner.Flush();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Flush();
            }

            base.Dispose(disposing);
        }
    }
}
