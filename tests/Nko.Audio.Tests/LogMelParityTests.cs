using Xunit.Abstractions;

namespace Nko.Audio.Tests;

/// <summary>The log-mel against openai/whisper's own output on every 16 kHz fixture clip (tolerance 1e-4 max abs).</summary>
public sealed class LogMelParityTests(ITestOutputHelper output)
{
    private const float Tolerance = 1e-4f;

    [Theory]
    [MemberData(nameof(TestData.Clips16k), MemberType = typeof(TestData))]
    public void Windowed_mel128_and_mel80_match_whisper(string id)
    {
        Clip clip = TestData.Get(id);
        float[] samples = AudioLoader.LoadMono16k(clip.WavPath, new AudioReadOptions { QuantizeToInt16 = true });
        foreach (int mels in new[] { 128, 80 })
        {
            string? reference = clip.Ref($"mel{mels}");
            if (reference is null)
            {
                continue;
            }

            (float[] expected, int[] shape) = TestData.ReadNpy(reference);
            Assert.Equal([mels, 3000], shape);
            float[] actual = new WhisperLogMel(mels).ComputeWindow(samples);
            float diff = TestData.MaxAbsDiff(expected, actual);
            output.WriteLine($"{id} mel{mels} windowed: max abs {diff:E2}");
            Assert.True(diff <= Tolerance, $"{id} mel{mels}: max abs {diff}");
        }
    }

    [Theory]
    [InlineData("f32_en_short")]
    [InlineData("s24_fr_short")]
    public void Direct_read_mel128_matches_whisper_on_the_direct_samples(string id)
    {
        Clip clip = TestData.Get(id);
        float[] samples = AudioLoader.LoadMono16k(clip.WavPath);
        (float[] expected, _) = TestData.ReadNpy(clip.Ref("direct_mel128") ?? $"ref/{id}.direct.mel128.npy");
        float diff = TestData.MaxAbsDiff(expected, new WhisperLogMel(128).ComputeWindow(samples));
        output.WriteLine($"{id} direct mel128 windowed: max abs {diff:E2}");
        Assert.True(diff <= Tolerance, $"{id}: max abs {diff}");
    }

    [Fact]
    public void Long_audio_full_spectrogram_and_segments_match_transcribe()
    {
        Clip clip = TestData.Get("bm_47s");
        float[] samples = AudioLoader.LoadMono16k(clip.WavPath);
        var mel = new WhisperLogMel(128);
        float[] full = mel.Compute(samples, WhisperLogMel.LongPaddingSamples);
        (float[] expectedFull, int[] shape) = TestData.ReadNpy("ref/bm_47s.mel128_full.npy");
        Assert.Equal([128, (samples.Length + 480000) / 160], shape);
        float diff = TestData.MaxAbsDiff(expectedFull, full);
        output.WriteLine($"bm_47s mel128 full ({shape[1]} frames): max abs {diff:E2}");
        Assert.True(diff <= Tolerance);

        int content = samples.Length / 160;
        Assert.Equal(clip.Json.GetProperty("content_frames").GetInt32(), content);
        float[] window = new float[128 * 3000];
        int seek = 0;
        foreach (var segment in clip.Json.GetProperty("segments").EnumerateArray())
        {
            Assert.Equal(segment.GetProperty("seek").GetInt32(), seek);
            int size = WhisperLogMel.CopySegment(full, 128, content, seek, window);
            Assert.Equal(segment.GetProperty("segment_size").GetInt32(), size);
            (float[] expected, _) = TestData.ReadNpy(segment.GetProperty("mel").GetString()!);
            float segDiff = TestData.MaxAbsDiff(expected, window);
            output.WriteLine($"bm_47s mel128 seg at {seek} ({size} frames): max abs {segDiff:E2}");
            Assert.True(segDiff <= Tolerance);
            seek += size;
        }

        Assert.Equal(content, seek);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(128)]
    public void Computed_filters_equal_whisper_s_mel_filters(int mels)
    {
        (float[] expected, int[] shape) = TestData.ReadNpy($"mel_filters_{mels}.npy");
        Assert.Equal([mels, 201], shape);
        float diff = TestData.MaxAbsDiff(expected, new WhisperLogMel(mels).Filters);
        output.WriteLine($"mel_filters_{mels}: max abs {diff:E2}");
        Assert.True(diff <= 1e-8f, $"max abs {diff}");
    }
}
