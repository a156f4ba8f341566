namespace Nko.Audio.Wav;

/// <summary>A stream, seekable or not; a seekable one reports what remains and skips by seeking.</summary>
internal struct StreamSource(Stream stream) : IByteSource
{
    private byte[]? _discard;

    public readonly long Remaining => stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : -1;

    public readonly int Read(scoped Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    public bool Skip(long count)
    {
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (count > remaining)
            {
                stream.Seek(0, SeekOrigin.End);
                return false;
            }

            stream.Seek(count, SeekOrigin.Current);
            return true;
        }

        _discard ??= new byte[8192];
        while (count > 0)
        {
            int n = Read(_discard.AsSpan(0, (int)Math.Min(count, _discard.Length)));
            if (n == 0)
            {
                return false;
            }

            count -= n;
        }

        return true;
    }
}
