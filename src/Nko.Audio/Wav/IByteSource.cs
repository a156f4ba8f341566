namespace Nko.Audio.Wav;

/// <summary>Where the WAV parser reads bytes from: a span, a memory block or a stream.</summary>
internal interface IByteSource
{
    /// <summary>The bytes left, or −1 when the source cannot tell (a non-seekable stream).</summary>
    long Remaining { get; }

    /// <summary>Reads up to <paramref name="buffer"/>'s length; returns how many were read (0 only at the end).</summary>
    int Read(scoped Span<byte> buffer);

    /// <summary>Skips <paramref name="count"/> bytes; false when the source ends first.</summary>
    bool Skip(long count);
}
