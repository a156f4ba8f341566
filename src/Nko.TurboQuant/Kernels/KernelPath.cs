namespace Nko.TurboQuant.Kernels;

/// <summary>Which implementation runs: the scalar reference or a vector width.</summary>
internal enum KernelPath
{
    /// <summary>The scalar reference (<see cref="AffineReference"/>, <see cref="TurboReference"/>).</summary>
    Scalar = 0,

    /// <summary><see cref="Simd128"/>.</summary>
    Vector128 = 128,

    /// <summary><see cref="Simd256"/>.</summary>
    Vector256 = 256,

    /// <summary><see cref="Simd512"/>.</summary>
    Vector512 = 512,
}
