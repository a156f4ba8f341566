namespace Nko.Cli;

/// <summary>The exit codes of <c>nko</c> (documented in the README).</summary>
internal static class ExitCodes
{
    /// <summary>The command did its work.</summary>
    public const int Success = 0;

    /// <summary>
    /// A user error: a bad option or argument (System.CommandLine's parse errors use it too), a missing, unreadable or
    /// malformed input, an output that cannot be written. One line on stderr: <c>nko: error: …</c>.
    /// </summary>
    public const int UserError = 1;

    /// <summary>
    /// A bug: an exception that is not a documented user error. stderr gets <c>nko: internal error: …</c> and the stack
    /// trace. 70 is EX_SOFTWARE of BSD's sysexits.h ("an internal software error has been detected").
    /// </summary>
    public const int InternalError = 70;
}
