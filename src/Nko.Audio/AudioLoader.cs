namespace Nko.Audio;

/// <summary>
/// WAV in, whisper's input out: 16 kHz mono float32 samples, as <c>whisper.audio.load_audio</c> returns them — read
/// (<see cref="WavReader"/>), mixed to mono (mean of the channels), resampled to 16 kHz (<see cref="Resampler"/>) when the
/// source rate differs.
/// </summary>
/// <remarks>
/// With <see cref="AudioReadOptions.QuantizeToInt16"/> the samples go through ffmpeg's int16 rules (see that option), and a
/// 16 kHz source then equals <c>load_audio</c> bit for bit; resampled sources stay close but not equal (ffmpeg's
/// libswresample filter is its own; see the package README for the measured difference). Thread-safe.
/// </remarks>
public static class AudioLoader
{
    /// <summary>Reads a WAV file as 16 kHz mono samples.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Limits and quantisation; <see cref="AudioReadOptions.Default"/> when null.</param>
    /// <exception cref="AudioFormatException">The file is not a WAV file this package reads; the message says why.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static float[] LoadMono16k(string path, AudioReadOptions? options = null) =>
        ToMono16k(WavReader.Read(path, options), options?.QuantizeToInt16 ?? false);

    /// <summary>Reads WAV data from a stream (seekable or not) as 16 kHz mono samples; the stream is left open.</summary>
    /// <param name="stream">The data.</param>
    /// <param name="options">Limits and quantisation; <see cref="AudioReadOptions.Default"/> when null.</param>
    /// <exception cref="AudioFormatException">The data is not a WAV file this package reads; the message says why.</exception>
    public static float[] LoadMono16k(Stream stream, AudioReadOptions? options = null) =>
        ToMono16k(WavReader.Read(stream, options), options?.QuantizeToInt16 ?? false);

    /// <summary>Reads WAV bytes as 16 kHz mono samples.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="options">Limits and quantisation; <see cref="AudioReadOptions.Default"/> when null.</param>
    /// <exception cref="AudioFormatException">The bytes are not a WAV file this package reads; the message says why.</exception>
    public static float[] LoadMono16k(ReadOnlySpan<byte> bytes, AudioReadOptions? options = null) =>
        ToMono16k(WavReader.Read(bytes, options), options?.QuantizeToInt16 ?? false);

    /// <summary>Mixes a decoded clip to mono and resamples it to 16 kHz.</summary>
    /// <param name="clip">The clip.</param>
    /// <param name="quantizeToInt16">
    /// Apply ffmpeg's int16 rules to the mix (stereo: <c>(L + R + 1) &gt;&gt; 1</c>) and to the resampled output (round half
    /// to even, saturate); the clip's samples should then have been read with <see cref="AudioReadOptions.QuantizeToInt16"/>.
    /// </param>
    /// <returns>16 kHz mono samples.</returns>
    public static float[] ToMono16k(AudioClip clip, bool quantizeToInt16 = false)
    {
        ArgumentNullException.ThrowIfNull(clip);
        float[] mono = new float[clip.Frames];
        AudioMath.MixToMono(clip.Samples.Span, clip.Channels, mono, quantizeToInt16);
        if (clip.SampleRate == WhisperLogMel.SampleRate)
        {
            return mono;
        }

        float[] resampled = new Resampler(clip.SampleRate).Process(mono);
        if (quantizeToInt16)
        {
            for (int i = 0; i < resampled.Length; i++)
            {
                resampled[i] = AudioMath.QuantizeToInt16(resampled[i]) / 32768f;
            }
        }

        return resampled;
    }
}
