using Nko.TurboQuant.Kernels;
using Nko.TurboQuant.Widths;

namespace Nko.TurboQuant.Tests;

/// <summary>The width table: every width is self-consistent, and the options accept exactly the widths it lists.</summary>
public sealed class WidthTests
{
    public static TheoryData<int> Bits() => [.. QuantWidths.All.Select(w => w.Bits)];

    [Fact]
    public void The_table_lists_the_four_widths_in_ascending_order_once_each()
    {
        Assert.Equal([2, 3, 4, 8], QuantWidths.All.Select(w => w.Bits));
        Assert.Null(QuantWidths.Find(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => QuantWidths.Get(1));
    }

    [Theory]
    [MemberData(nameof(Bits))]
    public void A_width_is_self_consistent(int bits)
    {
        QuantWidth width = QuantWidths.Get(bits);
        Assert.Equal(1 << bits, width.Levels);
        Assert.True(width.Supports(QuantCodec.Affine));
        Assert.Equal(width.Codebook is not null, width.Supports(QuantCodec.Turbo));
        if (width.Codebook is { } codebook)
        {
            Assert.Equal(width.Levels, codebook.Levels);
            Assert.True(codebook.Levels <= LloydMaxCodebook.MaxLevels);
        }

        // The largest code of every element survives a pack and unpack at the smallest group size.
        byte[] codes = Enumerable.Repeat((byte)(width.Levels - 1), 8).ToArray();
        byte[] packed = new byte[BitPacking.PackedBytes(bits, codes.Length)];
        width.Pack(codes, packed);
        byte[] back = new byte[codes.Length];
        width.Unpack(packed, back);
        Assert.Equal(codes, back);
    }

    [Theory]
    [MemberData(nameof(Bits))]
    public void Options_accept_every_listed_width_for_the_codecs_that_offer_it(int bits)
    {
        QuantWidth width = QuantWidths.Get(bits);
        Assert.Same(width, QuantOptions.Affine(bits).Width);
        if (width.Supports(QuantCodec.Turbo))
        {
            Assert.Same(width, QuantOptions.Turbo(bits).Width);
        }
        else
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => QuantOptions.Turbo(bits));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(16)]
    public void Options_reject_unlisted_widths_with_the_supported_list(int bits)
    {
        var affine = Assert.Throws<ArgumentOutOfRangeException>(() => QuantOptions.Affine(bits));
        Assert.Equal("bits", affine.ParamName);
        Assert.StartsWith("The affine codec supports 2, 3, 4 or 8 bits.", affine.Message, StringComparison.Ordinal);
        var turbo = Assert.Throws<ArgumentOutOfRangeException>(() => QuantOptions.Turbo(bits));
        Assert.StartsWith("The turbo codec supports 2, 3 or 4 bits.", turbo.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_options_are_the_seeds_affine8_g32()
    {
        Assert.Equal("affine8:g32", QuantOptions.Default.ToString());
        Assert.Equal(QuantOptions.Affine(8, 32), QuantOptions.Default);
    }

    [Fact]
    public void A_codebook_rejects_more_levels_than_the_vector_tables_hold_and_unordered_centroids()
    {
        Assert.Throws<ArgumentException>(() => new LloydMaxCodebook(new float[9].Select((_, i) => i + 1f).ToArray()));
        Assert.Throws<ArgumentException>(() => new LloydMaxCodebook([1f, 0.5f]));
        Assert.Throws<ArgumentException>(() => new LloydMaxCodebook([]));
    }
}
