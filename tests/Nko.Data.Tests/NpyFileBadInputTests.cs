using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Nko.Testing;

namespace Nko.Data.Tests;

public class NpyFileBadInputTests
{
    private static readonly byte[] Good = TestFiles.Npy(TestFiles.F4("(2, 3)"), TestFiles.Bytes(1, 2, 3, 4, 5, 6));

    private static NpyFormatException Fails(byte[] file, string expectedFragment)
    {
        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(new MemoryStream(file)));
        Assert.Contains(expectedFragment, e.Message, StringComparison.Ordinal);
        // The same bytes through a stream that cannot seek fail the same way (no length to check against).
        var e2 = Assert.Throws<NpyFormatException>(() => NpyFile.Read(new NonSeekableStream(file)));
        Assert.False(string.IsNullOrWhiteSpace(e2.Message));
        return e;
    }

    private static NpyFormatException FailsHeader(string header, string expectedFragment) =>
        Fails(TestFiles.Npy(header, TestFiles.Bytes(1, 2, 3, 4, 5, 6)), expectedFragment);

    [Fact]
    public void Empty_file() => Fails([], "ends inside the preamble (0 of 8 bytes)");

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(9)]
    public void Truncated_preamble(int length) => Fails(Good[..length], "Truncated .npy file");

    [Fact]
    public void Truncated_header()
    {
        var e = Fails(Good[..40], "ends inside the header");
        Assert.Contains($"30 of {HeaderLength} bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_data_names_the_bytes_needed()
    {
        var e = Fails(Good[..^3], "Truncated .npy file: shape (2, 3) needs 24 data bytes, the file has 21");
        var e2 = Assert.Throws<NpyFormatException>(() => NpyFile.Read(new NonSeekableStream(Good[..^3])));
        Assert.Contains("ends inside the data (21 of 24 bytes)", e2.Message, StringComparison.Ordinal);
        Assert.NotNull(e);
    }

    [Fact]
    public void Missing_data() => Fails(Good[..(10 + HeaderLength)], "needs 24 data bytes, the file has 0");

    private static int HeaderLength => Good[8] | (Good[9] << 8);

    [Theory]
    [InlineData(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'X', 1, 0, 0, 0 })]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 20, 0, 0, 0, 8, 0 })] // an .npz (zip) file
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'1', (byte)'}', 10, 10, 10 })]
    public void Wrong_magic(byte[] file) => Fails(file, "magic string");

    [Theory]
    [InlineData(0, 0)]
    [InlineData(4, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 5)]
    public void Unsupported_version(byte major, byte minor)
    {
        byte[] file = (byte[])Good.Clone();
        file[6] = major;
        file[7] = minor;
        Fails(file, $"Unsupported .npy format version {major}.{minor}");
    }

    [Theory]
    [InlineData(">f4", "big-endian")]
    [InlineData(">f2", "big-endian")]
    [InlineData("<i4", "Unsupported dtype '<i4'")]
    [InlineData("<i8", "Unsupported dtype '<i8'")]
    [InlineData("|u1", "Unsupported dtype '|u1'")]
    [InlineData("<f8", "Unsupported dtype '<f8'")]
    [InlineData("|O", "Unsupported dtype '|O'")]
    [InlineData("", "Unsupported dtype ''")]
    public void Unsupported_dtypes(string descr, string fragment) =>
        FailsHeader($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (2, 3), }}", fragment);

    [Fact]
    public void Structured_dtype() =>
        FailsHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 3), }", "structured dtypes are not supported");

    [Fact]
    public void Fortran_order_true() =>
        FailsHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", "fortran_order is True");

    [Theory]
    [InlineData("1")]
    [InlineData("false")]
    [InlineData("'False'")]
    public void Fortran_order_not_a_boolean(string value) =>
        FailsHeader($"{{'descr': '<f4', 'fortran_order': {value}, 'shape': (2, 3), }}", "fortran_order");

    [Theory]
    [InlineData("(-1, 3)", "negative dimension")]
    [InlineData("(2, -3)", "negative dimension")]
    [InlineData("(2.5, 3)", "malformed shape")]
    [InlineData("(2e3,)", "malformed shape")]
    [InlineData("(a, 3)", "malformed shape")]
    [InlineData("(2,, 3)", "malformed shape")]
    [InlineData("(, 3)", "malformed shape")]
    [InlineData("(2 3)", "malformed shape")]
    [InlineData("(2, 3", "malformed shape")]
    [InlineData("[2, 3]", "the shape must be a tuple")]
    [InlineData("6", "the shape must be a tuple")]
    [InlineData("None", "the shape must be a tuple")]
    [InlineData("(99999999999, 1)", "exceeds 2147483647")]
    [InlineData("(2147483648,)", "exceeds 2147483647")]
    [InlineData("(18446744073709551617, 1)", "exceeds 2147483647")]
    public void Malformed_shapes(string shape, string fragment) =>
        FailsHeader($"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}", fragment);

    [Theory]
    [InlineData("(536870899,)", "<f4")] // 2,147,483,596 bytes: under 2 GiB − 1 but over the largest array
    [InlineData("(1073741820,)", "<f2")] // 2,147,483,640 bytes
    public void Shapes_over_the_largest_array_are_a_format_error_not_an_allocation_failure(string shape, string descr)
    {
        // Before: the limit was int.MaxValue, so these passed the size check and `new byte[]` threw OutOfMemoryException.
        byte[] header = TestFiles.Npy($"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}", []);
        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(new ClaimsToBeLongStream(header, 1L << 32)));
        Assert.Contains("too large to read", e.Message, StringComparison.Ordinal);
        Assert.Equal(NpyFile.MaxPayloadBytes, Array.MaxLength);
    }

    [Theory]
    [InlineData("(2147483647, 2147483647, 2147483647)")]
    [InlineData("(65536, 65536)")]
    [InlineData("(536870912,)")] // 2 GiB of float32: 57 bytes over the limit
    [InlineData("(1024, 1024, 1024, 1024, 1024, 1024, 1024)")]
    public void Shapes_too_large_are_rejected_before_allocating(string shape)
    {
        var sw = Stopwatch.StartNew();
        FailsHeader($"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}", "too large to read");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Zero_dimension_with_huge_others_is_empty_not_an_overflow()
    {
        byte[] file = TestFiles.Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 2147483647, 2147483647)}", []);
        Assert.Equal(0, NpyFile.Read(new MemoryStream(file)).Length);
    }

    [Fact]
    public void Too_many_dimensions() =>
        FailsHeader($"{{'descr': '<f4', 'fortran_order': False, 'shape': ({string.Join(", ", Enumerable.Repeat(1, 65))}), }}", "more than 64 dimensions");

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False}", "no 'shape' field")]
    [InlineData("{'fortran_order': False, 'shape': (2, 3)}", "no 'descr' field")]
    [InlineData("{'descr': '<f4', 'shape': (2, 3)}", "no 'fortran_order' field")]
    [InlineData("{}", "no 'descr' field")]
    [InlineData("", "expected '{'")]
    [InlineData("descr: <f4", "expected '{'")]
    [InlineData("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", "duplicate key 'descr'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", "unexpected key 'extra'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} junk", "unexpected text after the closing")]
    [InlineData("{'descr': '<f4' 'fortran_order': False, 'shape': (2, 3)}", "expected ',' or '}'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)", "expected ',' or '}'")]
    [InlineData("{'descr: '<f4', 'fortran_order': False, 'shape': (2, 3)}", "expected ':'")]
    [InlineData("{'descr': '<f4, 'fortran_order': False, 'shape': (2, 3)}", "expected ',' or '}'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'unterminated}", "unterminated string")]
    [InlineData("{descr: '<f4', fortran_order: False, shape: (2, 3)}", "expected a quoted key")]
    public void Malformed_headers(string header, string fragment) => FailsHeader(header, fragment);

    [Fact]
    public void Malformed_header_message_quotes_the_header_without_control_characters()
    {
        var e = FailsHeader("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 3)}\u0001", "'fortran_order' must be True or False, found 'Maybe'");
        Assert.DoesNotContain('\u0001', e.Message);
        Assert.Contains("Header: {'descr'", e.Message, StringComparison.Ordinal);
        e = FailsHeader("{'descr': '<i4\u0001\u001b[31m', 'fortran_order': False, 'shape': (2, 3)}", "Unsupported dtype '<i4??[31m'");
        Assert.DoesNotContain('\u001b', e.Message);
    }

    [Fact]
    public void Hostile_header_length_in_version_2_is_rejected_before_allocating()
    {
        byte[] file = TestFiles.Npy(TestFiles.F4("(2, 3)"), TestFiles.Bytes(1, 2, 3, 4, 5, 6), major: 2);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), uint.MaxValue);
        Fails(file, "Header length 4294967295 bytes is implausibly large");
    }

    [Fact]
    public void Header_length_beyond_the_file()
    {
        byte[] file = (byte[])Good.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), 65535);
        Fails(file, "ends inside the header");
        byte[] v2 = TestFiles.Npy(TestFiles.F4("(2, 3)"), [], major: 2);
        BinaryPrimitives.WriteUInt32LittleEndian(v2.AsSpan(8), 1 << 20);
        Fails(v2, "ends inside the header");
    }

    [Fact]
    public void Header_length_zero() => Fails(TestFiles.Npy("", [], pad: false), "expected '{'");

    [Fact]
    public void Version_3_header_must_be_utf8()
    {
        byte[] file = TestFiles.Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}\xFF", TestFiles.Bytes(1, 2), major: 3, encoding: Encoding.Latin1);
        Fails(file, "UTF-8");
    }

    [Fact]
    public void Lying_shape_on_a_stream_that_cannot_seek_fails_without_allocating_the_claimed_size()
    {
        // Claims 2 GiB − 128 bytes of data (within the limit) but holds 24: the reader must not allocate the claimed size up front.
        byte[] file = TestFiles.Npy(TestFiles.F4("(536870880,)"), TestFiles.Bytes(1, 2, 3, 4, 5, 6));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(new NonSeekableStream(file)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("ends inside the data (24 of 2147483520 bytes)", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 64L << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Errors_from_a_path_name_the_file()
    {
        using var dir = new TempDirectory("nko-data-tests-");
        string path = dir.File("bad.npy");
        File.WriteAllBytes(path, Good[..^1]);
        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(path));
        Assert.StartsWith(path + ": Truncated", e.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => NpyFile.Read(dir.File("missing.npy")));
    }

    [Fact]
    public void Trailing_bytes_after_the_data_are_ignored()
    {
        byte[] file = [.. Good, 1, 2, 3];
        Assert.Equal([1f, 2, 3, 4, 5, 6], NpyFile.Read(new MemoryStream(file)).AsSingle().ToArray());
    }

    [Fact]
    public void Random_corruption_never_escapes_as_another_exception_type()
    {
        var rng = new Random(1234);
        for (int i = 0; i < 2000; i++)
        {
            byte[] file = (byte[])Good.Clone();
            int flips = rng.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                file[rng.Next(0, 64)] = (byte)rng.Next(256);
            }

            int length = rng.Next(0, 3) == 0 ? rng.Next(0, file.Length) : file.Length;
            try
            {
                NpyFile.Read(new MemoryStream(file, 0, length));
            }
            catch (NpyFormatException)
            {
            }
        }
    }

    [Fact]
    public void Writer_rejects_shapes_that_do_not_hold_the_data()
    {
        var ms = new MemoryStream();
        Assert.Throws<ArgumentException>(() => NpyFile.Write(ms, new float[6], [4, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => NpyFile.Write(ms, new float[6], [-2, -3]));
        Assert.Throws<ArgumentException>(() => NpyFile.Write(ms, new float[0], [int.MaxValue, int.MaxValue, int.MaxValue, 0 + 1]));
        Assert.Throws<ArgumentException>(() => NpyFile.Write(ms, new float[1], Enumerable.Repeat(1, 65).ToArray()));
        Assert.Equal(0, ms.Length);
    }
}

/// <summary>A read-only stream over bytes that cannot seek or report its length (like a pipe), returning short reads.</summary>
internal sealed class NonSeekableStream(byte[] bytes) : Stream
{
    private int _pos;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, bytes.Length - _pos), 7);
        bytes.AsSpan(_pos, n).CopyTo(buffer);
        _pos += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A seekable stream that holds only <paramref name="prefix"/> but reports <paramref name="length"/> bytes, so size checks against the length pass.</summary>
internal sealed class ClaimsToBeLongStream(byte[] prefix, long length) : MemoryStream(prefix, writable: false)
{
    public override long Length => length;
}
