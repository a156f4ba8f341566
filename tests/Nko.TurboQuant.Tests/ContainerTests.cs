using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.TurboQuant.Container;

namespace Nko.TurboQuant.Tests;

/// <summary>Container round trips and hostile containers: every failure must be a <see cref="QuantFormatException"/> with a clear message.</summary>
public sealed class ContainerTests
{
    private static readonly Arbitrary<CodecCase> AnyCase = Cases.Any;

    [Property(MaxTest = 200)]
    public Property Write_then_read_gives_back_the_same_tensor() => Prop.ForAll(AnyCase, c =>
    {
        float[] x = c.X;
        int[] shape = c.Rows == 1 ? [c.RowLength] : [c.Rows, 1, c.RowLength];
        var tensor = QuantizedTensor.Quantize(x, shape, c.Options);
        byte[] bytes = tensor.ToContainerBytes();
        var back = QuantizedTensor.ReadFrom(bytes);
        Assert.Equal(tensor.Options, back.Options);
        Assert.Equal(shape, back.Shape);
        Assert.True(tensor.Data.Span.SequenceEqual(back.Data.Span));
        Assert.Equal(tensor.ToSingleArray(), back.ToSingleArray());

        using var stream = new MemoryStream();
        tensor.WriteTo(stream);
        stream.WriteByte(0x42);
        stream.Position = 0;
        var fromStream = QuantizedTensor.ReadFrom(stream);
        Assert.Equal(bytes.Length, stream.Position);
        return fromStream.Data.Span.SequenceEqual(tensor.Data.Span);
    });

