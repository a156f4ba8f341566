using System.Buffers.Binary;

namespace Nko.Audio.Tests;

/// <summary>Every sample format, layout detail and the ffmpeg int16 rules on hand-built files.</summary>
public sealed class WavFormatTests
{
    [Fact]
    public void Pcm8_is_unsigned_with_128_as_zero()
    {
        byte[] wav = WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(1, 1, 8000, 8)), WavBytes.Chunk("data", [0, 128, 255]));
        AudioClip clip = WavReader.Read(wav);
        Assert.Equal(WavSampleFormat.Pcm8, clip.SourceFormat);
        Assert.Equal([-1f, 0f, 127f / 128], clip.Samples.ToArray());
        Assert.Equal([-1f, 0f, 127f / 128], WavReader.Read(wav, new AudioReadOptions { QuantizeToInt16 = true }).Samples.ToArray());
    }

    [Fact]
    public void Pcm24_and_pcm32_keep_precision_or_truncate_like_ffmpeg()
    {
        byte[] d24 = [0x01, 0x00, 0x80, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF];
        byte[] wav = WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(1, 1, 16000, 24)), WavBytes.Chunk("data", d24));
        Assert.Equal([(-8388608 + 1) / 8388608f, 8388607 / 8388608f, -1 / 8388608f], WavReader.Read(wav).Samples.ToArray());
        Assert.Equal([-32768 / 32768f, 32767 / 32768f, -1 / 32768f], WavReader.Read(wav, new AudioReadOptions { QuantizeToInt16 = true }).Samples.ToArray());

        byte[] d32 = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(d32, int.MinValue);
        BinaryPrimitives.WriteInt32LittleEndian(d32.AsSpan(4), 0x12345678);
        wav = WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(1, 1, 16000, 32)), WavBytes.Chunk("data", d32));
        Assert.Equal([-1f, (float)(0x12345678 / 2147483648.0)], WavReader.Read(wav).Samples.ToArray());
        Assert.Equal([-1f, 0x1234 / 32768f], WavReader.Read(wav, new AudioReadOptions { QuantizeToInt16 = true }).Samples.ToArray());
    }

    [Fact]
    public void Float_quantises_with_round_half_even_and_saturation()
    {
        float[] values = [1f, -1f, 2f, 0.5f / 32768, 1.5f / 32768, -0.5f / 32768, float.NaN];
        byte[] data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), values[i]);
        }

        byte[] wav = WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(3, 1, 16000, 32)), WavBytes.Chunk("fact", [0, 0, 0, 0]), WavBytes.Chunk("data", data));
        Assert.Equal([32767 / 32768f, -1f, 32767 / 32768f, 0f, 2 / 32768f, -0f, 0f], WavReader.Read(wav, new AudioReadOptions { QuantizeToInt16 = true }).Samples.ToArray());
        float[] direct = WavReader.Read(wav).Samples.ToArray();
        Assert.Equal(values[..6], direct[..6]);

        byte[] d64 = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(d64, 0.25);
        BinaryPrimitives.WriteDoubleLittleEndian(d64.AsSpan(8), -0.75);
        wav = WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Extensible(3, 1, 16000, 64, 64)), WavBytes.Chunk("data", d64));
        AudioClip clip = WavReader.Read(wav);
        Assert.Equal(WavSampleFormat.Float64, clip.SourceFormat);
        Assert.Equal([0.25f, -0.75f], clip.Samples.ToArray());
    }

    [Fact]
    public void Odd_chunks_are_padded_and_unknown_chunks_skipped_on_every_input_kind()
    {
        byte[] wav = WavBytes.Riff(
            WavBytes.Chunk("junk", [1, 2, 3]),
            WavBytes.Chunk("fmt ", WavBytes.Fmt(1, 2, 44100, 16)),
            WavBytes.Chunk("LIST", "INFOISFT\u0005\0\0\0abcd\0"u8),
            WavBytes.Chunk("data", [1, 0, 2, 0, 3, 0, 4, 0, 9]),
            WavBytes.Chunk("id3 ", [1]));
        foreach (AudioClip clip in new[] { WavReader.Read(wav), WavReader.Read(new MemoryStream(wav)), WavReader.Read(new TrickleStream(wav, 1)) })
        {
            Assert.Equal(2, clip.Channels);
            Assert.Equal(44100, clip.SampleRate);
            Assert.Equal(2, clip.Frames);
            Assert.Equal([1 / 32768f, 2 / 32768f, 3 / 32768f, 4 / 32768f], clip.Samples.ToArray());
        }
    }

    [Fact]
    public void Stereo_mixes_by_mean_or_by_ffmpeg_s_rounding()
    {
        byte[] wav = WavBytes.Pcm16(16000, 2, 1, 2, -1, -2, 3, 4, 32767, 32767, -32768, -32767);
        Assert.Equal([1.5f / 32768, -1.5f / 32768, 3.5f / 32768, 32767 / 32768f, -32767.5f / 32768], AudioLoader.LoadMono16k(wav));

        // (L + R + 1) >> 1
        Assert.Equal([2 / 32768f, -1 / 32768f, 4 / 32768f, 32767 / 32768f, -32767 / 32768f], AudioLoader.LoadMono16k(wav, new AudioReadOptions { QuantizeToInt16 = true }));
    }

    [Fact]
    public void Extensible_pcm_reads_like_plain_pcm()
    {
        byte[] data = [0x10, 0x00, 0xF0, 0xFF];
        byte[] plain = WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(1, 1, 16000, 16)), WavBytes.Chunk("data", data));
        byte[] extensible = WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Extensible(1, 1, 16000, 16, 16)), WavBytes.Chunk("data", data));
        Assert.Equal(WavReader.Read(plain).Samples.ToArray(), WavReader.Read(extensible).Samples.ToArray());
    }

    [Fact]
    public void A_trailing_partial_frame_is_ignored()
    {
        byte[] wav = WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(1, 2, 16000, 16)), WavBytes.Chunk("data", [1, 0, 2, 0, 3, 0]));
        Assert.Equal(1, WavReader.Read(wav).Frames);
    }
}
