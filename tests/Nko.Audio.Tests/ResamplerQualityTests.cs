using Xunit.Abstractions;

namespace Nko.Audio.Tests;

/// <summary>
/// The resampler's measured quality: the polyphase float32 implementation against a direct double-precision sinc-sum
/// evaluation of the same kernel, passband ripple and SNR against exact sines, stopband (alias) and image rejection.
/// </summary>
public sealed class ResamplerQualityTests(ITestOutputHelper output)
{
    public static TheoryData<int> Rates => [8000, 11025, 22050, 44100, 48000, 96000];

    [Theory]
    [MemberData(nameof(Rates))]
    public void Polyphase_equals_the_direct_double_sinc_sum(int rate)
    {
        var resampler = new Resampler(rate);
        var random = new Random(rate);
        float[] input = [.. Enumerable.Range(0, rate / 5).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        float[] fast = resampler.Process(input);
        (long up, long down) = resampler.Ratio;
        double signal = 0, error = 0;
        for (int k = 0; k < fast.Length; k += 7)
        {
            double tau = (double)k * down / up;
            double exact = 0;
            for (long j = Math.Max(0, (long)tau - 2000); j < Math.Min(input.Length, (long)tau + 2000); j++)
            {
                exact += input[j] * resampler.Kernel(tau - j);
            }

            signal += exact * exact;
            error += (exact - fast[k]) * (exact - fast[k]);
        }

        double snr = 10 * Math.Log10(signal / error);
        output.WriteLine($"{rate} -> 16000: polyphase float32 vs direct double sinc sum: SNR {snr:F1} dB");
        Assert.True(snr > 120, $"SNR {snr:F1} dB");
    }

    [Theory]
    [MemberData(nameof(Rates))]
    public void Passband_ripple_is_tiny_and_sines_come_out_exact(int rate)
    {
        var resampler = new Resampler(rate);
        double lowNyquist = Math.Min(rate, 16000) / 2.0;
        double worstRipple = 0, worstSnr = double.MaxValue;
        for (double f = 50; f <= Resampler.PassbandEdge * lowNyquist; f += lowNyquist / 23.7)
        {
            (double gainDb, double snr) = Sine(resampler, rate, f);
            worstRipple = Math.Max(worstRipple, Math.Abs(gainDb));
            worstSnr = Math.Min(worstSnr, snr);
        }

        output.WriteLine($"{rate} -> 16000: passband 0-{Resampler.PassbandEdge * lowNyquist:F0} Hz: ripple {worstRipple:E1} dB, worst SNR vs the exact sine {worstSnr:F1} dB");
        Assert.True(worstRipple < 1e-3, $"ripple {worstRipple} dB");
        Assert.True(worstSnr > 80, $"SNR {worstSnr} dB");
    }

    [Theory]
    [InlineData(22050)]
    [InlineData(44100)]
    [InlineData(48000)]
    [InlineData(96000)]
    public void Stopband_rejects_what_would_alias(int rate)
    {
        var resampler = new Resampler(rate);
        double worst = double.MinValue;
        for (double f = 8000; f < rate / 2.0; f += 97.3)
        {
            float[] input = Tone(rate, f, rate / 4);
            float[] result = resampler.Process(input);
            worst = Math.Max(worst, 20 * Math.Log10(Rms(result, 200) / Rms(input, 200)));
        }

        output.WriteLine($"{rate} -> 16000: stopband (8000 Hz to {rate / 2} Hz): worst output level {worst:F1} dB re input");
        Assert.True(worst < -80, $"{worst:F1} dB");
    }

    [Fact]
    public void Upsampling_images_are_rejected()
    {
        var resampler = new Resampler(8000);
        double worst = double.MinValue;
        for (double f = 100; f < 3600; f += 113.7)
        {
            (_, double snr) = Sine(resampler, 8000, f);
            worst = Math.Max(worst, -snr);
        }

        output.WriteLine($"8000 -> 16000: image + error level over 100-3600 Hz: worst {worst:F1} dB re the tone");
        Assert.True(worst < -80);
    }

    [Theory]
    [InlineData(44100, 27064, 9820)]
    [InlineData(22050, 155300, 112690)]
    [InlineData(8000, 56345, 112690)]
    [InlineData(16000, 100, 100)]
    public void Output_length_is_the_ceiling(int rate, int input, int expected)
    {
        Assert.Equal(expected, new Resampler(rate).OutputLength(input));
        Assert.Equal(expected, new Resampler(rate).Process(new float[input]).Length);
    }

    [Fact]
    public void Odd_rates_use_the_untabulated_path_with_the_same_kernel()
    {
        var odd = new Resampler(44101);
        Assert.True(odd.Ratio.Up > Resampler.MaxTablePhases);
        (double gainDb, double snr) = Sine(odd, 44101, 1000);
        Assert.True(Math.Abs(gainDb) < 1e-3 && snr > 80, $"{gainDb} dB, SNR {snr}");
    }

    [Fact]
    public void Is_deterministic_and_thread_safe()
    {
        var resampler = new Resampler(44100);
        float[] input = Tone(44100, 440, 44100);
        float[] first = resampler.Process(input);
        float[][] results = new float[4][];
        Parallel.For(0, 4, i => results[i] = resampler.Process(input));
        Assert.All(results, r => Assert.True(r.AsSpan().SequenceEqual(first)));
    }

    /// <summary>Resamples a 0.5-amplitude sine and fits it at the output times: gain in dB and SNR of the residual.</summary>
    private static (double GainDb, double Snr) Sine(Resampler resampler, int rate, double f)
    {
        float[] input = Tone(rate, f, rate / 2);
        float[] y = resampler.Process(input);
        int margin = 400;
        double ss = 0, sc = 0, cc = 0, ys = 0, yc = 0;
        for (int k = margin; k < y.Length - margin; k++)
        {
            double t = 2 * Math.PI * f * k / 16000.0;
            double s = Math.Sin(t), c = Math.Cos(t);
            ss += s * s;
            cc += c * c;
            sc += s * c;
            ys += y[k] * s;
            yc += y[k] * c;
        }

        double det = (ss * cc) - (sc * sc);
        double a = ((ys * cc) - (yc * sc)) / det, b = ((yc * ss) - (ys * sc)) / det;
        double residual = 0, power = 0;
        for (int k = margin; k < y.Length - margin; k++)
        {
            double t = 2 * Math.PI * f * k / 16000.0;
            double exact = 0.5 * Math.Sin(t);
            residual += (y[k] - exact) * (y[k] - exact);
            power += exact * exact;
        }

        return (20 * Math.Log10(Math.Sqrt((a * a) + (b * b)) / 0.5), 10 * Math.Log10(power / residual));
    }

    private static float[] Tone(int rate, double f, int n) => [.. Enumerable.Range(0, n).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * f * i / rate)))];

    private static double Rms(float[] x, int margin)
    {
        double sum = 0;
        for (int i = margin; i < x.Length - margin; i++)
        {
            sum += (double)x[i] * x[i];
        }

        return Math.Sqrt(sum / (x.Length - (2 * margin)));
    }
}
