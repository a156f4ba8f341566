using System.Buffers.Binary;
using Nko.TurboQuant.Container;

namespace Nko.TurboQuant.Tests;

/// <summary>
/// Size arithmetic on hostile headers: rows whose encoded size does not fit an array, row lengths near int.MaxValue.
/// Every problem of a corrupt file must come out as a <see cref="QuantFormatException"/>.
/// </summary>
public sealed class ContainerSizeTests
{
    [Fact]
    public void A_row_too_long_to_encode_is_a_format_error_not_an_argument_error()
    {
        // Found by fuzzing: affine 8-bit, group 8, shape [1660944594] — 207,618,075 blocks of 12 bytes (2.49 GB per row).
        byte[] b = Header(codec: 1, bits: 8, group: 8, shape: [1660944594], payloadLength: 0);
        var e = Assert.Throws<QuantFormatException>(() => QuantizedTensor.ReadFrom(b));
        Assert.Contains("exceeds the largest array", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1660944594]", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 8, 256)]
    [InlineData(1, 2, 8)]
    [InlineData(2, 4, 4096)]
    [InlineData(2, 2, 16)]
    public void A_row_length_of_int_MaxValue_is_a_format_error(byte codec, byte bits, uint group)
    {
        byte[] b = Header(codec, bits, group, [int.MaxValue], payloadLength: 0);
        Assert.Throws<QuantFormatException>(() => QuantizedTensor.ReadFrom(b));
    }

    [Theory]
    [InlineData(QuantCodec.Affine, 8, 256)]
    [InlineData(QuantCodec.Affine, 2, 8)]
    [InlineData(QuantCodec.Turbo, 4, 4096)]
    public void The_quantizer_computes_row_sizes_near_int_MaxValue_without_wrapping(QuantCodec codec, int bits, int group)
    {
        // rowLength + group − 1 used to wrap in int to a negative block count, and so a negative encoded row length.
        var options = new QuantOptions(codec, bits, group);
        long blocks = ((long)int.MaxValue + group - 1) / group;
        long rowBytes = blocks * (4 + (group * bits / 8));
        if (rowBytes > Array.MaxLength)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new Quantizer(options, int.MaxValue));
        }
        else
        {
            Assert.Equal(rowBytes, new Quantizer(options, int.MaxValue).EncodedRowLength);
        }
    }

    [Fact]
    public void Seeded_hostile_headers_give_a_tensor_or_a_format_error_only()
    {
        // Valid checksums over random but plausible fields, so the reader's size arithmetic is what gets exercised.
        var rng = new Random(20240611);
        byte[] bitsChoices = [2, 3, 4, 8, 0, 5, 255];
        for (int i = 0; i < 20_000; i++)
        {
            byte codec = (byte)(rng.Next(10) == 0 ? rng.Next(256) : rng.Next(1, 3));
            byte bits = bitsChoices[rng.Next(rng.Next(5) == 0 ? bitsChoices.Length : 4)];
            uint group = rng.Next(8) == 0 ? (uint)rng.NextInt64(uint.MaxValue + 1L) : 1u << rng.Next(3, 13);
            int rank = rng.Next(1, 4);
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++)
            {
                shape[d] = rng.Next(4) switch
                {
                    0 => rng.Next(0, 4),
                    1 => rng.Next(1, 100_000),
                    2 => int.MaxValue - rng.Next(0, 4096),
                    _ => rng.Next(),
                };
            }

            long payloadLength = rng.Next(3) switch
            {
                0 => Expected(codec, bits, group, shape),
                1 => rng.NextInt64(),
                _ => rng.Next(0, 4096),
            };
            byte[] b = Header(codec, bits, group, shape, payloadLength);
            try
            {
                QuantizedTensor.ReadFrom(b);
            }
            catch (QuantFormatException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"codec {codec}, bits {bits}, group {group}, shape [{string.Join(", ", shape)}], payload {payloadLength}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    /// <summary>The payload length a consistent header declares (0 when the options themselves are invalid).</summary>
    private static long Expected(byte codec, byte bits, uint group, int[] shape)
    {
        long rows = 1;
        foreach (int d in shape[..^1])
        {
            rows *= d;
            if (rows > int.MaxValue)
            {
                return 0;
            }
        }

        if (codec is < 1 or > 2 || bits is not (2 or 3 or 4 or 8) || group is 0 or > 4096 || shape[^1] < 1)
        {
            return 0;
        }

        long blocks = ((long)shape[^1] + group - 1) / group;
        return rows * blocks * (4 + (group * bits / 8));
    }

    /// <summary>A container header (no payload) with valid magic, version and header checksum.</summary>
    private static byte[] Header(byte codec, byte bits, uint group, int[] shape, long payloadLength)
    {
        byte[] h = new byte[QuantContainer.HeaderLength(shape.Length)];
        QuantContainer.Magic.CopyTo(h);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(8), QuantContainer.Version);
        h[10] = codec;
        h[11] = bits;
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(12), group);
        h[24] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(28 + (4 * i)), shape[i]);
        }

        int o = 28 + (4 * shape.Length);
        BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan(o), payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(o + 8), Crc32C.Compute(h.AsSpan(0, o + 8)));
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(o + 12), Crc32C.Compute([]));
        return h;
    }
}
