using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Nko.TurboQuant.Kernels;

namespace Nko.TurboQuant.Widths;

/// <summary>
/// 3-bit codes: the low two bits of every code in the 2-bit layout (G/4 bytes), then a plane of G/8 bytes whose byte j
/// holds bit 2 of c[j + k·G/8] at bit k (k = 0..7). Turbo codebook distortion per coordinate (unit variance): 0.03455.
/// </summary>
internal readonly struct ThreeBits : IQuantWidth
{
    /// <inheritdoc/>
    public static int Bits => 3;

    /// <inheritdoc/>
    public static int Levels => 8;

    /// <inheritdoc/>
    public static CodeLayout Layout => CodeLayout.Packed;

    /// <inheritdoc/>
    public static LloydMaxCodebook? Codebook { get; } =
        new([0.24509417894420774f, 0.756005281205837f, 1.3439092785049305f, 2.1519457045369395f]);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack(ReadOnlySpan<byte> codes, Span<byte> packed)
    {
        int g = codes.Length;
        int quarter = g / 4;
        int eighth = g / 8;
        int j = 0;
        for (; j + 8 <= quarter; j += 8)
        {
            ulong acc = 0;
            for (int k = 0; k < 4; k++)
            {
                acc |= (BinaryPrimitives.ReadUInt64LittleEndian(codes[(j + k * quarter)..]) & BitPacking.Low2) << (2 * k);
            }

            BinaryPrimitives.WriteUInt64LittleEndian(packed[j..], acc);
        }

        for (; j < quarter; j++)
        {
            int acc = 0;
            for (int k = 0; k < 4; k++)
            {
                acc |= (codes[j + k * quarter] & 3) << (2 * k);
            }

            packed[j] = (byte)acc;
        }

        Span<byte> plane = packed.Slice(quarter, eighth);
        j = 0;
        for (; j + 8 <= eighth; j += 8)
        {
            ulong acc = 0;
            for (int k = 0; k < 8; k++)
            {
                acc |= ((BinaryPrimitives.ReadUInt64LittleEndian(codes[(j + k * eighth)..]) >> 2) & BitPacking.Low1) << k;
            }

            BinaryPrimitives.WriteUInt64LittleEndian(plane[j..], acc);
        }

        for (; j < eighth; j++)
        {
            int acc = 0;
            for (int k = 0; k < 8; k++)
            {
                acc |= ((codes[j + k * eighth] >> 2) & 1) << k;
            }

            plane[j] = (byte)acc;
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unpack(ReadOnlySpan<byte> packed, Span<byte> codes)
    {
        int g = codes.Length;
        int quarter = g / 4;
        int eighth = g / 8;
        BitPacking.Split(packed, quarter, 4, 2, BitPacking.Low2, codes);
        ReadOnlySpan<byte> plane = packed.Slice(quarter, eighth);
        int j = 0;
        for (; j + 8 <= eighth; j += 8)
        {
            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(plane[j..]);
            for (int k = 0; k < 8; k++)
            {
                Span<byte> target = codes[(j + k * eighth)..];
                ulong current = BinaryPrimitives.ReadUInt64LittleEndian(target);
                BinaryPrimitives.WriteUInt64LittleEndian(target, current | (((word >> k) & BitPacking.Low1) << 2));
            }
        }

        for (; j < eighth; j++)
        {
            int word = plane[j];
            for (int k = 0; k < 8; k++)
            {
                codes[j + k * eighth] |= (byte)(((word >> k) & 1) << 2);
            }
        }
    }

    /// <inheritdoc/>
    public static void Place(Span<byte> packed, int groupSize, int i, int code)
    {
        int quarter = groupSize / 4;
        int eighth = groupSize / 8;
        packed[i % quarter] |= (byte)((code & 3) << (2 * (i / quarter)));
        packed[quarter + (i % eighth)] |= (byte)((code >> 2) << (i / eighth));
    }

    /// <inheritdoc/>
    public static int Fetch(ReadOnlySpan<byte> packed, int groupSize, int i)
    {
        int quarter = groupSize / 4;
        int eighth = groupSize / 8;
        int low = (packed[i % quarter] >> (2 * (i / quarter))) & 3;
        int high = (packed[quarter + (i % eighth)] >> (i / eighth)) & 1;
        return low | (high << 2);
    }
}
