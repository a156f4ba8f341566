using FsCheck;
using FsCheck.Fluent;

namespace Nko.TurboQuant.Tests;

/// <summary>One generated test case: options, shape and a data recipe (kind + seed), printed on failure.</summary>
public sealed record CodecCase(QuantOptions Options, int RowLength, int Rows, int Kind, int Seed)
{
    public float[] Values() => TestData.Values(Kind, RowLength * Rows, Seed, Options.GroupSize);

    public override string ToString() =>
        $"{Options} row={RowLength} rows={Rows} kind={Kind} ({TestData.Describe(Kind)}) seed={Seed}";
}

internal static class Cases
{
    public static Arbitrary<CodecCase> Affine { get; } = AffineGen().ToArbitrary();

    public static Arbitrary<CodecCase> Turbo { get; } = TurboGen().ToArbitrary();

    private static Gen<int> RowLengths(int g) => Gen.OneOf(
        Gen.Choose(1, 3 * g),
        Gen.Elements(g, 2 * g, 5 * g),
        Gen.Choose(1, 5).Select(k => (k * g) + 1),
        Gen.Choose(1, 5).Select(k => (k * g) - 1).Where(n => n >= 1));

    private static Gen<CodecCase> AffineGen() =>
        from bits in Gen.Elements(2, 3, 4, 8)
        from g in Gen.Elements(8, 16, 32, 64, 128, 256)
        from row in RowLengths(g)
        from rows in Gen.Choose(1, 3)
        from kind in Gen.Choose(0, TestData.KindCount - 1)
        from seed in Gen.Choose(0, int.MaxValue)
        select new CodecCase(QuantOptions.Affine(bits, g), row, rows, kind, seed);

    private static Gen<CodecCase> TurboGen() =>
        from bits in Gen.Elements(2, 3, 4)
        from b in Gen.Elements(16, 32, 64, 128, 256, 512)
        from row in RowLengths(b)
        from rows in Gen.Choose(1, 2)
        from kind in Gen.Choose(0, TestData.KindCount - 1)
        from seed in Gen.Choose(0, int.MaxValue)
        from rotationSeed in Gen.Choose(0, 1000)
        select new CodecCase(QuantOptions.Turbo(bits, b, (ulong)rotationSeed), row, rows, kind, seed);
}
