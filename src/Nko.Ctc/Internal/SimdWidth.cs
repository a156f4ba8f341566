using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nko.Ctc.Internal;

/// <summary>Which kernel width a scorer or decoder uses. Every width gives bit-identical results.</summary>
internal enum SimdWidth
{
    /// <summary>The widest width the hardware accelerates.</summary>
    Auto = 0,

    /// <summary>Plain scalar code: the reference twin of the vector kernels.</summary>
    Scalar = 1,

    /// <summary>128-bit vectors (SSE2, Arm64 AdvSimd).</summary>
    Vector128 = 2,

    /// <summary>256-bit vectors (x86 AVX2).</summary>
    Vector256 = 3,

    /// <summary>512-bit vectors for the element-wise kernels, 256-bit for the block transposes (x86 AVX-512).</summary>
    Vector512 = 4,
}

internal static class SimdWidths
{
    /// <summary>The widest width this machine runs; requests above it fall back to it.</summary>
    public static SimdWidth Resolve(SimdWidth requested)
    {
        SimdWidth best = Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx2.IsSupported ? SimdWidth.Vector512
            : Vector256.IsHardwareAccelerated && Avx2.IsSupported ? SimdWidth.Vector256
            : Vector128.IsHardwareAccelerated ? SimdWidth.Vector128
            : SimdWidth.Scalar;
        return requested == SimdWidth.Auto || requested > best ? best : requested;
    }
}
