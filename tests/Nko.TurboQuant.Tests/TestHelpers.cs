using System.Runtime.InteropServices;

namespace Nko.TurboQuant.Tests;

internal static class Bits
{
    public static bool Equal(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        MemoryMarshal.AsBytes(a).SequenceEqual(MemoryMarshal.AsBytes(b));

    public static bool Equal(ReadOnlySpan<Half> a, ReadOnlySpan<Half> b) =>
        MemoryMarshal.AsBytes(a).SequenceEqual(MemoryMarshal.AsBytes(b));
}

/// <summary>The documented error bounds (README, "Rounding and error bound").</summary>
internal static class ErrorBound
{
    private const double U = 1.0 / (1 << 24);

    /// <summary>|x − x̂| ≤ s/2 + 4u(L+1)s + 2u|x̂| with u = 2^-24 (float32 output).</summary>
    public static double Affine(double scale, double levels, float reconstructed) =>
        (scale * (0.5 + (4 * U * (levels + 1)))) + (2 * U * Math.Abs(reconstructed));

    /// <summary>Extra error of rounding x̂ to fp16: half an fp16 ulp (2^-25 in the subnormal range).</summary>
    public static double HalfRounding(float reconstructed) => Math.Max(Math.Abs(reconstructed) / 2048.0, 1.0 / (1 << 25));
}

/// <summary>Floats that probe fp16 rounding.</summary>
internal static class HalfSamples
{
    /// <summary>
    /// Every finite fp16 value with both signs, each followed by its float neighbours, the midpoint (tie) to the next fp16
    /// value and the midpoint's neighbours.
    /// </summary>
    public static List<float> Neighbourhoods()
    {
        var list = new List<float>();
        for (int i = 0; i < 0x7C00; i++)
        {
            foreach (float sign in new[] { 1f, -1f })
            {
                float v = sign * (float)BitConverter.UInt16BitsToHalf((ushort)i);
                float next = sign * (float)BitConverter.UInt16BitsToHalf((ushort)(i + 1));
                float mid = (v + next) / 2;
                list.AddRange([v, MathF.BitIncrement(v), MathF.BitDecrement(v), mid, MathF.BitIncrement(mid), MathF.BitDecrement(mid)]);
            }
        }

        return list;
    }
}
