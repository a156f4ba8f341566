using System.Buffers.Binary;
using System.Text;

namespace Nko.Audio.Tests;

/// <summary>Builds WAV files byte by byte, valid or deliberately broken.</summary>
internal static class WavBytes
{
    public static byte[] Chunk(string id, ReadOnlySpan<byte> body, uint? claimedSize = null, bool pad = true)
    {
        var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes(id));
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, claimedSize ?? (uint)body.Length);
        ms.Write(size);
        ms.Write(body);
        if (pad && body.Length % 2 == 1)
        {
            ms.WriteByte(0);
        }

        return ms.ToArray();
    }

    public static byte[] Fmt(int tag, int channels, int rate, int bits, int? blockAlign = null)
    {
        byte[] b = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)tag);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), (uint)rate);
        int align = blockAlign ?? (channels * bits / 8);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), (uint)(rate * align));
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(14), (ushort)bits);
        return b;
    }

    public static byte[] Extensible(int subCode, int channels, int rate, int bits, int validBits)
    {
        byte[] b = new byte[40];
        Fmt(0xFFFE, channels, rate, bits).CopyTo(b, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(18), (ushort)validBits);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(20), channels == 1 ? 4u : 3u);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(24), (uint)subCode);
        byte[] tail = [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        tail.CopyTo(b, 28);
        return b;
    }

    public static byte[] Riff(params byte[][] chunks)
    {
        var ms = new MemoryStream();
        ms.Write("RIFF"u8);
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)(4 + chunks.Sum(c => c.Length)));
        ms.Write(size);
        ms.Write("WAVE"u8);
        foreach (byte[] c in chunks)
        {
            ms.Write(c);
        }

        return ms.ToArray();
    }

    public static byte[] Pcm16(int rate, int channels, params short[] samples)
    {
        byte[] data = new byte[samples.Length * 2];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), samples[i]);
        }

        return Riff(Chunk("fmt ", Fmt(1, channels, rate, 16)), Chunk("data", data));
    }
}

/// <summary>A stream that hides its length and refuses to seek, handing out at most a few bytes per read.</summary>
internal sealed class TrickleStream(byte[] bytes, int maxPerRead = 7) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = Math.Min(Math.Min(count, maxPerRead), bytes.Length - _position);
        Array.Copy(bytes, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
