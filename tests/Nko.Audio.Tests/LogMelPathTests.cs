using System.Runtime.Intrinsics;
using Xunit.Abstractions;

namespace Nko.Audio.Tests;

/// <summary>
/// The log-mel's fast paths against each other and against a slow twin: the 8-frame <see cref="Vector512{T}"/> path and the
/// <see cref="System.Numerics.Vector{T}"/> path give the same bytes; both stay within 1e-5 of a direct double-precision
/// DFT → power → mel → log10 written from the definition.
/// </summary>
public sealed class LogMelPathTests(ITestOutputHelper output)
{
    private static float[] Speech => field ??= AudioLoader.LoadMono16k(TestData.Get("fr_30s").WavPath);

    [Theory]
    [InlineData(128, WhisperLogMel.WindowSamples)]
    [InlineData(80, 240000)]
    [InlineData(80, 160 * 13)]
    public void Vector512_and_vector_paths_give_identical_output(int mels, int window)
    {
        var wide = new WhisperLogMel(mels);
        var narrow = new WhisperLogMel(mels, allowVector512: false);
        Assert.Equal(Vector512.IsHardwareAccelerated, wide.UsesVector512);
        Assert.False(narrow.UsesVector512);
        float[] a = wide.ComputeWindow(Speech, window);
        float[] b = narrow.ComputeWindow(Speech, window);
        Assert.True(a.AsSpan().SequenceEqual(b), $"max abs {TestData.MaxAbsDiff(a, b):E2}");

        float[] longA = wide.Compute(Speech.AsSpan(0, 50000), WhisperLogMel.LongPaddingSamples);
        float[] longB = narrow.Compute(Speech.AsSpan(0, 50000), WhisperLogMel.LongPaddingSamples);
        Assert.True(longA.AsSpan().SequenceEqual(longB), $"long form: max abs {TestData.MaxAbsDiff(longA, longB):E2}");
    }

    /// <summary>1500 frames: 187 whole 8-frame batches plus a partial one (the scalar loader), 375 whole 4-frame batches.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Both_paths_match_a_direct_dft_twin(bool allowVector512)
    {
        const int mels = 80, window = 240000;
        float[] actual = new WhisperLogMel(mels, allowVector512).ComputeWindow(Speech, window);
        float[] expected = SlowLogMel(Speech, window, new WhisperLogMel(mels).Filters, mels);
        float diff = TestData.MaxAbsDiff(expected, actual);
        output.WriteLine($"vector512 allowed: {allowVector512}; max abs vs the DFT twin {diff:E2}");
        Assert.True(diff <= 1e-5f, $"max abs {diff}");
    }

    /// <summary>whisper's log_mel_spectrogram by its definition: DFT per bin in double, no FFT, no batching, no SIMD.</summary>
    private static float[] SlowLogMel(float[] samples, int length, ReadOnlySpan<float> filters, int mels)
    {
        const int n = WhisperLogMel.FftSize, hop = WhisperLogMel.HopLength, bins = WhisperLogMel.Bins, half = n / 2;
        double[] signal = new double[length];
        for (int i = 0; i < Math.Min(length, samples.Length); i++)
        {
            signal[i] = samples[i];
        }

        double[] padded = new double[length + n];
        Array.Copy(signal, 0, padded, half, length);
        for (int i = 1; i <= half; i++)
        {
            padded[half - i] = signal[i];
            padded[half + length - 1 + i] = signal[length - 1 - i];
        }

        double[] window = [.. Enumerable.Range(0, n).Select(i => (double)(float)(0.5 - (0.5 * Math.Cos(2.0 * Math.PI * i / n))))];
        double[] cos = [.. Enumerable.Range(0, n).Select(i => Math.Cos(2.0 * Math.PI * i / n))];
        double[] sin = [.. Enumerable.Range(0, n).Select(i => Math.Sin(2.0 * Math.PI * i / n))];
        int frames = length / hop;
        float[] result = new float[mels * frames];
        double[] frame = new double[n], power = new double[bins];
        for (int t = 0; t < frames; t++)
        {
            for (int i = 0; i < n; i++)
            {
                frame[i] = padded[(t * hop) + i] * window[i];
            }

            for (int k = 0; k < bins; k++)
            {
                double re = 0, im = 0;
                for (int i = 0; i < n; i++)
                {
                    int e = (int)((long)k * i % n);
                    re += frame[i] * cos[e];
                    im -= frame[i] * sin[e];
                }

                power[k] = (re * re) + (im * im);
            }

            for (int b = 0; b < mels; b++)
            {
                double sum = 0;
                for (int k = 0; k < bins; k++)
                {
                    sum += filters[(b * bins) + k] * power[k];
                }

                result[(b * frames) + t] = (float)Math.Log10(Math.Max((float)sum, 1e-10f));
            }
        }

        float max = result.Max();
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = (Math.Max(result[i], max - 8f) + 4f) / 4f;
        }

        return result;
    }
}
