namespace Nko.TurboQuant;

/// <summary>A quantised-tensor container is truncated, inconsistent, corrupt or of an unsupported version.</summary>
public sealed class QuantFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public QuantFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong, and where.</param>
    public QuantFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong, and where.</param>
    /// <param name="innerException">The cause.</param>
    public QuantFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
