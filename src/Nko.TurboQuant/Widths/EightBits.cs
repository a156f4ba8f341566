namespace Nko.TurboQuant.Widths;

/// <summary>8-bit codes: byte i = c[i]. Affine only (the turbo codec has no 256-level codebook).</summary>
internal readonly struct EightBits : IQuantWidth
{
    /// <inheritdoc/>
    public static int Bits => 8;

    /// <inheritdoc/>
    public static int Levels => 256;

    /// <inheritdoc/>
    public static CodeLayout Layout => CodeLayout.Bytes;

    /// <inheritdoc/>
    public static LloydMaxCodebook? Codebook => null;

    /// <inheritdoc/>
    public static void Pack(ReadOnlySpan<byte> codes, Span<byte> packed) => codes.CopyTo(packed);

    /// <inheritdoc/>
    public static void Unpack(ReadOnlySpan<byte> packed, Span<byte> codes) => packed[..codes.Length].CopyTo(codes);

    /// <inheritdoc/>
    public static void Place(Span<byte> packed, int groupSize, int i, int code) => packed[i] = (byte)code;

    /// <inheritdoc/>
    public static int Fetch(ReadOnlySpan<byte> packed, int groupSize, int i) => packed[i];
}
