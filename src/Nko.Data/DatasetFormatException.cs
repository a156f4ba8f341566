namespace Nko.Data;

/// <summary>Thrown when a dataset folder or a JSON-lines file is malformed; names the file and the 1-based line.</summary>
public sealed class DatasetFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public DatasetFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public DatasetFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a line of a file.</summary>
    public DatasetFormatException(string file, int line, string message, Exception? innerException = null)
        : base($"{file}, line {line}: {message}", innerException)
    {
        File = file;
        Line = line;
    }

    /// <summary>The file, when known.</summary>
    public string? File { get; }

    /// <summary>The 1-based line, when known (0 otherwise).</summary>
    public int Line { get; }
}
