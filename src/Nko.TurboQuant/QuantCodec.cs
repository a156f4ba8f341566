namespace Nko.TurboQuant;

/// <summary>The quantisation scheme. The numeric values are the codec identifiers stored in the container.</summary>
public enum QuantCodec
{
    /// <summary>
    /// Group-wise affine quantisation: per group of G consecutive values, an fp16 scale and an fp16 minimum, and one
    /// b-bit code per value (x ≈ code · scale + min). 4-bit blocks are byte-compatible with ggml's Q4_1 at G = 32.
    /// </summary>
    Affine = 1,

    /// <summary>
    /// Rotation-based quantisation after TurboQuant (Zandieh et al., 2025): per block of B values, a float32 norm; the
    /// block is normalised, sign-flipped with a seeded random ±1 diagonal and rotated by a Walsh–Hadamard transform, then
    /// each coordinate is coded with a fixed Lloyd–Max codebook for N(0, 1). No per-group scale or minimum.
    /// </summary>
    Turbo = 2,
}
