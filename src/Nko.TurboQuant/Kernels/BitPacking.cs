using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nko.TurboQuant.Kernels;

/// <summary>
/// Packing of one group's codes (one byte per code, each &lt; 2^bits) into the documented layout, and back.
/// Works on 8 codes at a time (a byte never carries into its neighbour because each code is below 2^bits).
/// </summary>
/// <remarks>
/// Layout of a group of G codes c[0..G):
/// 8-bit: byte i = c[i].
/// 4-bit (ggml Q4_1 order): byte j (j &lt; G/2) = c[j] | c[j + G/2] &lt;&lt; 4.
/// 2-bit: byte j (j &lt; G/4) = c[j] | c[j + G/4] &lt;&lt; 2 | c[j + G/2] &lt;&lt; 4 | c[j + 3G/4] &lt;&lt; 6.
/// 3-bit: the low two bits of every code in the 2-bit layout (G/4 bytes), then a plane of G/8 bytes whose byte j
/// holds bit 2 of c[j + k·G/8] at bit k (k = 0..7).
/// </remarks>
internal static class BitPacking
{
    private const ulong Low2 = 0x0303_0303_0303_0303UL;
    private const ulong Low4 = 0x0F0F_0F0F_0F0F_0F0FUL;
    private const ulong Low1 = 0x0101_0101_0101_0101UL;

    /// <summary>Bytes of packed codes for one group.</summary>
    public static int PackedBytes(int bits, int groupSize) => groupSize * bits / 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack(int bits, ReadOnlySpan<byte> codes, Span<byte> packed)
    {
        int g = codes.Length;
        switch (bits)
        {
            case 8:
                codes.CopyTo(packed);
                break;
            case 4:
                Combine(codes, g / 2, 2, 4, packed);
                break;
            case 2:
                Combine(codes, g / 4, 4, 2, packed);
                break;
            default:
                PackThree(codes, packed);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unpack(int bits, ReadOnlySpan<byte> packed, Span<byte> codes)
    {
        int g = codes.Length;
        switch (bits)
        {
            case 8:
                packed[..g].CopyTo(codes);
                break;
            case 4:
                Split(packed, g / 2, 2, 4, Low4, codes);
                break;
            case 2:
                Split(packed, g / 4, 4, 2, Low2, codes);
                break;
            default:
                UnpackThree(packed, codes);
                break;
        }
    }

    /// <summary>packed[j] = Σ_k codes[j + k·stride] &lt;&lt; (k·shift), for j &lt; stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Combine(ReadOnlySpan<byte> codes, int stride, int parts, int shift, Span<byte> packed)
    {
        int j = 0;
        if (BitConverter.IsLittleEndian && codes.Length >= parts * stride && packed.Length >= stride)
        {
            // Bounds checked once above; 8 codes per part at a time.
            ref byte c = ref MemoryMarshal.GetReference(codes);
            ref byte p = ref MemoryMarshal.GetReference(packed);
            for (; j + 8 <= stride; j += 8)
            {
                ulong acc = 0;
                for (int k = 0; k < parts; k++)
                {
                    acc |= Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref c, j + (k * stride))) << (k * shift);
                }

                Unsafe.WriteUnaligned(ref Unsafe.Add(ref p, j), acc);
            }
        }

        for (; j + 8 <= stride; j += 8)
        {
            ulong acc = 0;
            for (int k = 0; k < parts; k++)
            {
                acc |= BinaryPrimitives.ReadUInt64LittleEndian(codes[(j + k * stride)..]) << (k * shift);
            }

            BinaryPrimitives.WriteUInt64LittleEndian(packed[j..], acc);
        }

        for (; j < stride; j++)
        {
            int acc = 0;
            for (int k = 0; k < parts; k++)
            {
                acc |= codes[j + k * stride] << (k * shift);
            }

            packed[j] = (byte)acc;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Split(ReadOnlySpan<byte> packed, int stride, int parts, int shift, ulong mask, Span<byte> codes)
    {
        int j = 0;
        if (BitConverter.IsLittleEndian && codes.Length >= parts * stride && packed.Length >= stride)
        {
            ref byte c = ref MemoryMarshal.GetReference(codes);
            ref byte p = ref MemoryMarshal.GetReference(packed);
            for (; j + 8 <= stride; j += 8)
            {
                ulong word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, j));
                for (int k = 0; k < parts; k++)
                {
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref c, j + (k * stride)), (word >> (k * shift)) & mask);
                }
            }
        }

        for (; j + 8 <= stride; j += 8)
        {
            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(packed[j..]);
            for (int k = 0; k < parts; k++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(codes[(j + k * stride)..], (word >> (k * shift)) & mask);
            }
        }

        for (; j < stride; j++)
        {
            int word = packed[j];
            for (int k = 0; k < parts; k++)
            {
                codes[j + k * stride] = (byte)((word >> (k * shift)) & (int)(mask & 0xFF));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackThree(ReadOnlySpan<byte> codes, Span<byte> packed)
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
                acc |= (BinaryPrimitives.ReadUInt64LittleEndian(codes[(j + k * quarter)..]) & Low2) << (2 * k);
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
                acc |= ((BinaryPrimitives.ReadUInt64LittleEndian(codes[(j + k * eighth)..]) >> 2) & Low1) << k;
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UnpackThree(ReadOnlySpan<byte> packed, Span<byte> codes)
    {
        int g = codes.Length;
        int quarter = g / 4;
        int eighth = g / 8;
        Split(packed, quarter, 4, 2, Low2, codes);
        ReadOnlySpan<byte> plane = packed.Slice(quarter, eighth);
        int j = 0;
        for (; j + 8 <= eighth; j += 8)
        {
            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(plane[j..]);
            for (int k = 0; k < 8; k++)
            {
                Span<byte> target = codes[(j + k * eighth)..];
                ulong current = BinaryPrimitives.ReadUInt64LittleEndian(target);
                BinaryPrimitives.WriteUInt64LittleEndian(target, current | (((word >> k) & Low1) << 2));
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
}
