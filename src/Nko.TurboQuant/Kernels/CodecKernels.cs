using System.Runtime.Intrinsics;

namespace Nko.TurboQuant.Kernels;

/// <summary>Dispatches a codec call to the selected path.</summary>
internal static class CodecKernels
{
    /// <summary>
    /// The widest path at or below <paramref name="maximum"/> that the hardware runs and the layout allows: a vector must
    /// not be wider than the group (half the group for 4-bit codes, whose two halves are packed together).
    /// </summary>
    public static KernelPath Select(int bits, int groupSize, KernelPath maximum)
    {
        int maxLanes = bits == 4 ? groupSize / 2 : groupSize;
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

    public static void Encode<TIn>(KernelPath path, QuantOptions options, int rowLength, uint[]? signs, ReadOnlySpan<TIn> source, Span<byte> destination)
        where TIn : struct
    {
        int bits = options.Bits;
        int g = options.GroupSize;
        if (options.Codec == QuantCodec.Affine)
        {
            switch (path)
            {
                case KernelPath.Vector512:
                    AffineKernel<Simd512, Vector512<float>, Vector512<uint>>.Encode(source, rowLength, bits, g, destination);
                    break;
                case KernelPath.Vector256:
                    AffineKernel<Simd256, Vector256<float>, Vector256<uint>>.Encode(source, rowLength, bits, g, destination);
                    break;
                case KernelPath.Vector128:
                    AffineKernel<Simd128, Vector128<float>, Vector128<uint>>.Encode(source, rowLength, bits, g, destination);
                    break;
                default:
                    AffineReference.Encode(source, rowLength, bits, g, destination);
                    break;
            }

            return;
        }

        switch (path)
        {
            case KernelPath.Vector512:
                TurboKernel<Simd512, Vector512<float>, Vector512<uint>>.Encode(source, rowLength, bits, g, signs, destination);
                break;
            case KernelPath.Vector256:
                TurboKernel<Simd256, Vector256<float>, Vector256<uint>>.Encode(source, rowLength, bits, g, signs, destination);
                break;
            case KernelPath.Vector128:
                TurboKernel<Simd128, Vector128<float>, Vector128<uint>>.Encode(source, rowLength, bits, g, signs, destination);
                break;
            default:
                TurboReference.Encode(source, rowLength, bits, g, signs, destination);
                break;
        }
    }

    public static void Decode<TOut>(KernelPath path, QuantOptions options, int rowLength, uint[]? signs, ReadOnlySpan<byte> source, Span<TOut> destination)
        where TOut : struct
    {
        int bits = options.Bits;
        int g = options.GroupSize;
        if (options.Codec == QuantCodec.Affine)
        {
            switch (path)
            {
                case KernelPath.Vector512:
                    AffineKernel<Simd512, Vector512<float>, Vector512<uint>>.Decode(source, rowLength, bits, g, destination);
                    break;
                case KernelPath.Vector256:
                    AffineKernel<Simd256, Vector256<float>, Vector256<uint>>.Decode(source, rowLength, bits, g, destination);
                    break;
                case KernelPath.Vector128:
                    AffineKernel<Simd128, Vector128<float>, Vector128<uint>>.Decode(source, rowLength, bits, g, destination);
                    break;
                default:
                    AffineReference.Decode(source, rowLength, bits, g, destination);
                    break;
            }

            return;
        }

        switch (path)
        {
            case KernelPath.Vector512:
                TurboKernel<Simd512, Vector512<float>, Vector512<uint>>.Decode(source, rowLength, bits, g, signs, destination);
                break;
            case KernelPath.Vector256:
                TurboKernel<Simd256, Vector256<float>, Vector256<uint>>.Decode(source, rowLength, bits, g, signs, destination);
                break;
            case KernelPath.Vector128:
                TurboKernel<Simd128, Vector128<float>, Vector128<uint>>.Decode(source, rowLength, bits, g, signs, destination);
                break;
            default:
                TurboReference.Decode(source, rowLength, bits, g, signs, destination);
                break;
        }
    }
}
