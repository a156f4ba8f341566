using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.TurboQuant.Kernels;
using Nko.TurboQuant.Widths;

namespace Nko.TurboQuant.Tests;

public sealed class PackingProperties
{
    private static readonly Arbitrary<(int Bits, byte[] Codes)> CodeGroups =
        (from bits in Gen.Elements([.. QuantWidths.All.Select(w => w.Bits)])
         from g in Gen.Elements(8, 16, 32, 64, 128, 256, 512)
         from codes in Gen.ArrayOf(Gen.Choose(0, (1 << bits) - 1).Select(c => (byte)c), g)
         select (bits, codes)).ToArbitrary();

    [Property(MaxTest = 500)]
    public Property Unpack_inverts_pack() => Prop.ForAll(CodeGroups, c =>
    {
        QuantWidth width = QuantWidths.Get(c.Bits);
        byte[] packed = new byte[BitPacking.PackedBytes(c.Bits, c.Codes.Length)];
        width.Pack(c.Codes, packed);
        byte[] back = new byte[c.Codes.Length];
        width.Unpack(packed, back);
        return back.AsSpan().SequenceEqual(c.Codes);
    });

    [Property(MaxTest = 500)]
    public Property Fast_packing_places_every_code_where_the_reference_says() => Prop.ForAll(CodeGroups, c =>
    {
        int g = c.Codes.Length;
        QuantWidth width = QuantWidths.Get(c.Bits);
        byte[] fast = new byte[BitPacking.PackedBytes(c.Bits, g)];
        width.Pack(c.Codes, fast);
        byte[] reference = new byte[fast.Length];
        for (int i = 0; i < g; i++)
        {
            width.Place(reference, g, i, c.Codes[i]);
        }

        for (int i = 0; i < g; i++)
        {
            Assert.Equal(c.Codes[i], width.Fetch(fast, g, i));
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
        FourBits.Pack(codes, packed);
        Assert.Equal(0xA5, packed[0]);
        Assert.Equal((byte)(1 | (1 << 4)), packed[1]);
        Assert.Equal((byte)(15 | (15 << 4)), packed[15]);
    }
}
