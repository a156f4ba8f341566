using Nko.Audio.Wav;

namespace Nko.Audio;

/// <summary>
/// Reads little-endian RIFF/WAVE audio: PCM 8 (unsigned), 16, 24 and 32-bit, IEEE float 32 and 64-bit, plain or as
/// WAVE_FORMAT_EXTENSIBLE (sub-format GUID checked), with any other chunks (LIST, fact, cue, …) skipped and odd-sized
/// chunks' pad bytes honoured. RIFX (big-endian), RF64/BW64, Wave64 and compressed format tags are rejected, and other
/// containers (MP3, FLAC, Ogg, AIFF, MP4, …) are named, with the ffmpeg command that converts them.
/// </summary>
/// <remarks>
/// Every malformed input throws <see cref="AudioFormatException"/>; nothing is allocated for what a header claims before
/// the bytes exist (see <see cref="AudioReadOptions.MaxDataBytes"/>). The RIFF size field and the byte rate are not
/// trusted (writers that stream get them wrong); the chunk sizes are. A trailing partial frame in <c>data</c> is ignored;
/// reading stops at the end of the first <c>data</c> chunk. Thread-safe (no shared state).
/// </remarks>
public static class WavReader
{
    /// <summary>Reads a WAV file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Limits and quantisation; <see cref="AudioReadOptions.Default"/> when null.</param>
    /// <exception cref="AudioFormatException">The file is not a WAV file this reader accepts; the message says why.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static AudioClip Read(string path, AudioReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            return Read(stream, options);
        }
        catch (AudioFormatException e)
        {
            throw new AudioFormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads WAV data from the stream's current position (seekable or not); the stream is left open.</summary>
    /// <param name="stream">The data; read up to the end of the <c>data</c> chunk.</param>
    /// <param name="options">Limits and quantisation; <see cref="AudioReadOptions.Default"/> when null.</param>
    /// <exception cref="AudioFormatException">The data is not a WAV file this reader accepts; the message says why.</exception>
    /// <exception cref="ArgumentException">The stream cannot be read.</exception>
    public static AudioClip Read(Stream stream, AudioReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }

        var source = new StreamSource(stream);
        return WavParser.Parse(ref source, options ?? AudioReadOptions.Default);
    }

    /// <summary>Reads WAV bytes.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="options">Limits and quantisation; <see cref="AudioReadOptions.Default"/> when null.</param>
    /// <exception cref="AudioFormatException">The bytes are not a WAV file this reader accepts; the message says why.</exception>
    public static AudioClip Read(ReadOnlySpan<byte> bytes, AudioReadOptions? options = null)
    {
        var source = new SpanSource(bytes);
        return WavParser.Parse(ref source, options ?? AudioReadOptions.Default);
    }

    /// <summary>Reads WAV bytes.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="options">Limits and quantisation; <see cref="AudioReadOptions.Default"/> when null.</param>
    /// <exception cref="AudioFormatException">The bytes are not a WAV file this reader accepts; the message says why.</exception>
    public static AudioClip Read(ReadOnlyMemory<byte> bytes, AudioReadOptions? options = null) => Read(bytes.Span, options);
}
