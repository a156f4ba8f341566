namespace Nko.TurboQuant.Widths;

/// <summary>The code layouts the vector kernels know; a width picks the one its packing matches.</summary>
internal enum CodeLayout
{
    /// <summary>Codes are computed with vectors into one byte each, then packed by <see cref="IQuantWidth.Pack"/>.</summary>
    Packed = 0,

    /// <summary>Two codes per byte, element j low and element j + G/2 high: packed straight from vector pairs (needs a vector ≤ G/2).</summary>
    Nibbles = 1,

    /// <summary>One code per byte, the packed form itself: written straight from vectors.</summary>
    Bytes = 2,
}
