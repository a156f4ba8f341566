namespace Nko.Cli;

/// <summary>
/// A user error the command line found itself: a bad option value, a malformed input file it parses, an input the
/// command cannot use. <see cref="Commands.CommandRunner"/> prints it as one line and exits with code 1, as it does the
/// documented exceptions of the Nko libraries; any other exception is a bug (stack trace, exit code 70).
/// </summary>
internal sealed class CommandLineException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CommandLineException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the exception that caused it.</summary>
    public CommandLineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
