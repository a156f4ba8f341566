using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Nko.Lm.Internal;

/// <summary>
/// The binary model file (version 1), little-endian throughout:
/// <code>
/// header (48 bytes)
///   0  8  magic "NKOLM\0\r\n"
///   8  4  format version (1)
///  12  4  order N (1..10)
///  16  4  vocabulary size V
///  20  4  reserved (0)
///  24  8  payload length in bytes
///  32  8  checksum of the payload (Checksum.Compute)
///  40  8  reserved (0)
/// payload
///   V tokens: u32 UTF-8 byte length, then the bytes
///   padding to a multiple of 4 bytes
///   order 1: V × (f32 prob, f32 back-off)
///   order n = 2..N: u32 count, u32 capacity, capacity × slot (i32 context, i32 token, f32 prob, f32 back-off),
///                   capacity × i32 suffix slot
/// </code>
/// The tables are stored as laid out in memory (the hash placement is part of the format), so loading is a copy and a
/// validation pass. Loading checks the lengths, the checksum and every structural invariant (slot placement, context and
/// suffix links, token ids, no NaN), so a corrupt or hand-made file fails with <see cref="LmFormatException"/>.
/// </summary>
internal static class BinaryModelFormat
{
    public const int Version = 1;
    public const int HeaderSize = 48;
    private static ReadOnlySpan<byte> Magic => "NKOLM\0\r\n"u8;

    /// <summary>Whether the stream's next bytes are the binary magic (reads at most eight bytes).</summary>
    public static bool StartsWithMagic(Stream stream)
    {
        Span<byte> head = stackalloc byte[8];
        return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual(Magic);
    }