    [Fact]
    public void The_header_layout_is_as_documented()
    {
        var tensor = QuantizedTensor.Quantize(new float[2 * 64], [2, 64], QuantOptions.Affine(4));
        byte[] b = tensor.ToContainerBytes();
        Assert.Equal("NKOQUANT"u8.ToArray(), b[..8]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(8)));
        Assert.Equal(1, b[10]);
        Assert.Equal(4, b[11]);
        Assert.Equal(32u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(12)));
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(16)));
        Assert.Equal(2, b[24]);
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(28)));
        Assert.Equal(64, BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(32)));
        Assert.Equal(80L, BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(36)));
        Assert.Equal(Crc32C.Compute(b.AsSpan(0, 44)), BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(44)));
        Assert.Equal(Crc32C.Compute(b.AsSpan(52)), BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(48)));
        Assert.Equal(52 + 80, b.Length);
    }

    [Fact]
    public void Crc32c_matches_the_standard_check_value() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));

    [Fact]
    public void Every_truncation_is_rejected()
    {
        byte[] b = Sample(QuantOptions.Turbo(3, 32)).ToContainerBytes();
        for (int length = 0; length < b.Length; length++)
        {
            var e = Assert.Throws<QuantFormatException>(() => QuantizedTensor.ReadFrom(b.AsSpan(0, length)));
            Assert.Contains(length < 8 ? "Truncated" : "", e.Message, StringComparison.Ordinal);
            using var nonSeekable = new NonSeekableStream(b.AsSpan(0, length).ToArray());
            Assert.Throws<QuantFormatException>(() => QuantizedTensor.ReadFrom(nonSeekable));
        }
    }

    [Fact]
    public void Trailing_bytes_are_rejected_when_reading_from_memory()
    {
        byte[] b = [.. Sample(QuantOptions.Affine(8)).ToContainerBytes(), 0];
        var e = Assert.Throws<QuantFormatException>(() => QuantizedTensor.ReadFrom(b));
        Assert.Contains("unexpected bytes", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, int, byte[], string> HostileHeaders() => new()
    {
        { "magic", 0, "NKOQUANX"u8.ToArray(), "NKOQUANT" },
        { "version 2", 8, [2, 0], "version 2" },
        { "version 0", 8, [0, 0], "version 0" },
        { "codec 0", 10, [0], "unknown codec 0" },
        { "codec 3", 10, [3], "unknown codec 3" },
        { "bits 5", 11, [5], "2, 3, 4 or 8 bits" },
        { "bits 0", 11, [0], "2, 3, 4 or 8 bits" },
        { "group 24", 12, [24, 0, 0, 0], "power of two" },
        { "group 0", 12, [0, 0, 0, 0], "power of two" },
        { "group 2^31", 12, [0, 0, 0, 0x80], "group size" },
        { "seed on affine", 16, [1], "no seed" },
        { "rank 0", 24, [0], "rank 0" },
        { "rank 9", 24, [9], "rank 9" },
        { "reserved", 26, [1], "reserved" },
        { "negative dim", 28, [0xFF, 0xFF, 0xFF, 0xFF], "non-negative" },
        { "zero row", 32, [0, 0, 0, 0], "row length" },
        { "overflowing count", 28, [0xFF, 0xFF, 0xFF, 0x7F], "more than" },
        { "payload length", 36, [81], "payload length 81" },
        { "negative payload length", 43, [0x80], "payload length -" },
    };

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public void Hostile_header_fields_are_rejected_with_a_clear_message(string what, int offset, byte[] patch, string expected)
    {
        byte[] b = Sample(QuantOptions.Affine(4)).ToContainerBytes(); // shape [2, 64]: header is 52 bytes
        patch.CopyTo(b, offset);
        if (offset >= 8 && offset < 44)
        {
            FixHeaderCrc(b, 2);
        }

        var e = Assert.Throws<QuantFormatException>(() => QuantizedTensor.ReadFrom(b));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"{what}: \"{e.Message}\" lacks \"{expected}\"");
    }

    [Fact]
    public void A_corrupt_header_or_payload_fails_its_checksum()
    {
        byte[] b = Sample(QuantOptions.Affine(8)).ToContainerBytes();
        b[30] ^= 1;
        Assert.Contains("CRC-32C", Assert.Throws<QuantFormatException>(() => QuantizedTensor.ReadFrom(b)).Message, StringComparison.Ordinal);

        b = Sample(QuantOptions.Affine(8)).ToContainerBytes();
        b[^1] ^= 0x10;
        var e = Assert.Throws<QuantFormatException>(() => QuantizedTensor.ReadFrom(b));
        Assert.Contains("Corrupt payload", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0x7C00, "scale")] // +Inf scale
    [InlineData(0, 0xBC00, "scale")] // −1 scale
    [InlineData(0, 0x7E00, "scale")] // NaN scale
    [InlineData(2, 0xFC00, "minimum")] // −Inf min
    public void Payloads_with_impossible_affine_parameters_are_rejected(int field, ushort bits, string expected)
    {
        byte[] b = Sample(QuantOptions.Affine(4)).ToContainerBytes();
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(52 + 20 + field), bits); // second block
        FixPayloadCrc(b, 2);
        var e = Assert.Throws<QuantFormatException>(() => QuantizedTensor.ReadFrom(b));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("offset", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_zero_codes_past_a_partial_group_are_rejected()
    {
        var tensor = QuantizedTensor.Quantize(Enumerable.Range(0, 40).Select(i => (float)i).ToArray(), [40], QuantOptions.Affine(8));
        byte[] b = tensor.ToContainerBytes(); // header 48 bytes, blocks of 36: tail block at 84, its code 8 at 84 + 4 + 8
        b[48 + 36 + 4 + 8] = 1;
        FixPayloadCrc(b, 1);
        var e = Assert.Throws<QuantFormatException>(() => QuantizedTensor.ReadFrom(b));
        Assert.Contains("past the end of the row", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(-1f)]
    [InlineData(-0f)]
    [InlineData(1e-35f)]
    public void Payloads_with_impossible_turbo_norms_are_rejected(float norm)
    {
        byte[] b = Sample(QuantOptions.Turbo(4, 32)).ToContainerBytes();
        BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(52 + 20), norm); // second block of row 0
        FixPayloadCrc(b, 2);
        var e = Assert.Throws<QuantFormatException>(() => QuantizedTensor.ReadFrom(b));
        Assert.Contains("norm", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_declared_shape_on_a_short_stream_fails_without_allocating_it()
    {
        byte[] b = Sample(QuantOptions.Affine(8)).ToContainerBytes();
        // [2, 64] → [32768, 65535]: about 2.4 GB of payload declared, none present.
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(28), 32768);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(32), 65535);
        long payload = new Quantizer(QuantOptions.Affine(8), 65535).GetEncodedLength(32768);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(36), payload);
        FixHeaderCrc(b, 2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        using var stream = new NonSeekableStream(b);
        var e = Assert.Throws<QuantFormatException>(() => QuantizedTensor.ReadFrom(stream));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes for a hostile header");
        Assert.Contains("exceeds the largest array", e.Message, StringComparison.Ordinal);

        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(28), 8000);
        payload = new Quantizer(QuantOptions.Affine(8), 65535).GetEncodedLength(8000);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(36), payload);
        FixHeaderCrc(b, 2);
        before = GC.GetAllocatedBytesForCurrentThread();
        using var stream2 = new NonSeekableStream(b);
        e = Assert.Throws<QuantFormatException>(() => QuantizedTensor.ReadFrom(stream2));
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes for a hostile header");
        Assert.Contains("Truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_garbage_never_escapes_as_anything_but_a_format_exception()
    {
        var rng = new Random(99);
        byte[] valid = Sample(QuantOptions.Turbo(2, 16)).ToContainerBytes();
        for (int i = 0; i < 3000; i++)
        {
            byte[] b = (byte[])valid.Clone();
            int flips = rng.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                b[rng.Next(b.Length)] = (byte)rng.Next(256);
            }

            if (rng.Next(2) == 0)
            {
                FixHeaderCrc(b, b[24] is >= 1 and <= 8 ? b[24] : 2);
            }

            try
            {
                QuantizedTensor.ReadFrom(b);
            }
            catch (QuantFormatException)
            {
            }
        }
    }

    private static QuantizedTensor Sample(QuantOptions options)
    {
        var rng = new Random(7);
        float[] x = Enumerable.Range(0, 128).Select(_ => (rng.NextSingle() * 4) - 2).ToArray();
        return QuantizedTensor.Quantize(x, [2, 64], options);
    }

    private static void FixHeaderCrc(byte[] b, int rank)
    {
        int o = 28 + (4 * rank) + 8;
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(o), Crc32C.Compute(b.AsSpan(0, o)));
    }

    private static void FixPayloadCrc(byte[] b, int rank)
    {
        int o = 28 + (4 * rank) + 12;
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(o), Crc32C.Compute(b.AsSpan(o + 4)));
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
