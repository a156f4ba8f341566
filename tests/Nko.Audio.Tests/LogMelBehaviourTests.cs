using Nko.Testing;

namespace Nko.Audio.Tests;

/// <summary>Window lengths, validation, allocation and determinism of <see cref="WhisperLogMel"/>.</summary>
public sealed class LogMelBehaviourTests
{
    private static float[] Speech => field ??= AudioLoader.LoadMono16k(TestData.Get("fr_30s").WavPath);

    [Fact]
    public void A_declared_15_s_window_gives_1500_frames_and_equals_the_30_s_form_on_its_samples()
    {
        var mel = new WhisperLogMel(80);
        float[] window = mel.ComputeWindow(Speech, 240000);
        Assert.Equal(80 * 1500, window.Length);
        float[] direct = mel.Compute(Speech.AsSpan(0, 240000));
        Assert.Equal(direct, window);
    }

    [Fact]
    public void Short_input_in_a_window_is_zero_padded_and_digital_silence_is_minus_1_5()
    {
        var mel = new WhisperLogMel(80);
        Assert.All(mel.ComputeWindow(new float[100]), v => Assert.Equal(-1.5f, v));
        Assert.All(mel.ComputeWindow([]), v => Assert.Equal(-1.5f, v));
    }

    [Fact]
    public void The_span_overloads_allocate_nothing_after_warm_up()
    {
        var mel = new WhisperLogMel(128);
        float[] destination = new float[128 * 3000];
        mel.ComputeWindow(Speech, destination);
        Assert.Equal(0, AllocationProbe.Fewest(() => mel.ComputeWindow(Speech, destination)));
        float[] longMel = new float[128 * WhisperLogMel.FrameCount(Speech.Length + WhisperLogMel.LongPaddingSamples)];
        mel.Compute(Speech, longMel, WhisperLogMel.LongPaddingSamples);
        Assert.Equal(0, AllocationProbe.Fewest(() => mel.Compute(Speech, longMel, WhisperLogMel.LongPaddingSamples)));
    }

    [Fact]
    public void Output_is_deterministic_across_instances_and_threads()
    {
        float[] first = new WhisperLogMel(128).ComputeWindow(Speech);
        float[][] results = new float[4][];
        Parallel.For(0, 4, i => results[i] = new WhisperLogMel(128).ComputeWindow(Speech));
        Assert.All(results, r => Assert.True(r.AsSpan().SequenceEqual(first)));
    }

    [Fact]
    public void Bad_arguments_are_rejected_at_the_boundary()
    {
        var mel = new WhisperLogMel(80);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WhisperLogMel(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WhisperLogMel(257));
        Assert.Throws<ArgumentException>(() => mel.ComputeWindow(Speech, 200));
        Assert.Throws<ArgumentException>(() => mel.Compute(new float[200]));
        Assert.Throws<ArgumentException>(() => mel.ComputeWindow(Speech, new float[10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => mel.Compute(Speech, -1));
        Assert.Throws<ArgumentException>(() => mel.ComputeWindow([0.1f, float.NaN, 0.2f]));
        Assert.Throws<ArgumentException>(() => mel.Compute(Enumerable.Repeat(float.PositiveInfinity, 1000).ToArray()));
        Assert.Throws<ArgumentOutOfRangeException>(() => WhisperLogMel.CopySegment(new float[80 * 10], 80, 10, 10, new float[80 * 3000]));
        Assert.Throws<ArgumentException>(() => WhisperLogMel.CopySegment(new float[80 * 10], 80, 10, 0, new float[80]));
    }

    [Fact]
    public void The_smallest_input_is_201_samples_giving_one_frame()
    {
        Assert.Equal(80, new WhisperLogMel(80).Compute(new float[201]).Length);
    }
}
