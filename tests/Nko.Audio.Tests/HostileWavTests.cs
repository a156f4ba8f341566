using System.Buffers.Binary;
using System.Text;
using Nko.Testing;

namespace Nko.Audio.Tests;

/// <summary>Malformed and hostile inputs: each gives an <see cref="AudioFormatException"/> with a clear message, allocating nothing the header claims.</summary>
public sealed class HostileWavTests
{
    private static readonly byte[] Fmt16 = WavBytes.Chunk("fmt ", WavBytes.Fmt(1, 1, 16000, 16));

    public static IEnumerable<object[]> Cases()
    {
        yield return ["empty", Array.Empty<byte>(), "empty"];
        yield return ["truncated header", "RIFF\0\0"u8.ToArray(), "truncated"];
        yield return ["no fmt", WavBytes.Riff(), "without a 'fmt '"];
        yield return ["no data", WavBytes.Riff(Fmt16), "without a 'data'"];
        yield return ["data before fmt", WavBytes.Riff(WavBytes.Chunk("data", new byte[4]), Fmt16), "before any 'fmt '"];
        yield return ["data past the end", WavBytes.Riff(Fmt16, WavBytes.Chunk("data", new byte[4], claimedSize: 4000)), "claims 4000 bytes"];
        yield return ["data 2^31 claim", WavBytes.Riff(Fmt16, WavBytes.Chunk("data", new byte[4], claimedSize: 1u << 31)), "more than the limit"];
        yield return ["data 2^32-1 claim", WavBytes.Riff(Fmt16, WavBytes.Chunk("data", new byte[4], claimedSize: uint.MaxValue)), "more than the limit"];
        yield return ["LIST past the end", WavBytes.Riff(Fmt16, WavBytes.Chunk("LIST", new byte[4], claimedSize: 1u << 31)), "'LIST' chunk at byte 36 claims 2147483648 bytes"];
        yield return ["huge fmt", WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(1, 1, 16000, 16), claimedSize: 0x7FFFFFF0)), "'fmt ' chunk at byte 12 claims"];
        yield return ["short fmt", WavBytes.Riff(WavBytes.Chunk("fmt ", new byte[14])), "needs at least 16"];
        yield return ["truncated fmt", WavBytes.Riff(WavBytes.Chunk("fmt ", new byte[10], claimedSize: 16)), "ends after 10"];
        yield return ["zero channels", WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(1, 0, 16000, 16, blockAlign: 2)), WavBytes.Chunk("data", new byte[4])), "0 channels"];
        yield return ["zero rate", WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(1, 1, 0, 16)), WavBytes.Chunk("data", new byte[4])), "0 Hz"];
        yield return ["huge rate", WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(1, 1, int.MaxValue, 16)), WavBytes.Chunk("data", new byte[4])), "at most 1000000 Hz"];
        yield return ["too many channels", WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(1, 65535, 16000, 16, blockAlign: 2)), WavBytes.Chunk("data", new byte[4])), "65535 channels"];
        yield return ["bad block align", WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(1, 2, 16000, 16, blockAlign: 3)), WavBytes.Chunk("data", new byte[4])), "block align of 3"];
        yield return ["12-bit PCM", WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(1, 1, 16000, 12, blockAlign: 1)), WavBytes.Chunk("data", new byte[4])), "12 bits"];
        yield return ["16-bit float", WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(3, 1, 16000, 16)), WavBytes.Chunk("data", new byte[4])), "IEEE float with 16 bits"];
        yield return ["MP3 in WAV", WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(0x55, 1, 16000, 16)), WavBytes.Chunk("data", new byte[4])), "0x0055 (MPEG Layer III"];
        yield return ["A-law", WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Fmt(6, 1, 8000, 8)), WavBytes.Chunk("data", new byte[4])), "A-law"];
        yield return ["extensible, bad GUID", BadGuid(), "not a standard KSDATAFORMAT_SUBTYPE"];
        yield return ["extensible, valid bits > container", WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Extensible(1, 1, 16000, 16, 24)), WavBytes.Chunk("data", new byte[4])), "24 valid bits in a 16-bit"];
        yield return ["extensible, short fmt", WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.Extensible(1, 1, 16000, 16, 16).AsSpan(0, 18))), "needs 40"];
        yield return ["second fmt", WavBytes.Riff(Fmt16, Fmt16), "second 'fmt '"];
        yield return ["not RIFF", "NOPE____WAVE"u8.ToArray(), "not a WAV file"];
        yield return ["RIFX", "RIFX\0\0\0\u0024WAVE"u8.ToArray(), "RIFX (big-endian WAV)"];
        yield return ["RF64", "RF64\0\0\0\0WAVE"u8.ToArray(), "RF64"];
        yield return ["Wave64", new byte[] { 0x72, 0x69, 0x66, 0x66, 0x2E, 0x91, 0xCF, 0x11, 0xA5, 0xD6, 0x28, 0xDB }, "Wave64"];
        yield return ["AVI", "RIFF\u0004\0\0\0AVI "u8.ToArray(), "AVI"];
        yield return ["MP3 ID3", "ID3\u0004\0\0\0\0\0\0"u8.ToArray(), "MP3 (ID3 tag)"];
        yield return ["MP3 frame", new byte[] { 0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0 }, "MP3 (MPEG audio frame sync)"];
        yield return ["AAC ADTS", new byte[] { 0xFF, 0xF1, 0x50, 0x80, 0, 0, 0, 0 }, "AAC (ADTS)"];
        yield return ["FLAC", "fLaC\0\0\0\u0022"u8.ToArray(), "FLAC"];
        yield return ["Ogg", "OggS\0\u0002\0\0\0\0\0\0"u8.ToArray(), "Ogg"];
        yield return ["AIFF", "FORM\0\0\0\u0004AIFF"u8.ToArray(), "AIFF"];
        yield return ["M4A", "\0\0\0\u0020ftypM4A "u8.ToArray(), "MP4/M4A"];
        yield return ["WebM", new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81 }, "Matroska/WebM"];
    }

    private static byte[] BadGuid()
    {
        byte[] fmt = WavBytes.Extensible(1, 1, 16000, 16, 16);
        fmt[39] ^= 0xFF;
        return WavBytes.Riff(WavBytes.Chunk("fmt ", fmt), WavBytes.Chunk("data", new byte[4]));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gives_a_clear_AudioFormatException_from_bytes_and_both_stream_kinds(string name, byte[] bytes, string expected)
    {
        foreach (Func<AudioClip> read in new Func<AudioClip>[]
        {
            () => WavReader.Read(bytes),
            () => WavReader.Read(new MemoryStream(bytes)),
            () => WavReader.Read(new TrickleStream(bytes)),
        })
        {
            AudioFormatException e = Assert.Throws<AudioFormatException>(read);
            Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"{name}: '{e.Message}' does not say '{expected}'");
        }
    }

    [Fact]
    public void Other_containers_are_told_how_to_convert()
    {
        AudioFormatException e = Assert.Throws<AudioFormatException>(() => WavReader.Read("fLaC\0\0\0\u0022"u8));
        Assert.Contains("ffmpeg -i INPUT -ar 16000 -ac 1 -c:a pcm_s16le", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1u << 31)]
    [InlineData(0x1FFFFFFFu)]
    [InlineData(uint.MaxValue)]
    public void Large_claims_on_a_non_seekable_stream_allocate_only_what_arrives(uint claim)
    {
        byte[] bytes = WavBytes.Riff(Fmt16, WavBytes.Chunk("data", new byte[1000], claimedSize: claim));
        var options = new AudioReadOptions { MaxDataBytes = uint.MaxValue };
        long allocated = AllocationProbe.Fewest(() => Assert.Throws<AudioFormatException>(() => WavReader.Read(new TrickleStream(bytes, 4096), options)));
        Assert.True(allocated < 1_000_000, $"{allocated} bytes allocated for a claim of {claim}");
    }

    [Fact]
    public void The_data_limit_is_enforced_before_reading()
    {
        byte[] bytes = WavBytes.Pcm16(16000, 1, new short[100]);
        Assert.Contains("limit of 100", Assert.Throws<AudioFormatException>(() => WavReader.Read(bytes, new AudioReadOptions { MaxDataBytes = 100 })).Message, StringComparison.Ordinal);
        Assert.Equal(100, WavReader.Read(bytes, new AudioReadOptions { MaxDataBytes = 200 }).Frames);
    }

    [Fact]
    public void Path_errors_name_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nko-audio-{Guid.NewGuid():N}.wav");
        File.WriteAllBytes(path, "fLaC\0\0\0\u0022"u8.ToArray());
        try
        {
            AudioFormatException e = Assert.Throws<AudioFormatException>(() => WavReader.Read(path));
            Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
