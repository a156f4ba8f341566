namespace Nko.Audio;

/// <summary>Limits and conversion rules for <see cref="WavReader"/> and <see cref="AudioLoader"/>.</summary>
public sealed class AudioReadOptions
{
    /// <summary>The default <see cref="MaxDataBytes"/>: 512 MiB (about 50 minutes of 44.1 kHz 16-bit stereo).</summary>
    public const long DefaultMaxDataBytes = 512L * 1024 * 1024;

    /// <summary>The options used when none are given.</summary>
    public static AudioReadOptions Default { get; } = new();

    /// <summary>
    /// The largest <c>data</c> chunk accepted, in bytes (default <see cref="DefaultMaxDataBytes"/>). A larger claim is an
    /// <see cref="AudioFormatException"/> before anything is read or allocated. Memory is never reserved for more than
    /// the bytes that actually arrived plus the growth of one buffer doubling, whatever a header claims.
    /// </summary>
    public long MaxDataBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = DefaultMaxDataBytes;

    /// <summary>
    /// When true (default false), reproduce the 16-bit quantisation of ffmpeg's <c>-f s16le</c> decode that
    /// <c>whisper.audio.load_audio</c> uses, so that the samples equal whisper's bit for bit on 16 kHz sources: every
    /// sample becomes an int16 value / 32768 (8-bit: <c>(u8 − 128) &lt;&lt; 8</c>; 24-bit: <c>s24 &gt;&gt; 8</c>; 32-bit:
    /// <c>s32 &gt;&gt; 16</c>, truncation as ffmpeg does; float: <c>clip(lrint(x · 32768), −32768, 32767)</c>, round half to
    /// even, saturating), stereo mixes to mono as <c>(L + R + 1) &gt;&gt; 1</c> on the int16 values, and resampled output is
    /// rounded to int16 again. When false, samples keep their full precision (a float32 holds 8/16/24-bit PCM exactly).
    /// </summary>
    public bool QuantizeToInt16 { get; init; }
}
