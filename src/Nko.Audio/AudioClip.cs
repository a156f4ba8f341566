namespace Nko.Audio;

/// <summary>
/// Decoded audio at its source rate: interleaved float32 samples (frame 0 channel 0, frame 0 channel 1, …), full scale
/// ±1 (integer PCM divided by 2^(bits−1); 8-bit PCM is <c>(u8 − 128) / 128</c>; float data as stored).
/// </summary>
public sealed class AudioClip
{
    private readonly float[] _samples;

    /// <summary>Wraps interleaved samples (the array is kept, not copied).</summary>
    /// <param name="samples">Interleaved samples; the length must be a multiple of <paramref name="channels"/>.</param>
    /// <param name="sampleRate">Frames per second, at least 1.</param>
    /// <param name="channels">Channels, at least 1.</param>
    /// <param name="sourceFormat">How the samples were stored.</param>
    /// <exception cref="ArgumentException">An argument is out of range or the length is not a multiple of the channels.</exception>
    public AudioClip(float[] samples, int sampleRate, int channels, WavSampleFormat sourceFormat)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (samples.Length % channels != 0)
        {
            throw new ArgumentException($"{samples.Length} samples are not a whole number of {channels}-channel frames.", nameof(samples));
        }

        if (!Enum.IsDefined(sourceFormat))
        {
            throw new ArgumentOutOfRangeException(nameof(sourceFormat), sourceFormat, "Unknown sample format.");
        }

        _samples = samples;
        SampleRate = sampleRate;
        Channels = channels;
        SourceFormat = sourceFormat;
    }

    /// <summary>Frames per second.</summary>
    public int SampleRate { get; }

    /// <summary>Channels per frame.</summary>
    public int Channels { get; }

    /// <summary>Frames (samples per channel).</summary>
    public int Frames => _samples.Length / Channels;

    /// <summary>The duration in seconds.</summary>
    public double Duration => (double)Frames / SampleRate;

    /// <summary>How the samples were stored in the file.</summary>
    public WavSampleFormat SourceFormat { get; }

    /// <summary>The interleaved samples.</summary>
    public ReadOnlyMemory<float> Samples => _samples;

    /// <summary>
    /// One channel: the arithmetic mean of the channels of each frame (computed in double, rounded once to float32); a
    /// mono clip's samples are copied as they are.
    /// </summary>
    /// <returns>A new array of <see cref="Frames"/> samples.</returns>
    public float[] MixToMono()
    {
        float[] mono = new float[Frames];
        AudioMath.MixToMono(_samples, Channels, mono, quantizeToInt16: false);
        return mono;
    }
}
