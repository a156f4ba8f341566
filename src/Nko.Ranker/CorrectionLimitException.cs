namespace Nko.Ranker;

/// <summary>An input exceeds one of the pipeline's <see cref="CorrectionLimits"/>; nothing was computed.</summary>
public sealed class CorrectionLimitException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public CorrectionLimitException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CorrectionLimitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public CorrectionLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
