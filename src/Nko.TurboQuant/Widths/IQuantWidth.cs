namespace Nko.TurboQuant.Widths;

/// <summary>
/// One bit width of the codecs, as a type: the kernels are generic over it, so each width gets its own specialised code
/// (every member below folds to a constant or a direct call) and adding a width is one struct plus a line in
/// <see cref="QuantWidths"/>. Implemented by <see cref="TwoBits"/>, <see cref="ThreeBits"/>, <see cref="FourBits"/> and
/// <see cref="EightBits"/>.
/// </summary>
/// <remarks>
/// <see cref="Pack"/> and <see cref="Unpack"/> are the fast forms; <see cref="Place"/> and <see cref="Fetch"/> are the
/// obviously-correct one-code-at-a-time definition of the same layout, used by the scalar reference codecs (the tests
/// check that the two agree for every width).
/// </remarks>
internal interface IQuantWidth
{
    /// <summary>Bits per code (1 to 8); the container stores it in byte 11.</summary>
    static abstract int Bits { get; }

    /// <summary>2^<see cref="Bits"/>: codes are 0 to Levels − 1.</summary>
    static abstract int Levels { get; }

    /// <summary>Which of the vector kernels' code layouts this width uses.</summary>
    static abstract CodeLayout Layout { get; }

    /// <summary>The turbo codec's Lloyd–Max codebook for N(0, 1), or null when the turbo codec does not offer this width.</summary>
    static abstract LloydMaxCodebook? Codebook { get; }

    /// <summary>Packs one group's codes (one byte per code, each below <see cref="Levels"/>) into G·Bits/8 bytes.</summary>
    static abstract void Pack(ReadOnlySpan<byte> codes, Span<byte> packed);

    /// <summary>Unpacks one group into <paramref name="codes"/> (its length is the group size G).</summary>
    static abstract void Unpack(ReadOnlySpan<byte> packed, Span<byte> codes);

    /// <summary>ORs code <paramref name="code"/> of element <paramref name="i"/> into its place (the bytes start cleared).</summary>
    static abstract void Place(Span<byte> packed, int groupSize, int i, int code);

    /// <summary>Reads the code of element <paramref name="i"/>.</summary>
    static abstract int Fetch(ReadOnlySpan<byte> packed, int groupSize, int i);
}
