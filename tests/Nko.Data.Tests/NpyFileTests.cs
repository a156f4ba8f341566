using System.Runtime.InteropServices;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Testing;

namespace Nko.Data.Tests;

public class NpyFileTests
{
    [Fact]
    public void Float32_matrix_round_trips_through_a_file()
    {
        using var dir = new TempDirectory("nko-data-tests-");
        float[] values = Enumerable.Range(0, 3 * 4).Select(i => -0.5f * i).ToArray();
        NpyFile.Write(dir.File("m.npy"), values, [3, 4]);
        NpyArray a = NpyFile.Read(dir.File("m.npy"));
        Assert.Equal(NpyDataType.Float32, a.DataType);
        Assert.Equal([3, 4], a.Shape.ToArray());
        Assert.Equal(12, a.Length);
        Assert.Equal(values, a.AsSingle().ToArray());
        Assert.Equal(values, a.ToSingleArray());
        Assert.Throws<InvalidOperationException>(() => a.AsHalf().Length);
    }

    [Fact]
    public void Float16_tensor_round_trips_through_a_stream()
    {
        Half[] values = Enumerable.Range(0, 2 * 3 * 5).Select(i => (Half)(i * -0.25f)).ToArray();
        var ms = new MemoryStream();
        NpyFile.Write(ms, values, [2, 3, 5]);
        ms.Position = 0;
        NpyArray a = NpyFile.Read(ms);
        Assert.Equal(NpyDataType.Float16, a.DataType);
        Assert.Equal([2, 3, 5], a.Shape.ToArray());
        Assert.Equal(values, a.AsHalf().ToArray());
        Assert.Equal(values.Select(h => (float)h), a.ToSingleArray());
        Assert.Equal(values, a.ToHalfArray());
        Assert.Equal(ms.Length, ms.Position);
        Assert.Throws<InvalidOperationException>(() => a.AsSingle().Length);
    }

    [Fact]
    public void One_dimensional_arrays_use_the_one_tuple_and_round_trip()
    {
        var ms = new MemoryStream();
        NpyFile.Write(ms, [1f, 2f, 3f, 4f, 5f], [5]);
        string header = Encoding.Latin1.GetString(ms.ToArray(), 10, 64);
        Assert.Contains("'shape': (5,)", header, StringComparison.Ordinal);
        ms.Position = 0;
        NpyArray a = NpyFile.Read(ms);
        Assert.Equal([5], a.Shape.ToArray());
        Assert.Equal([1f, 2f, 3f, 4f, 5f], a.AsSingle().ToArray());
    }

    [Fact]
    public void Scalars_and_empty_arrays_round_trip()
    {
        var ms = new MemoryStream();
        NpyFile.Write(ms, [7f], ReadOnlySpan<int>.Empty);
        ms.Position = 0;
        NpyArray scalar = NpyFile.Read(ms);
        Assert.Empty(scalar.Shape);
        Assert.Equal([7f], scalar.AsSingle().ToArray());

        ms = new MemoryStream();
        NpyFile.Write(ms, ReadOnlySpan<Half>.Empty, [0, 66]);
        ms.Position = 0;
        NpyArray empty = NpyFile.Read(ms);
        Assert.Equal([0, 66], empty.Shape.ToArray());
        Assert.Equal(0, empty.Length);
    }

