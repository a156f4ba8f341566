using System.Runtime.Intrinsics;
using Nko.TurboQuant.Widths;

namespace Nko.TurboQuant.Kernels;

/// <summary>Dispatches a codec call of one width to the selected path.</summary>
internal static class CodecKernels
{
    /// <summary>
    /// The widest path at or below <paramref name="maximum"/> that the hardware runs and the layout allows: a vector must
    /// not be wider than the group (half the group for the nibble layout, whose two halves are packed together).
    /// </summary>
    public static KernelPath Select<TWidth>(int groupSize, KernelPath maximum)
        where TWidth : struct, IQuantWidth
    {
        int maxLanes = TWidth.Layout == CodeLayout.Nibbles ? groupSize / 2 : groupSize;
        if (maximum >= KernelPath.Vector512 && Simd512.IsSupported && maxLanes >= Simd512.Count)
        {
            return KernelPath.Vector512;
        }

        if (maximum >= KernelPath.Vector256 && Simd256.IsSupported && maxLanes >= Simd256.Count)
        {
            return KernelPath.Vector256;
        }

        if (maximum >= KernelPath.Vector128 && Simd128.IsSupported && maxLanes >= Simd128.Count)
        {
            return KernelPath.Vector128;
        }

        return KernelPath.Scalar;
    }

    public static void Encode<TWidth, TIn>(KernelPath path, QuantOptions options, int rowLength, uint[]? signs, ReadOnlySpan<TIn> source, Span<byte> destination)
        where TWidth : struct, IQuantWidth
        where TIn : struct
    {
        int g = options.GroupSize;
        if (options.Codec == QuantCodec.Affine)
        {
            switch (path)
            {
                case KernelPath.Vector512:
                    AffineKernel<Simd512, Vector512<float>, Vector512<uint>>.Encode<TWidth, TIn>(source, rowLength, g, destination);
                    break;
                case KernelPath.Vector256:
                    AffineKernel<Simd256, Vector256<float>, Vector256<uint>>.Encode<TWidth, TIn>(source, rowLength, g, destination);
                    break;
                case KernelPath.Vector128:
                    AffineKernel<Simd128, Vector128<float>, Vector128<uint>>.Encode<TWidth, TIn>(source, rowLength, g, destination);
                    break;
                default:
                    AffineReference.Encode<TWidth, TIn>(source, rowLength, g, destination);
                    break;
            }

            return;
        }

        switch (path)
        {
            case KernelPath.Vector512:
                TurboKernel<Simd512, Vector512<float>, Vector512<uint>>.Encode<TWidth, TIn>(source, rowLength, g, signs, destination);
                break;
            case KernelPath.Vector256:
                TurboKernel<Simd256, Vector256<float>, Vector256<uint>>.Encode<TWidth, TIn>(source, rowLength, g, signs, destination);
                break;
            case KernelPath.Vector128:
                TurboKernel<Simd128, Vector128<float>, Vector128<uint>>.Encode<TWidth, TIn>(source, rowLength, g, signs, destination);
                break;
            default:
                TurboReference.Encode<TWidth, TIn>(source, rowLength, g, signs, destination);
                break;
        }
    }

    public static void Decode<TWidth, TOut>(KernelPath path, QuantOptions options, int rowLength, uint[]? signs, ReadOnlySpan<byte> source, Span<TOut> destination)
        where TWidth : struct, IQuantWidth
        where TOut : struct
    {
        int g = options.GroupSize;
        if (options.Codec == QuantCodec.Affine)
        {
            switch (path)
            {
                case KernelPath.Vector512:
                    AffineKernel<Simd512, Vector512<float>, Vector512<uint>>.Decode<TWidth, TOut>(source, rowLength, g, destination);
                    break;
                case KernelPath.Vector256:
                    AffineKernel<Simd256, Vector256<float>, Vector256<uint>>.Decode<TWidth, TOut>(source, rowLength, g, destination);
                    break;
                case KernelPath.Vector128:
                    AffineKernel<Simd128, Vector128<float>, Vector128<uint>>.Decode<TWidth, TOut>(source, rowLength, g, destination);
                    break;
                default:
                    AffineReference.Decode<TWidth, TOut>(source, rowLength, g, destination);
                    break;
            }

            return;
        }

        switch (path)
        {
            case KernelPath.Vector512:
                TurboKernel<Simd512, Vector512<float>, Vector512<uint>>.Decode<TWidth, TOut>(source, rowLength, g, signs, destination);
                break;
            case KernelPath.Vector256:
                TurboKernel<Simd256, Vector256<float>, Vector256<uint>>.Decode<TWidth, TOut>(source, rowLength, g, signs, destination);
                break;
            case KernelPath.Vector128:
                TurboKernel<Simd128, Vector128<float>, Vector128<uint>>.Decode<TWidth, TOut>(source, rowLength, g, signs, destination);
                break;
            default:
                TurboReference.Decode<TWidth, TOut>(source, rowLength, g, signs, destination);
                break;
        }
    }
}
