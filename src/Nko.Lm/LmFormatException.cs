namespace Nko.Lm;

/// <summary>
/// Thrown when an ARPA file or a binary model file is malformed, truncated, corrupt, or exceeds this library's limits.
/// </summary>
/// <remarks>For ARPA text, <see cref="LineNumber"/> is the 1-based line of the first problem; 0 when not tied to a line.</remarks>
public sealed class LmFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public LmFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public LmFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a line of an ARPA file; the message is prefixed with the line number.</summary>
    public LmFormatException(long lineNumber, string message)
        : base($"line {lineNumber}: {message}")
    {
        LineNumber = lineNumber;
    }

    /// <summary>The 1-based line of an ARPA file where the problem was found; 0 when not tied to a line.</summary>
    public long LineNumber { get; }
}
