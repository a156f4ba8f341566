using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.TurboQuant.Kernels;

namespace Nko.TurboQuant.Tests;

public sealed class PackingProperties
{
    private static readonly Arbitrary<(int Bits, byte[] Codes)> CodeGroups =
        (from bits in Gen.Elements(2, 3, 4, 8)
         from g in Gen.Elements(8, 16, 32, 64, 128, 256, 512)
         from codes in Gen.ArrayOf(Gen.Choose(0, (1 << bits) - 1).Select(c => (byte)c), g)
         select (bits, codes)).ToArbitrary();

    [Property(MaxTest = 500)]
    public Property Unpack_inverts_pack() => Prop.ForAll(CodeGroups, c =>
    {
        byte[] packed = new byte[BitPacking.PackedBytes(c.Bits, c.Codes.Length)];
        BitPacking.Pack(c.Bits, c.Codes, packed);
        byte[] back = new byte[c.Codes.Length];
        BitPacking.Unpack(c.Bits, packed, back);
        return back.AsSpan().SequenceEqual(c.Codes);
    });

    [Property(MaxTest = 500)]
    public Property Fast_packing_places_every_code_where_the_reference_says() => Prop.ForAll(CodeGroups, c =>
    {
        int g = c.Codes.Length;
        byte[] fast = new byte[BitPacking.PackedBytes(c.Bits, g)];
        BitPacking.Pack(c.Bits, c.Codes, fast);
        byte[] reference = new byte[fast.Length];
        for (int i = 0; i < g; i++)
        {
            AffineReference.Place(reference, c.Bits, g, i, c.Codes[i]);
        }

        for (int i = 0; i < g; i++)
        {
            Assert.Equal(c.Codes[i], AffineReference.Fetch(fast, c.Bits, g, i));
        }

        return fast.AsSpan().SequenceEqual(reference);
    });

    [Fact]
    public void Four_bit_layout_is_ggml_q4_1_low_nibble_j_high_nibble_j_plus_16()
    {
        byte[] codes = new byte[32];
        for (int i = 0; i < 32; i++)
        {
            codes[i] = (byte)(i % 16);
        }

        codes[16] = 0xA;
        codes[0] = 0x5;
        byte[] packed = new byte[16];
        BitPacking.Pack(4, codes, packed);
        Assert.Equal(0xA5, packed[0]);
        Assert.Equal((byte)(1 | (1 << 4)), packed[1]);
        Assert.Equal((byte)(15 | (15 << 4)), packed[15]);
    }
}
