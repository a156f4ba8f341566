namespace Nko.Audio.Wav;

/// <summary>Names the container of bytes that are not a RIFF/WAVE file, by their magic bytes.</summary>
internal static class ContainerSniffer
{
    /// <summary>What to tell the user to do with a file that is not WAV.</summary>
    public const string ConvertHint = "convert it to WAV first, e.g. `ffmpeg -i INPUT -ar 16000 -ac 1 -c:a pcm_s16le OUTPUT.wav`";

    /// <summary>The container's name when the first bytes identify one other than little-endian RIFF/WAVE; null otherwise.</summary>
    public static string? Identify(ReadOnlySpan<byte> head)
    {
        if (StartsWith(head, "RIFX"u8))
        {
            return "RIFX (big-endian WAV)";
        }

        if (StartsWith(head, "RF64"u8) || StartsWith(head, "BW64"u8))
        {
            return "RF64/BW64 (64-bit WAV)";
        }

        if (StartsWith(head, "riff"u8) && head.Length >= 8 && head[4] == 0x2E && head[5] == 0x91 && head[6] == 0xCF && head[7] == 0x11)
        {
            return "Sony Wave64 (W64)";
        }

        if (StartsWith(head, "RIFF"u8) && head.Length >= 12 && !head.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return head.Slice(8, 4).SequenceEqual("AVI "u8) ? "AVI (RIFF)" : $"a RIFF file of form '{FourCc(head.Slice(8, 4))}' (not WAVE)";
        }

        if (StartsWith(head, "ID3"u8))
        {
            return "MP3 (ID3 tag)";
        }

        if (StartsWith(head, "fLaC"u8))
        {
            return "FLAC";
        }

        if (StartsWith(head, "OggS"u8))
        {
            return "Ogg (Vorbis, Opus or FLAC in Ogg)";
        }

        if (StartsWith(head, "FORM"u8) && head.Length >= 12 && (head.Slice(8, 4).SequenceEqual("AIFF"u8) || head.Slice(8, 4).SequenceEqual("AIFC"u8)))
        {
            return "AIFF";
        }

        if (head.Length >= 8 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return "MP4/M4A (ISO media)";
        }

        if (StartsWith(head, "caff"u8))
        {
            return "Core Audio Format (CAF)";
        }

        if (StartsWith(head, [0x1A, 0x45, 0xDF, 0xA3]))
        {
            return "Matroska/WebM";
        }

        if (StartsWith(head, ".snd"u8))
        {
            return "Sun/NeXT AU";
        }

        if (StartsWith(head, "#!AMR"u8))
        {
            return "AMR";
        }

        if (StartsWith(head, "MThd"u8))
        {
            return "MIDI (not audio samples)";
        }

        if (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0)
        {
            // 11 sync bits; layer bits 00 mean AAC's ADTS framing, anything else MPEG audio (MP1/2/3).
            return (head[1] & 0x06) == 0 ? "AAC (ADTS)" : "MP3 (MPEG audio frame sync)";
        }

        return null;
    }

    /// <summary>Four bytes as text when printable ASCII, otherwise as hex.</summary>
    public static string FourCc(ReadOnlySpan<byte> id)
    {
        foreach (byte b in id)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return "0x" + Convert.ToHexString(id);
            }
        }

        return System.Text.Encoding.ASCII.GetString(id);
    }

    private static bool StartsWith(ReadOnlySpan<byte> head, ReadOnlySpan<byte> magic) => head.StartsWith(magic);
}
