namespace Nko.Data;

/// <summary>Thrown when a <c>.npy</c> file is truncated, corrupt, or of a kind this library does not read.</summary>
public sealed class NpyFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public NpyFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public NpyFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
