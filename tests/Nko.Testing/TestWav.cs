using System.Buffers.Binary;

namespace Nko.Testing;

/// <summary>Canonical 44-byte-header RIFF WAV files built in memory, for tests and benchmarks that need audio bytes.</summary>
public static class TestWav
{
    /// <summary>PCM16 from little-endian sample bytes (interleaved when <paramref name="channels"/> &gt; 1).</summary>
    public static byte[] Pcm16(ReadOnlySpan<byte> data, int channels, int rate) => Build(data, formatTag: 1, channels, rate, bitsPerSample: 16);

    /// <summary>PCM16 from float samples in [−1, 1], rounded and clamped to 16 bits.</summary>
    public static byte[] Pcm16(ReadOnlySpan<float> samples, int channels, int rate)
    {
        byte[] data = new byte[samples.Length * 2];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), (short)Math.Clamp(MathF.Round(samples[i] * 32768f), short.MinValue, short.MaxValue));
        }

        return Pcm16(data, channels, rate);
    }

    /// <summary>IEEE float32, mono (lossless: it decodes to the same values).</summary>
    public static byte[] Float32(ReadOnlySpan<float> samples, int rate)
    {
        byte[] data = new byte[samples.Length * 4];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), samples[i]);
        }

        return Build(data, formatTag: 3, channels: 1, rate, bitsPerSample: 32);
    }

    private static byte[] Build(ReadOnlySpan<byte> data, short formatTag, int channels, int rate, int bitsPerSample)
    {
        int blockAlign = channels * bitsPerSample / 8;
        byte[] wav = new byte[44 + data.Length];
        Span<byte> s = wav;
        "RIFF"u8.CopyTo(s);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], 36 + data.Length);
        "WAVEfmt "u8.CopyTo(s[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(s[20..], formatTag);
        BinaryPrimitives.WriteInt16LittleEndian(s[22..], (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], rate);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], rate * blockAlign);
        BinaryPrimitives.WriteInt16LittleEndian(s[32..], (short)blockAlign);
        BinaryPrimitives.WriteInt16LittleEndian(s[34..], (short)bitsPerSample);
        "data"u8.CopyTo(s[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[40..], data.Length);
        data.CopyTo(s[44..]);
        return wav;
    }
}