    public static void Write(CharLanguageModel model, Stream stream)
    {
        byte[] payload = BuildPayload(model);
        Span<byte> header = stackalloc byte[HeaderSize];
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], model.Order);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], model.VocabularySize);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], payload.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], Checksum.Compute(payload));
        stream.Write(header);
        stream.Write(payload);
    }

    private static byte[] BuildPayload(CharLanguageModel model)
    {
        using var buffer = new MemoryStream();
        Span<byte> word = stackalloc byte[8];
        foreach (string token in model.Tokens)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(token);
            BinaryPrimitives.WriteInt32LittleEndian(word, bytes.Length);
            buffer.Write(word[..4]);
            buffer.Write(bytes);
        }

        while (buffer.Length % 4 != 0)
        {
            buffer.WriteByte(0);
        }

        NgramLevel[] levels = model.Levels;
        foreach (NgramSlot slot in levels[0].Slots)
        {
            BinaryPrimitives.WriteSingleLittleEndian(word, slot.Prob);
            BinaryPrimitives.WriteSingleLittleEndian(word[4..], slot.Backoff);
            buffer.Write(word);
        }

        for (int n = 2; n <= levels.Length; n++)
        {
            NgramLevel level = levels[n - 1];
            BinaryPrimitives.WriteInt32LittleEndian(word, level.Count);
            BinaryPrimitives.WriteInt32LittleEndian(word[4..], level.Slots.Length);
            buffer.Write(word);
            WriteLittleEndian(buffer, MemoryMarshal.Cast<NgramSlot, int>(level.Slots.AsSpan()));
            WriteLittleEndian(buffer, level.Suffix);
        }

        return buffer.ToArray();
    }

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<int> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        int[] swapped = values.ToArray();
        BinaryPrimitives.ReverseEndianness(swapped, swapped);
        stream.Write(MemoryMarshal.AsBytes(swapped.AsSpan()));
    }

    public static CharLanguageModel Read(Stream stream)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        int got = stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        if (got < HeaderSize)
        {
            throw new LmFormatException($"The binary model is truncated: {got} bytes, fewer than the {HeaderSize}-byte header.");
        }

        if (!header[..8].SequenceEqual(Magic))
        {
            throw new LmFormatException("Not an Nko.Lm binary model (bad magic); ARPA text loads with CharLanguageModel.LoadArpa.");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version != Version)
        {
            throw new LmFormatException($"Binary model format version {version} is not supported (this library reads version {Version}).");
        }

        int order = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        int vocabulary = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        long payloadLength = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        ulong checksum = BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
        if (order < 1 || order > CharLanguageModel.MaxOrder)
        {
            throw new LmFormatException($"The binary model's order {order} is outside 1..{CharLanguageModel.MaxOrder}.");
        }

        if (vocabulary < 3 || vocabulary > CharLanguageModel.MaxNgramsPerOrder)
        {
            throw new LmFormatException($"The binary model's vocabulary size {vocabulary} is outside 3..{CharLanguageModel.MaxNgramsPerOrder}.");
        }

        if (payloadLength < 0 || payloadLength > Array.MaxLength)
        {
            throw new LmFormatException($"The binary model's payload length {payloadLength} is invalid (at most {Array.MaxLength} bytes).");
        }

        if (BinaryPrimitives.ReadInt32LittleEndian(header[20..]) != 0 || BinaryPrimitives.ReadInt64LittleEndian(header[40..]) != 0)
        {
            throw new LmFormatException("The binary model's reserved header fields are not zero.");
        }

        if (stream.CanSeek && stream.Length - stream.Position != payloadLength)
        {
            throw new LmFormatException($"The binary model's payload is {stream.Length - stream.Position} bytes; its header says {payloadLength}.");
        }

        byte[] payload = GC.AllocateUninitializedArray<byte>((int)payloadLength);
        got = stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false);
        if (got < payload.Length)
        {
            throw new LmFormatException($"The binary model is truncated: {got} of {payloadLength} payload bytes.");
        }

        if (!stream.CanSeek && stream.ReadByte() >= 0)
        {
            throw new LmFormatException("The binary model has bytes after its payload.");
        }

        if (Checksum.Compute(payload) != checksum)
        {
            throw new LmFormatException("The binary model is corrupt: its checksum does not match.");
        }

        return Parse(payload, order, vocabulary);
    }

    private static CharLanguageModel Parse(byte[] payload, int order, int vocabulary)
    {
        var reader = new PayloadReader(payload);
        var tokens = new string[vocabulary];
        var seen = new HashSet<string>(vocabulary, StringComparer.Ordinal);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        for (int i = 0; i < vocabulary; i++)
        {
            int length = reader.ReadInt32();
            ReadOnlySpan<byte> bytes = reader.ReadBytes(length, "token");
            string token;
            try
            {
                token = utf8.GetString(bytes);
            }
            catch (DecoderFallbackException e)
            {
                throw new LmFormatException($"Token {i} of the binary model is not valid UTF-8.", e);
            }

            if (token.Length == 0 || !seen.Add(token))
            {
                throw new LmFormatException($"Token {i} of the binary model is empty or a duplicate.");
            }

            tokens[i] = token;
        }

        if (tokens[0] != CharLanguageModel.UnknownToken || !seen.Contains(CharLanguageModel.BeginSentenceToken) || !seen.Contains(CharLanguageModel.EndSentenceToken))
        {
            throw new LmFormatException("The binary model's vocabulary must start with <unk> and hold <s> and </s>.");
        }

        reader.Align(4);
        var probs = new float[vocabulary];
        var backoffs = new float[vocabulary];
        for (int i = 0; i < vocabulary; i++)
        {
            probs[i] = reader.ReadSingle();
            backoffs[i] = reader.ReadSingle();
            CheckValues(probs[i], backoffs[i], 1, i);
        }

        var levels = new NgramLevel[order];
        levels[0] = ModelBuilder.CreateUnigrams(probs, backoffs);
        for (int n = 2; n <= order; n++)
        {
            int count = reader.ReadInt32();
            int capacity = reader.ReadInt32();
            if (count < 1 || count > CharLanguageModel.MaxNgramsPerOrder || capacity != NgramLevel.CapacityFor(count))
            {
                throw new LmFormatException($"The binary model's {n}-gram table has count {count} and capacity {capacity}; expected a count of 1..{CharLanguageModel.MaxNgramsPerOrder} and capacity {(count >= 1 && count <= CharLanguageModel.MaxNgramsPerOrder ? NgramLevel.CapacityFor(count) : 0)}.");
            }

            var slots = new NgramSlot[capacity];
            reader.ReadInt32s(MemoryMarshal.Cast<NgramSlot, int>(slots.AsSpan()), $"{n}-gram table");
            var suffix = new int[capacity];
            reader.ReadInt32s(suffix, $"{n}-gram suffixes");
            var level = new NgramLevel(n, count, slots, suffix);
            Validate(level, levels[n - 2], n == 2 ? null : levels[n - 3], vocabulary);
            levels[n - 1] = level;
        }

        if (!reader.AtEnd)
        {
            throw new LmFormatException("The binary model has bytes after its last table.");
        }

        ModelBuilder.SetExtensions(levels);
        return new CharLanguageModel(tokens, levels);
    }

    /// <summary>Every structural invariant of a hashed level, so scoring can trust its links.</summary>
    private static void Validate(NgramLevel level, NgramLevel lower, NgramLevel? lowerLower, int vocabulary)
    {
        int n = level.Order;
        int used = 0;
        NgramSlot[] slots = level.Slots;
        for (int i = 0; i < slots.Length; i++)
        {
            NgramSlot slot = slots[i];
            if (slot.Word == -1 && slot.Context == -1)
            {
                if (slot.Prob != 0 || slot.Backoff != 0 || level.Suffix[i] != 0)
                {
                    throw new LmFormatException($"The binary model's {n}-gram table has a non-zero empty slot {i}.");
                }

                continue;
            }

            used++;
            if ((uint)slot.Word >= (uint)vocabulary || (uint)slot.Context >= (uint)lower.Slots.Length || lower.Slots[slot.Context].Word < 0)
            {
                throw new LmFormatException($"The binary model's {n}-gram slot {i} links to a token or context that does not exist.");
            }

            if (level.Find(slot.Context, slot.Word) != i)
            {
                throw new LmFormatException($"The binary model's {n}-gram slot {i} is not where its hash places it (or is a duplicate).");
            }

            // The suffix of (context, word) is (suffix of context, word); for bigrams it is the unigram of word.
            int expected = lowerLower is null ? slot.Word : lower.Find(lower.Suffix[slot.Context], slot.Word);
            if (level.Suffix[i] != expected)
            {
                throw new LmFormatException($"The binary model's {n}-gram slot {i} has a wrong suffix link.");
            }

            CheckValues(slot.Prob, slot.Backoff, n, i);
        }

        if (used != level.Count)
        {
            throw new LmFormatException($"The binary model's {n}-gram table holds {used} n-grams; its count says {level.Count}.");
        }
    }

    private static void CheckValues(float prob, float backoff, int n, int index)
    {
        if (float.IsNaN(prob) || prob > 0 || float.IsNaN(backoff) || float.IsPositiveInfinity(backoff))
        {
            throw new LmFormatException($"The binary model's {n}-gram {index} has an invalid probability or back-off.");
        }
    }

    private ref struct PayloadReader(byte[] payload)
    {
        private readonly ReadOnlySpan<byte> _data = payload;
        private int _position;

        public readonly bool AtEnd => _position == _data.Length;

        public ReadOnlySpan<byte> ReadBytes(int length, string what)
        {
            if (length < 0 || length > _data.Length - _position)
            {
                throw new LmFormatException($"The binary model is truncated or corrupt: a {what} of {length} bytes does not fit.");
            }

            ReadOnlySpan<byte> bytes = _data.Slice(_position, length);
            _position += length;
            return bytes;
        }

        public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4, "number"));

        public float ReadSingle() => BinaryPrimitives.ReadSingleLittleEndian(ReadBytes(4, "number"));

        public void Align(int alignment)
        {
            int padding = (alignment - (_position % alignment)) % alignment;
            foreach (byte b in ReadBytes(padding, "padding"))
            {
                if (b != 0)
                {
                    throw new LmFormatException("The binary model's padding is not zero.");
                }
            }
        }

        public void ReadInt32s(Span<int> destination, string what)
        {
            long bytes = (long)destination.Length * sizeof(int);
            if (bytes > _data.Length - _position)
            {
                throw new LmFormatException($"The binary model is truncated: its {what} needs {bytes} bytes.");
            }

            ReadOnlySpan<int> source = MemoryMarshal.Cast<byte, int>(ReadBytes((int)bytes, what));
            if (BitConverter.IsLittleEndian)
            {
                source.CopyTo(destination);
            }
            else
            {
                BinaryPrimitives.ReverseEndianness(source, destination);
            }
        }
    }

    internal static int SlotSize => Unsafe.SizeOf<NgramSlot>();
}
