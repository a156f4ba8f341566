using System.Buffers.Binary;

namespace Nko.Lm.Internal;

/// <summary>A fast 64-bit checksum of the binary payload (FNV-1a style over 8-byte little-endian words, then a final mix).</summary>
internal static class Checksum
{
    public static ulong Compute(ReadOnlySpan<byte> data)
    {
        const ulong prime = 0x100000001B3UL;
        ulong h = 0xCBF29CE484222325UL ^ (ulong)data.Length;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(data[i..])) * prime;
            h ^= h >> 29;
        }

        for (; i < data.Length; i++)
        {
            h = (h ^ data[i]) * prime;
        }

        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        return h;
    }
}
