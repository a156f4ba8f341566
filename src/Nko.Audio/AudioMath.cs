using System.Numerics;
using System.Runtime.InteropServices;

namespace Nko.Audio;

/// <summary>Sample-level rules shared by the reader and the loader: int16 quantisation and mixing to mono.</summary>
internal static class AudioMath
{
    /// <summary>Whether every value is finite (no NaN, no infinity).</summary>
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            var bad = Vector<float>.Zero;
            foreach (Vector<float> v in vectors)
            {
                // x − x is 0 for finite x and NaN otherwise; NaN propagates through the sum.
                bad += v - v;
            }

            if (!Vector.EqualsAll(bad, Vector<float>.Zero))
            {
                return false;
            }

            i = vectors.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>ffmpeg's float → s16: <c>clip(lrint(x · 32768), −32768, 32767)</c>, round half to even; NaN gives 0.</summary>
    public static int QuantizeToInt16(double x)
    {
        double scaled = Math.Round(x * 32768.0, MidpointRounding.ToEven);
        return double.IsNaN(scaled) ? 0 : (int)Math.Clamp(scaled, -32768.0, 32767.0);
    }

    /// <summary>
    /// Mixes interleaved frames to one channel. Full precision: the mean of the channels in double, rounded once. With
    /// <paramref name="quantizeToInt16"/> (samples already int16 / 32768): stereo is <c>(L + R + 1) &gt;&gt; 1</c> on the
    /// int16 values (ffmpeg's <c>-ac 1</c>); more channels use the mean rounded half to even (ffmpeg's layout-aware
    /// matrix is not reproduced).
    /// </summary>
    public static void MixToMono(ReadOnlySpan<float> interleaved, int channels, Span<float> mono, bool quantizeToInt16)
    {
        int frames = interleaved.Length / channels;
        if (channels == 1)
        {
            interleaved[..frames].CopyTo(mono);
            return;
        }

        if (quantizeToInt16 && channels == 2)
        {
            for (int i = 0; i < frames; i++)
            {
                int l = (int)(interleaved[2 * i] * 32768f);
                int r = (int)(interleaved[(2 * i) + 1] * 32768f);
                mono[i] = ((l + r + 1) >> 1) / 32768f;
            }

            return;
        }

        for (int i = 0; i < frames; i++)
        {
            double sum = 0;
            ReadOnlySpan<float> frame = interleaved.Slice(i * channels, channels);
            foreach (float x in frame)
            {
                sum += x;
            }

            double mean = sum / channels;
            mono[i] = quantizeToInt16 ? QuantizeToInt16(mean) / 32768f : (float)mean;
        }
    }
}
