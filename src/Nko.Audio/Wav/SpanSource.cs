namespace Nko.Audio.Wav;

/// <summary>Bytes in memory.</summary>
internal ref struct SpanSource(ReadOnlySpan<byte> bytes) : IByteSource
{
    private ReadOnlySpan<byte> _rest = bytes;

    public readonly long Remaining => _rest.Length;

    public int Read(scoped Span<byte> buffer)
    {
        int n = Math.Min(buffer.Length, _rest.Length);
        _rest[..n].CopyTo(buffer);
        _rest = _rest[n..];
        return n;
    }

    public bool Skip(long count)
    {
        if (count > _rest.Length)
        {
            _rest = default;
            return false;
        }

        _rest = _rest[(int)count..];
        return true;
    }
}
