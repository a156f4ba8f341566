using System.Buffers.Binary;

namespace Nko.Lm.Tests;

/// <summary>The binary form: identical scores after a round trip, and a clear <see cref="LmFormatException"/> for damage.</summary>
public sealed class BinaryFormatTests
{
    private static byte[] Saved => field ??= SaveToBytes(TestData.Char6);

    private static byte[] SaveToBytes(CharLanguageModel lm)
    {
        using var stream = new MemoryStream();
        lm.Save(stream);
        return stream.ToArray();
    }

    [Fact]
    public void Round_trip_gives_identical_scores_states_and_bytes()
    {
        CharLanguageModel original = TestData.Char6;
        CharLanguageModel loaded = CharLanguageModel.Load(new MemoryStream(Saved));
        Assert.Equal(original.NgramCounts, loaded.NgramCounts);
        Assert.Equal(original.Order, loaded.Order);
        foreach (KenLmLine line in TestData.KenLmLines)
        {
            LmState a = original.BeginSentenceState;
            LmState b = loaded.BeginSentenceState;
            foreach (string token in line.TokenStrings)
            {
                float x = original.Score(a, original.GetTokenId(token), out a);
                float y = loaded.Score(b, loaded.GetTokenId(token), out b);
                Assert.Equal(BitConverter.SingleToInt32Bits(x), BitConverter.SingleToInt32Bits(y));
                Assert.Equal(a, b);
            }

            Assert.Equal(original.ScoreSentence(line.Text), loaded.ScoreSentence(line.Text));
        }

        Assert.Equal(Saved, SaveToBytes(loaded));
    }

    [Fact]
    public void Save_to_a_path_is_atomic_and_loads_back()
    {
        string folder = Directory.CreateTempSubdirectory("nko-lm-").FullName;
        try
        {
            string path = Path.Combine(folder, "char6.nkolm");
            File.WriteAllText(path, "old contents");
            TestData.Char6.Save(path);
            Assert.Equal(Saved, File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(folder));
            Assert.Equal(TestData.Char6.NgramCounts, CharLanguageModel.Load(path).NgramCounts);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static TheoryData<string> Damages => ["magic", "version", "order", "vocabulary", "length", "checksum", "reserved", "truncated-header", "truncated-payload", "extra-byte", "empty"];

    [Theory]
    [MemberData(nameof(Damages))]
    public void Damaged_headers_and_lengths_fail_clearly(string damage)
    {
        byte[] bytes = (byte[])Saved.Clone();
        switch (damage)
        {
            case "magic": bytes[0] ^= 0xFF; break;
            case "version": BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 2); break;
            case "order": BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), 11); break;
            case "vocabulary": BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 2); break;
            case "length": BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(24), bytes.Length); break;
            case "checksum": bytes[^1] ^= 1; break;
            case "reserved": bytes[44] = 1; break;
            case "truncated-header": bytes = bytes[..20]; break;
            case "truncated-payload": bytes = bytes[..(bytes.Length - 7)]; break;
            case "extra-byte": bytes = [.. bytes, 0]; break;
            case "empty": bytes = []; break;
        }

        LmFormatException e = Assert.Throws<LmFormatException>(() => CharLanguageModel.Load(new MemoryStream(bytes)));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));

        // A non-seekable stream reaches the same verdict without knowing the length up front.
        Assert.Throws<LmFormatException>(() => CharLanguageModel.Load(new ForwardOnlyStream(bytes)));
    }

    [Fact]
    public void Every_single_byte_flip_of_the_payload_is_rejected_and_never_crashes()
    {
        var rng = new Random(20260506);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] bytes = (byte[])Saved.Clone();
            int at = rng.Next(48, bytes.Length);
            bytes[at] ^= (byte)(1 << rng.Next(8));
            Assert.Throws<LmFormatException>(() => CharLanguageModel.Load(new MemoryStream(bytes)));
        }
    }

    [Fact]
    public void Structural_damage_with_a_fixed_checksum_is_still_caught()
    {
        // Rewrite a table value and recompute the checksum, as a hand-made file would: validation, not the checksum,
        // must catch it.
        byte[] original = Saved;
        int payloadStart = 48;
        int tableEnd = original.Length;
        var rng = new Random(7);
        int caught = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            int at = payloadStart + (rng.Next((tableEnd - payloadStart) / 4) * 4);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), rng.Next(-3, 100000));
            Span<byte> payload = bytes.AsSpan(payloadStart);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(32), Internal.Checksum.Compute(payload));
            try
            {
                CharLanguageModel lm = CharLanguageModel.Load(new MemoryStream(bytes));
                // A value change that keeps every invariant (a probability, say) loads; it must still score safely.
                foreach (KenLmLine line in TestData.KenLmLines.Take(5))
                {
                    _ = lm.ScoreSentence(line.Text);
                }
            }
            catch (LmFormatException)
            {
                caught++;
            }
        }

        Assert.True(caught > 100, $"only {caught} of 200 structural changes were rejected");
    }

    [Fact]
    public void Arpa_text_given_to_the_binary_loader_fails_clearly()
    {
        LmFormatException e = Assert.Throws<LmFormatException>(() => CharLanguageModel.Load(TestData.Char6Arpa));
        Assert.Contains("LoadArpa", e.Message, StringComparison.Ordinal);
    }

    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
