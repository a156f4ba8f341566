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
