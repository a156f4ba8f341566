using System.Buffers.Binary;

namespace Nko.Audio.Wav;

/// <summary>Little-endian sample bytes to float32, at full precision or quantised to int16 as ffmpeg's s16 conversion does.</summary>
internal static class SampleDecoder
{
    private const float Inv128 = 1f / 128;
    private const float Inv32768 = 1f / 32768;
    private const float Inv8388608 = 1f / 8388608;
    private const double Inv2147483648 = 1.0 / 2147483648;

    public static void Decode(WavSampleFormat format, ReadOnlySpan<byte> bytes, Span<float> output, bool quantizeToInt16)
    {
        switch (format)
        {
            case WavSampleFormat.Pcm8:
                for (int i = 0; i < output.Length; i++)
                {
                    // ffmpeg: (u8 - 0x80) << 8, the same value as (u8 - 128) / 128 at full precision.
                    output[i] = (bytes[i] - 128) * Inv128;
                }

                break;
            case WavSampleFormat.Pcm16:
                for (int i = 0; i < output.Length; i++)
                {
                    output[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]) * Inv32768;
                }

                break;
            case WavSampleFormat.Pcm24:
                for (int i = 0; i < output.Length; i++)
                {
                    int j = 3 * i;
                    int s24 = (bytes[j] | (bytes[j + 1] << 8) | ((sbyte)bytes[j + 2] << 16));
                    output[i] = quantizeToInt16 ? (s24 >> 8) * Inv32768 : s24 * Inv8388608;
                }

                break;
            case WavSampleFormat.Pcm32:
                for (int i = 0; i < output.Length; i++)
                {
                    int s32 = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
                    output[i] = quantizeToInt16 ? (s32 >> 16) * Inv32768 : (float)(s32 * Inv2147483648);
                }

                break;
            case WavSampleFormat.Float32:
                for (int i = 0; i < output.Length; i++)
                {
                    float x = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                    output[i] = quantizeToInt16 ? AudioMath.QuantizeToInt16(x) * Inv32768 : x;
                }

                break;
            case WavSampleFormat.Float64:
                for (int i = 0; i < output.Length; i++)
                {
                    double x = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                    output[i] = quantizeToInt16 ? AudioMath.QuantizeToInt16(x) * Inv32768 : (float)x;
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown sample format.");
        }
    }
}
