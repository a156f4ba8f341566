using System.Buffers.Binary;
using System.Numerics;

namespace Nko.TurboQuant.Container;

/// <summary>CRC-32C (Castagnoli), as in iSCSI/ext4: initial value and final XOR 0xFFFFFFFF. Hardware-accelerated by the runtime where available.</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(uint.MaxValue, data);

    /// <summary>Continues a raw (not inverted) CRC state.</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        for (; i < data.Length; i++)
        {
            state = BitOperations.Crc32C(state, data[i]);
        }

        return state;
    }
}
