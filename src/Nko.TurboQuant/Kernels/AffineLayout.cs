namespace Nko.TurboQuant.Kernels;

/// <summary>Sizes of the affine block layout: per group, fp16 scale, fp16 min, then the packed codes.</summary>
internal static class AffineLayout
{
    /// <summary>Bytes of the per-group header (fp16 scale, fp16 min).</summary>
    public const int HeaderBytes = 4;

    /// <summary>Bytes of one block.</summary>
    public static int BlockBytes(int bits, int groupSize) => HeaderBytes + BitPacking.PackedBytes(bits, groupSize);
}
