using Nko.TurboQuant.Kernels;

namespace Nko.TurboQuant.Widths;

/// <summary>
/// 2-bit codes: byte j (j &lt; G/4) = c[j] | c[j + G/4] &lt;&lt; 2 | c[j + G/2] &lt;&lt; 4 | c[j + 3G/4] &lt;&lt; 6.
/// Turbo codebook distortion per coordinate (unit variance): 0.1175.
/// </summary>
internal readonly struct TwoBits : IQuantWidth
{
    /// <inheritdoc/>
    public static int Bits => 2;

    /// <inheritdoc/>
    public static int Levels => 4;

    /// <inheritdoc/>
    public static CodeLayout Layout => CodeLayout.Packed;

    /// <inheritdoc/>
    public static LloydMaxCodebook? Codebook { get; } = new([0.45278003463648775f, 1.510417608499104f]);

    /// <inheritdoc/>
    public static void Pack(ReadOnlySpan<byte> codes, Span<byte> packed) => BitPacking.Combine(codes, codes.Length / 4, 4, 2, packed);

    /// <inheritdoc/>
    public static void Unpack(ReadOnlySpan<byte> packed, Span<byte> codes) => BitPacking.Split(packed, codes.Length / 4, 4, 2, BitPacking.Low2, codes);

    /// <inheritdoc/>
    public static void Place(Span<byte> packed, int groupSize, int i, int code)
    {
        int quarter = groupSize / 4;
        packed[i % quarter] |= (byte)(code << (2 * (i / quarter)));
    }

    /// <inheritdoc/>
    public static int Fetch(ReadOnlySpan<byte> packed, int groupSize, int i)
    {
        int quarter = groupSize / 4;
        return (packed[i % quarter] >> (2 * (i / quarter))) & 3;
    }
}
