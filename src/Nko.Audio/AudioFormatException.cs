namespace Nko.Audio;

/// <summary>
/// The bytes given to <see cref="WavReader"/> are not a WAV file this package reads: another container (MP3, FLAC, Ogg,
/// …, named in the message with what to do), a WAV variant it rejects (RIFX, RF64, Wave64, compressed format tags), or a
/// malformed or truncated file. The message says what is wrong and where.
/// </summary>
/// <remarks>Derives from <see cref="FormatException"/>, so code that already handles format errors handles this one.</remarks>
public sealed class AudioFormatException : FormatException
{
    /// <summary>Creates the exception with the default message.</summary>
    public AudioFormatException()
        : base("The audio data is not a WAV file this reader accepts.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public AudioFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public AudioFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
