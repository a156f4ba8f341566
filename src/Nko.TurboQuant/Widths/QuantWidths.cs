using System.Collections.Immutable;
using System.Globalization;

namespace Nko.TurboQuant.Widths;

/// <summary>
/// The widths the codecs offer: the one list a new <see cref="IQuantWidth"/> is added to. Options validation, the
/// container reader and the quantiser's dispatch all read it.
/// </summary>
internal static class QuantWidths
{
    /// <summary>Every width, in ascending bits.</summary>
    public static ImmutableArray<QuantWidth> All { get; } =
    [
        new WidthCodec<TwoBits>(),
        new WidthCodec<ThreeBits>(),
        new WidthCodec<FourBits>(),
        new WidthCodec<EightBits>(),
    ];

    /// <summary>The width of <paramref name="bits"/>, or null when there is none.</summary>
    public static QuantWidth? Find(int bits)
    {
        foreach (QuantWidth width in All)
        {
            if (width.Bits == bits)
            {
                return width;
            }
        }

        return null;
    }

    /// <summary>The width of <paramref name="bits"/>, which the options have already validated.</summary>
    public static QuantWidth Get(int bits) =>
        Find(bits) ?? throw new ArgumentOutOfRangeException(nameof(bits), bits, "No such quantisation width.");

    /// <summary>The bit counts <paramref name="codec"/> supports, as prose: "2, 3, 4 or 8".</summary>
    public static string Describe(QuantCodec codec)
    {
        string[] bits = [.. All.Where(w => w.Supports(codec)).Select(w => w.Bits.ToString(CultureInfo.InvariantCulture))];
        return bits.Length == 1 ? bits[0] : string.Join(", ", bits[..^1]) + " or " + bits[^1];
    }
}
