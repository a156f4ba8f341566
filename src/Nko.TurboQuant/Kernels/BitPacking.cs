using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nko.TurboQuant.Kernels;

/// <summary>
/// The shared primitives of the widths' packings (<see cref="Widths.IQuantWidth.Pack"/>): interleaving codes at a
/// stride into the bits of one byte, and back. Works on 8 codes at a time (a byte never carries into its neighbour
/// because each code is below 2^shift).
/// </summary>
internal static class BitPacking
{
    /// <summary>The low two bits of every byte.</summary>
    public const ulong Low2 = 0x0303_0303_0303_0303UL;

    /// <summary>The low four bits of every byte.</summary>
    public const ulong Low4 = 0x0F0F_0F0F_0F0F_0F0FUL;

    /// <summary>The low bit of every byte.</summary>
    public const ulong Low1 = 0x0101_0101_0101_0101UL;

    /// <summary>Bytes of packed codes for one group.</summary>
    public static int PackedBytes(int bits, int groupSize) => groupSize * bits / 8;

    /// <summary>packed[j] = Σ_k codes[j + k·stride] &lt;&lt; (k·shift), for j &lt; stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Combine(ReadOnlySpan<byte> codes, int stride, int parts, int shift, Span<byte> packed)
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

    /// <summary>codes[j + k·stride] = (packed[j] &gt;&gt; (k·shift)) &amp; mask, for j &lt; stride (mask: the code bits in every byte).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Split(ReadOnlySpan<byte> packed, int stride, int parts, int shift, ulong mask, Span<byte> codes)
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
}
