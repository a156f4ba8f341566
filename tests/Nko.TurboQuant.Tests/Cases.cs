using FsCheck;
using FsCheck.Fluent;
using Nko.TurboQuant.Widths;

namespace Nko.TurboQuant.Tests;

/// <summary>One generated test case: options, shape, the kind of data and the data itself (rows × row length values), printed on failure.</summary>
public sealed record CodecCase(QuantOptions Options, int RowLength, int Rows, int Kind, float[] X)
{
    public override string ToString() =>
        $"{Options} row={RowLength} rows={Rows} kind={Kind} ({TestData.Describe(Kind)}) x=[{string.Join(", ", X.Take(64).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}{(X.Length > 64 ? $", … {X.Length} values" : "")}]";
}

internal static class Cases
{
    // Every width of the table, so a new width is covered by the twin properties without editing them (declared first:
    // the arbitraries below read them while the class initialises).
    private static readonly int[] AffineBits = [.. QuantWidths.All.Where(w => w.Supports(QuantCodec.Affine)).Select(w => w.Bits)];

    private static readonly int[] TurboBits = [.. QuantWidths.All.Where(w => w.Supports(QuantCodec.Turbo)).Select(w => w.Bits)];

    public static Arbitrary<CodecCase> Affine { get; } = Arb.From(AffineGen(), Shrink);

    public static Arbitrary<CodecCase> Turbo { get; } = Arb.From(TurboGen(), Shrink);

    /// <summary>Both codecs (for the container).</summary>
    public static Arbitrary<CodecCase> Any { get; } = Arb.From(Gen.OneOf(AffineGen(), TurboGen()), Shrink);

    private static Gen<int> RowLengths(int g) => Gen.OneOf(
        Gen.Choose(1, 3 * g),
        Gen.Elements(g, 2 * g, 5 * g),
        Gen.Choose(1, 5).Select(k => (k * g) + 1),
        Gen.Choose(1, 5).Select(k => (k * g) - 1).Where(n => n >= 1));

    private static Gen<CodecCase> AffineGen() =>
        from bits in Gen.Elements(AffineBits)
        from g in Gen.Elements(8, 16, 32, 64, 128, 256)
        from row in RowLengths(g)
        from rows in Gen.Choose(1, 3)
        from kind in Gen.Choose(0, TestData.KindCount - 1)
        from x in TestData.Values(kind, row * rows, g)
        select new CodecCase(QuantOptions.Affine(bits, g), row, rows, kind, x);

    private static Gen<CodecCase> TurboGen() =>
        from bits in Gen.Elements(TurboBits)
        from b in Gen.Elements(16, 32, 64, 128, 256, 512)
        from row in RowLengths(b)
        from rows in Gen.Choose(1, 2)
        from kind in Gen.Choose(0, TestData.KindCount - 1)
        from rotationSeed in Gen.Choose(0, 1000)
        from x in TestData.Values(kind, row * rows, b)
        select new CodecCase(QuantOptions.Turbo(bits, b, (ulong)rotationSeed), row, rows, kind, x);

    /// <summary>
    /// Smaller cases that keep the options: fewer rows, shorter rows (each row's prefix), rotation seed 0, then
    /// halves, groups and (for short data) single values set to zero.
    /// </summary>
    private static IEnumerable<CodecCase> Shrink(CodecCase c)
    {
        if (c.Rows > 1)
        {
            yield return c with { Rows = c.Rows - 1, X = c.X[..((c.Rows - 1) * c.RowLength)] };
        }

        foreach (int shorter in new[] { c.RowLength / 2, c.RowLength - 1 }.Where(n => n >= 1 && n < c.RowLength).Distinct())
        {
            yield return c with { RowLength = shorter, X = [.. Enumerable.Range(0, c.Rows).SelectMany(r => c.X.Skip(r * c.RowLength).Take(shorter))] };
        }

        if (c.Options.Seed != 0)
        {
            yield return c with { Options = QuantOptions.Turbo(c.Options.Bits, c.Options.GroupSize) };
        }

        int n = c.X.Length;
        int chunk = Math.Max(n / 2, 1);
        var chunks = new List<(int Start, int Length)>();
        for (int size = chunk; size >= 1 && chunks.Count < 64; size = size == 1 ? 0 : Math.Max(size / 4, 1))
        {
            for (int start = 0; start < n && chunks.Count < 64; start += size)
            {
                chunks.Add((start, Math.Min(size, n - start)));
            }
        }

        foreach ((int start, int length) in chunks)
        {
            if (c.X.AsSpan(start, length).ContainsAnyExcept(0f))
            {
                float[] x = [.. c.X];
                x.AsSpan(start, length).Clear();
                yield return c with { X = x };
            }
        }
    }
}