    [Fact]
    public void Written_header_is_numpy_version_1_padded_to_64_bytes_and_ends_with_newline()
    {
        var ms = new MemoryStream();
        NpyFile.Write(ms, new Half[50 * 375 * 66], [50, 375, 66]);
        byte[] b = ms.ToArray();
        Assert.Equal(1, b[6]);
        Assert.Equal(0, b[7]);
        int headerLength = b[8] | (b[9] << 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Equal((byte)'\n', b[10 + headerLength - 1]);
        Assert.StartsWith("{'descr': '<f2', 'fortran_order': False, 'shape': (50, 375, 66), }", Encoding.Latin1.GetString(b, 10, headerLength), StringComparison.Ordinal);
        Assert.Equal(10 + headerLength + (50 * 375 * 66 * 2), b.Length);
    }

    /// <summary>A shape of rank 0–4 (dimensions 0–5) and arbitrary element bits, NaN payloads included.</summary>
    public sealed record RoundTripCase(int[] Shape, bool Half, byte[] Bits)
    {
        public override string ToString() => $"shape ({string.Join(", ", Shape)}), half {Half}, bits [{Convert.ToHexString(Bits)}]";
    }

    private static int ElementBytes(bool half) => half ? 2 : 4;

    private static readonly Arbitrary<RoundTripCase> RoundTripCases = Arb.From(
        from rank in Gen.Choose(0, 4)
        from shape in Gen.ArrayOf(Gen.Choose(0, 5), rank)
        from half in Gen.Elements(true, false)
        from bits in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), shape.Aggregate(1, (p, d) => p * d) * ElementBytes(half))
        select new RoundTripCase(shape, half, bits),
        ShrinkRoundTrip);

    // Drop or shrink a dimension (keeping a prefix of the bits), then clear the bits.
    private static IEnumerable<RoundTripCase> ShrinkRoundTrip(RoundTripCase c)
    {
        for (int i = 0; i < c.Shape.Length; i++)
        {
            int[] dropped = [.. c.Shape[..i], .. c.Shape[(i + 1)..]];
            yield return c with { Shape = dropped, Bits = c.Bits[..Math.Min(c.Bits.Length, dropped.Aggregate(1, (p, d) => p * d) * ElementBytes(c.Half))] };
            if (c.Shape[i] > 0)
            {
                int[] smaller = [.. c.Shape];
                smaller[i]--;
                yield return c with { Shape = smaller, Bits = c.Bits[..(smaller.Aggregate(1, (p, d) => p * d) * ElementBytes(c.Half))] };
            }
        }

        if (c.Bits.Any(b => b != 0))
        {
            yield return c with { Bits = new byte[c.Bits.Length] };
        }
    }

    [Property(MaxTest = 100)]
    public Property Any_shape_and_bits_round_trip() => Prop.ForAll(RoundTripCases, c =>
    {
        // Arbitrary bit patterns, NaN payloads included, must come back unchanged.
        var ms = new MemoryStream();
        if (c.Half)
        {
            NpyFile.Write(ms, MemoryMarshal.Cast<byte, Half>(c.Bits), c.Shape);
        }
        else
        {
            NpyFile.Write(ms, MemoryMarshal.Cast<byte, float>(c.Bits), c.Shape);
        }

        ms.Position = 0;
        NpyArray a = NpyFile.Read(ms);
        byte[] back = c.Half ? MemoryMarshal.AsBytes(a.AsHalf()).ToArray() : MemoryMarshal.AsBytes(a.AsSingle()).ToArray();
        return (a.Shape.SequenceEqual(c.Shape) && back.AsSpan().SequenceEqual(c.Bits) && ms.Position == ms.Length).Label(c.ToString());
    });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Format_versions_1_2_and_3_are_read(byte major)
    {
        byte[] file = TestFiles.Npy(TestFiles.F4("(2,)"), TestFiles.Bytes(1.5f, -2f), major);
        NpyArray a = NpyFile.Read(new MemoryStream(file));
        Assert.Equal([2], a.Shape.ToArray());
        Assert.Equal([1.5f, -2f], a.AsSingle().ToArray());
    }

    [Theory]
    [InlineData("{ 'descr' : '<f4' , 'fortran_order' : False , 'shape' : ( 2 , 3 ) }")]
    [InlineData("{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 3)}")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3,), }")]
    [InlineData("{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}")]
    [InlineData("{'descr':'<f4','fortran_order':False,'shape':(2,3)}")]
    [InlineData("\t{'descr':\t'<f4',\n 'fortran_order': False,\r\n 'shape': (2,\n 3)}   \n")]
    public void Header_parsing_tolerates_spacing_quotes_order_and_trailing_commas(string header)
    {
        (NpyDataType dtype, var shape) = NpyFile.ParseHeader(header);
        Assert.Equal(NpyDataType.Float32, dtype);
        Assert.Equal([2, 3], shape.ToArray());
    }

    [Theory]
    [InlineData("()", new int[0])]
    [InlineData("(7,)", new[] { 7 })]
    [InlineData("(7)", new[] { 7 })]
    [InlineData("(0, 66)", new[] { 0, 66 })]
    [InlineData("(50, 375, 66)", new[] { 50, 375, 66 })]
    [InlineData("(2147483647,)", new[] { int.MaxValue })]
    public void Shapes_parse(string shapeText, int[] expected)
    {
        Assert.Equal(expected, NpyFile.ParseHeader($"{{'descr': '<f2', 'fortran_order': False, 'shape': {shapeText}}}").Shape.ToArray());
    }

    [Fact]
    public void Bundled_sample_is_float16_50_by_375_by_66()
    {
        NpyArray a = NpyFile.Read(Path.Combine(TestFiles.Dev50, "logprobs.npy"));
        Assert.Equal(NpyDataType.Float16, a.DataType);
        Assert.Equal([50, 375, 66], a.Shape.ToArray());
        float[] values = a.ToSingleArray();
        Assert.All(values, v => Assert.True(v <= 0.01f && float.IsFinite(v)));
    }
}
