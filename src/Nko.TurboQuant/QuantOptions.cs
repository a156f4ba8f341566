using System.Globalization;
using System.Numerics;
using Nko.TurboQuant.Widths;

namespace Nko.TurboQuant;

/// <summary>
/// What to quantise with: codec, bits per code, group (affine) or rotation block (turbo) size, and the turbo seed.
/// Immutable; every instance is valid, because the one constructor checks everything (so the quantiser and the container
/// writer never check again).
/// </summary>
public sealed record QuantOptions
{
    /// <summary>The default options: <c>affine8:g32</c>, the seed's scheme (8-bit affine codes in groups of 32).</summary>
    public static QuantOptions Default { get; } = Affine(8);

    /// <summary>The default affine group size, 32 values.</summary>
    public const int DefaultGroupSize = 32;

    /// <summary>The default turbo rotation block, 256 values (1280 = 5 × 256 for Whisper-large features).</summary>
    public const int DefaultBlockSize = 256;

    /// <summary>Creates and validates options.</summary>
    /// <param name="codec">The scheme.</param>
    /// <param name="bits">Bits per code: 2, 3, 4 or 8 for <see cref="QuantCodec.Affine"/>; 2, 3 or 4 for <see cref="QuantCodec.Turbo"/>.</param>
    /// <param name="groupSize">
    /// Affine: values per group, a power of two from 8 to 256. Turbo: the rotation block, a power of two from 16 to 4096.
    /// </param>
    /// <param name="seed">Turbo: the seed of the random sign flips (any value). Affine: must be 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside the ranges above.</exception>
    public QuantOptions(QuantCodec codec, int bits, int groupSize, ulong seed = 0)
    {
        if (codec is not (QuantCodec.Affine or QuantCodec.Turbo))
        {
            throw new ArgumentOutOfRangeException(nameof(codec), codec, "Unknown codec.");
        }

        QuantWidth? width = QuantWidths.Find(bits);
        if (width is null || !width.Supports(codec))
        {
            throw new ArgumentOutOfRangeException(
                nameof(bits),
                bits,
                $"The {(codec == QuantCodec.Affine ? "affine" : "turbo")} codec supports {QuantWidths.Describe(codec)} bits.");
        }

        switch (codec)
        {
            case QuantCodec.Affine:
                if (groupSize is < 8 or > 256 || !BitOperations.IsPow2(groupSize))
                {
                    throw new ArgumentOutOfRangeException(nameof(groupSize), groupSize, "The affine group size must be a power of two from 8 to 256.");
                }

                if (seed != 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(seed), seed, "The affine codec has no seed; pass 0.");
                }

                break;
            default:
                if (groupSize is < 16 or > 4096 || !BitOperations.IsPow2(groupSize))
                {
                    throw new ArgumentOutOfRangeException(nameof(groupSize), groupSize, "The turbo rotation block must be a power of two from 16 to 4096.");
                }

                break;
        }

        Width = width;
        Codec = codec;
        Bits = bits;
        GroupSize = groupSize;
        Seed = seed;
    }

    /// <summary>The scheme.</summary>
    public QuantCodec Codec { get; }

    /// <summary>Bits per code.</summary>
    public int Bits { get; }

    /// <summary>Affine: values per group. Turbo: values per rotation block (each block also carries one norm).</summary>
    public int GroupSize { get; }

    /// <summary>Turbo: the seed of the random sign flips. Always 0 for affine.</summary>
    public ulong Seed { get; }

    /// <summary>The width type of <see cref="Bits"/>, looked up once here.</summary>
    internal QuantWidth Width { get; }

    /// <summary>Affine options (the seed's "affine8:g32" is <c>Affine(8)</c>, "affine4:g32" is <c>Affine(4)</c>).</summary>
    /// <param name="bits">2, 3, 4 or 8.</param>
    /// <param name="groupSize">A power of two from 8 to 256; default 32.</param>
    /// <returns>The validated options.</returns>
    public static QuantOptions Affine(int bits, int groupSize = DefaultGroupSize) => new(QuantCodec.Affine, bits, groupSize);

    /// <summary>Turbo options.</summary>
    /// <param name="bits">2, 3 or 4.</param>
    /// <param name="blockSize">A power of two from 16 to 4096; default 256.</param>
    /// <param name="seed">The seed of the random sign flips; default 0.</param>
    /// <returns>The validated options.</returns>
    public static QuantOptions Turbo(int bits, int blockSize = DefaultBlockSize, ulong seed = 0) => new(QuantCodec.Turbo, bits, blockSize, seed);

    /// <summary>A short name: <c>affine8:g32</c>, <c>turbo4:b256</c> (with <c>:s{seed}</c> when the seed is not 0).</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Codec == QuantCodec.Affine
        ? string.Create(CultureInfo.InvariantCulture, $"affine{Bits}:g{GroupSize}")
        : Seed == 0
            ? string.Create(CultureInfo.InvariantCulture, $"turbo{Bits}:b{GroupSize}")
            : string.Create(CultureInfo.InvariantCulture, $"turbo{Bits}:b{GroupSize}:s{Seed}");
}
