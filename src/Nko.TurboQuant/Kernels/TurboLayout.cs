namespace Nko.TurboQuant.Kernels;

/// <summary>Sizes of the turbo block layout: per rotation block, a float32 norm, then the packed codes.</summary>
internal static class TurboLayout
{
    /// <summary>Bytes of the per-block header (float32 norm).</summary>
    public const int HeaderBytes = 4;

    /// <summary>Blocks whose norm is below this (2^-100) are stored as zero blocks.</summary>
    public const float MinNorm = 7.888609052210118E-31f;

    /// <summary>Bytes of one block.</summary>
    public static int BlockBytes(int bits, int blockSize) => HeaderBytes + BitPacking.PackedBytes(bits, blockSize);
}
