namespace Nko.Asr;

/// <summary>
/// Thrown when an acoustic model cannot be used as configured: its inputs or outputs do not match the options
/// (names, ranks, element types, feature width, class count versus vocabulary), or the runtime failed to load or run it.
/// </summary>
/// <remarks>The message names the model, the tensor and what was expected, and says what to change.</remarks>
public class AcousticModelException : InvalidOperationException
{
    /// <summary>Creates the exception with a message.</summary>
    public AcousticModelException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the runtime error that caused it.</summary>
    public AcousticModelException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message (prefer the overloads that explain the problem).</summary>
    public AcousticModelException()
    {
    }
}
