using Nko.TurboQuant.Kernels;

namespace Nko.TurboQuant.Widths;

/// <summary>
/// 4-bit codes in ggml Q4_1 order: byte j (j &lt; G/2) = c[j] | c[j + G/2] &lt;&lt; 4.
/// Turbo codebook distortion per coordinate (unit variance): 0.009501.
/// </summary>
internal readonly struct FourBits : IQuantWidth
{
    /// <inheritdoc/>
    public static int Bits => 4;

    /// <inheritdoc/>
    public static int Levels => 16;

    /// <inheritdoc/>
    public static CodeLayout Layout => CodeLayout.Nibbles;

    /// <inheritdoc/>
    public static LloydMaxCodebook? Codebook { get; } = new(
    [
        0.12839502985117257f, 0.3880482994903656f, 0.6567591185326201f, 0.9423404564872058f,
        1.2562311973474738f, 1.6180463860222656f, 2.069017226531799f, 2.7325895709955064f,
    ]);

    /// <inheritdoc/>
    public static void Pack(ReadOnlySpan<byte> codes, Span<byte> packed) => BitPacking.Combine(codes, codes.Length / 2, 2, 4, packed);

    /// <inheritdoc/>
    public static void Unpack(ReadOnlySpan<byte> packed, Span<byte> codes) => BitPacking.Split(packed, codes.Length / 2, 2, 4, BitPacking.Low4, codes);

    /// <inheritdoc/>
    public static void Place(Span<byte> packed, int groupSize, int i, int code)
    {
        int half = groupSize / 2;
        packed[i % half] |= (byte)(code << (4 * (i / half)));
    }

    /// <inheritdoc/>
    public static int Fetch(ReadOnlySpan<byte> packed, int groupSize, int i)
    {
        int half = groupSize / 2;
        return (packed[i % half] >> (4 * (i / half))) & 15;
    }
}
