using System.Buffers.Binary;
using Xunit.Abstractions;

namespace Nko.Audio.Tests;

/// <summary>Every fixture clip read through every input kind, against its manifest and whisper's decode.</summary>
public sealed class WavReaderFixtureTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestData.ClipIds), MemberType = typeof(TestData))]
    public void Reads_every_clip_as_the_manifest_describes_from_path_bytes_and_streams(string id)
    {
        Clip clip = TestData.Get(id);
        AudioClip fromPath = WavReader.Read(clip.WavPath);
        Assert.Equal(clip.SampleRate, fromPath.SampleRate);
        Assert.Equal(clip.Channels, fromPath.Channels);
        Assert.Equal(clip.Frames, fromPath.Frames);
        Assert.Equal(clip.Format switch { "pcm_s16le" => WavSampleFormat.Pcm16, "pcm_s24le" => WavSampleFormat.Pcm24, _ => WavSampleFormat.Float32 }, fromPath.SourceFormat);

        byte[] bytes = File.ReadAllBytes(clip.WavPath);
        float[] expected = fromPath.Samples.ToArray();
        Assert.Equal(expected, WavReader.Read(bytes).Samples.ToArray());
        Assert.Equal(expected, WavReader.Read(new ReadOnlyMemory<byte>(bytes)).Samples.ToArray());
        Assert.Equal(expected, WavReader.Read(new MemoryStream(bytes)).Samples.ToArray());
        Assert.Equal(expected, WavReader.Read(new TrickleStream(bytes, 4093)).Samples.ToArray());
    }

    [Theory]
    [MemberData(nameof(TestData.ClipIds), MemberType = typeof(TestData))]
    public void Pcm16_samples_are_the_stored_int16_over_32768(string id)
    {
        Clip clip = TestData.Get(id);
        if (clip.Format != "pcm_s16le")
        {
            return;
        }

        byte[] bytes = File.ReadAllBytes(clip.WavPath);
        int offset = clip.Json.GetProperty("data_offset").GetInt32();
        float[] samples = WavReader.Read(bytes).Samples.ToArray();
        float[] expected = new float[samples.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            expected[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(offset + (2 * i))) / 32768f;
        }

        Assert.True(expected.AsSpan().SequenceEqual(samples));
    }

    [Theory]
    [InlineData("f32_en_short")]
    [InlineData("s24_fr_short")]
    public void Float32_and_24_bit_read_exactly_and_quantise_exactly_like_ffmpeg(string id)
    {
        Clip clip = TestData.Get(id);
        (float[] direct, _) = TestData.ReadNpy(clip.Ref("direct")!);
        Assert.Equal(direct, AudioLoader.LoadMono16k(clip.WavPath));
        (float[] loadAudio, _) = TestData.ReadNpy(clip.Ref("load_audio")!);
        Assert.Equal(loadAudio, AudioLoader.LoadMono16k(clip.WavPath, new AudioReadOptions { QuantizeToInt16 = true }));
    }

    [Theory]
    [MemberData(nameof(TestData.Clips16k), MemberType = typeof(TestData))]
    public void Sixteen_kHz_load_has_load_audio_s_length(string id)
    {
        Clip clip = TestData.Get(id);
        Assert.Equal(clip.LoadAudioSamples, AudioLoader.LoadMono16k(clip.WavPath).Length);
    }

    [Theory]
    [InlineData("r22k_sw_7s")]
    [InlineData("r44k_stereo_en_short")]
    [InlineData("r8k_fr_7s")]
    public void Resampled_clips_stay_close_to_ffmpeg_s_decode(string id)
    {
        Clip clip = TestData.Get(id);
        float[] ours = AudioLoader.LoadMono16k(clip.WavPath, new AudioReadOptions { QuantizeToInt16 = true });
        (float[] ffmpeg, _) = TestData.ReadNpy(clip.Ref("load_audio")!);
        int n = Math.Min(ours.Length, ffmpeg.Length);
        Assert.InRange(ours.Length - ffmpeg.Length, -1, 1);
        double signal = 0, error = 0;
        for (int i = 0; i < n; i++)
        {
            signal += (double)ffmpeg[i] * ffmpeg[i];
            error += ((double)ours[i] - ffmpeg[i]) * ((double)ours[i] - ffmpeg[i]);
        }

        double errorDb = 10 * Math.Log10(error / signal);
        (float[] expectedMel, _) = TestData.ReadNpy(clip.Ref("mel128")!);
        float[] mel = new WhisperLogMel(128).ComputeWindow(ours);
        double meanAbs = 0;
        float maxAbs = 0;
        for (int i = 0; i < mel.Length; i++)
        {
            float d = Math.Abs(mel[i] - expectedMel[i]);
            meanAbs += d;
            maxAbs = Math.Max(maxAbs, d);
        }

        meanAbs /= mel.Length;

        // The mel bands wholly below 0.9 × the source's Nyquist frequency (where both filters pass the signal).
        var front = new WhisperLogMel(128);
        double limitHz = 0.9 * Math.Min(clip.SampleRate, 16000) / 2;
        float bandMax = 0;
        double bandMean = 0;
        int bandCount = 0;
        for (int b = 0; b < 128; b++)
        {
            int lastBin = front.Filters.Slice(b * 201, 201).LastIndexOfAnyExcept(0f);
            if ((lastBin + 1) * 40.0 > limitHz)
            {
                continue;
            }

            for (int t = 0; t < 3000; t++)
            {
                float d = Math.Abs(mel[(b * 3000) + t] - expectedMel[(b * 3000) + t]);
                bandMax = Math.Max(bandMax, d);
                bandMean += d;
                bandCount++;
            }
        }

        bandMean /= bandCount;
        output.WriteLine($"{id}: {ours.Length} vs {ffmpeg.Length} samples; waveform error {errorDb:F1} dB re signal; mel128 max abs {maxAbs:F4}, mean abs {meanAbs:F5}; bands below 0.9 x source Nyquist ({bandCount / 3000}): max {bandMax:F4}, mean {bandMean:F5}");
        Assert.True(errorDb < -30, $"waveform error {errorDb:F1} dB");
        Assert.True(meanAbs < 0.02, $"mel mean abs {meanAbs}");
    }
}
