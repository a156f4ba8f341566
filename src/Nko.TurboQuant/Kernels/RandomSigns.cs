namespace Nko.TurboQuant.Kernels;

/// <summary>
/// The turbo codec's random sign flips, one per coordinate of a rotation block (every block uses the same B signs): SplitMix64 seeded with the options' seed; coordinate i takes bit (i mod 64)
/// of the (i div 64)-th output; a set bit flips the sign. Stored as XOR masks (0x80000000 or 0) for the float bits.
/// </summary>
internal static class RandomSigns
{
    public static uint[] Create(ulong seed, int length)
    {
        uint[] masks = new uint[length];
        ulong state = seed;
        ulong word = 0;
        for (int i = 0; i < length; i++)
        {
            if ((i & 63) == 0)
            {
                word = Next(ref state);
            }

            masks[i] = ((word >> (i & 63)) & 1) != 0 ? 0x8000_0000u : 0u;
        }

        return masks;
    }

    /// <summary>SplitMix64 (Steele, Lea and Flood 2014).</summary>
    internal static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
