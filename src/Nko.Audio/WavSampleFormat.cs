namespace Nko.Audio;

/// <summary>How the samples of a WAV file are stored.</summary>
public enum WavSampleFormat
{
    /// <summary>8-bit unsigned integer PCM (silence is 128).</summary>
    Pcm8 = 1,

    /// <summary>16-bit signed little-endian integer PCM.</summary>
    Pcm16,

    /// <summary>24-bit signed little-endian integer PCM (3 bytes per sample).</summary>
    Pcm24,

    /// <summary>32-bit signed little-endian integer PCM.</summary>
    Pcm32,

    /// <summary>32-bit IEEE 754 float.</summary>
    Float32,

    /// <summary>64-bit IEEE 754 float.</summary>
    Float64,
}
