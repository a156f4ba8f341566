using System.Buffers.Binary;

namespace Nko.Audio.Wav;

/// <summary>
/// The one RIFF/WAVE parser behind every <see cref="WavReader"/> overload: chunk walk, <c>fmt </c> validation, and an
/// incremental <c>data</c> decode that never reserves more memory than the bytes that arrived (plus one doubling).
/// </summary>
internal static class WavParser
{
    /// <summary>Most channels accepted.</summary>
    public const int MaxChannels = 64;

    /// <summary>Highest sample rate accepted, in Hz.</summary>
    public const int MaxSampleRate = 1_000_000;

    private const int BlockBytes = 1 << 16;

    // The KSDATAFORMAT_SUBTYPE_* GUID after its first 4 bytes (the format code): 0000-0010-8000-00AA00389B71.
    private static ReadOnlySpan<byte> SubFormatTail => [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    public static AudioClip Parse<TSource>(ref TSource source, AudioReadOptions options)
        where TSource : IByteSource, allows ref struct
    {
        Span<byte> header = stackalloc byte[12];
        int got = source.Read(header);
        if (got == 0)
        {
            throw new AudioFormatException("The input is empty: no WAV header.");
        }

        string? other = ContainerSniffer.Identify(header[..got]);
        if (other is not null)
        {
            throw new AudioFormatException($"The input is {other}, not a RIFF/WAVE file; Nko.Audio reads only little-endian RIFF WAV: {ContainerSniffer.ConvertHint}.");
        }

        if (got < 12)
        {
            throw new AudioFormatException($"The input is truncated: {got} bytes, but a WAV header needs 12.");
        }

        if (!header[..4].SequenceEqual("RIFF"u8) || !header[8..].SequenceEqual("WAVE"u8))
        {
            throw new AudioFormatException($"The input is not a WAV file (it starts with '{ContainerSniffer.FourCc(header[..4])}', not 'RIFF' … 'WAVE'), nor a format recognised by its magic bytes; {ContainerSniffer.ConvertHint}.");
        }

        WavFormat? format = null;
        long offset = 12;
        Span<byte> chunkHeader = stackalloc byte[8];
        Span<byte> fmt = stackalloc byte[40];
        while (true)
        {
            got = source.Read(chunkHeader);
            if (got < 8)
            {
                throw new AudioFormatException(format is null
                    ? $"The WAV file ends at byte {offset + got} without a 'fmt ' chunk."
                    : $"The WAV file ends at byte {offset + got} without a 'data' chunk.");
            }

            string id = ContainerSniffer.FourCc(chunkHeader[..4]);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            offset += 8;
            if (chunkHeader[..4].SequenceEqual("fmt "u8))
            {
                if (format is not null)
                {
                    throw new AudioFormatException($"The WAV file has a second 'fmt ' chunk at byte {offset - 8}.");
                }

                if (size < 16)
                {
                    throw new AudioFormatException($"The 'fmt ' chunk at byte {offset - 8} has {size} bytes; it needs at least 16.");
                }

                int wanted = (int)Math.Min(size, 40);
                got = source.Read(fmt[..wanted]);
                if (got < wanted)
                {
                    throw Truncated("'fmt '", offset - 8, size, got);
                }

                format = ReadFormat(fmt[..wanted], offset - 8);
                SkipRest(ref source, "'fmt '", offset - 8, size, wanted);
                offset += size + (size & 1);
            }
            else if (chunkHeader[..4].SequenceEqual("data"u8))
            {
                if (format is not { } f)
                {
                    throw new AudioFormatException($"The 'data' chunk at byte {offset - 8} comes before any 'fmt ' chunk.");
                }

                return ReadData(ref source, f, size, offset - 8, options);
            }
            else
            {
                SkipRest(ref source, $"'{id}'", offset - 8, size, 0);
                offset += size + (size & 1);
            }
        }
    }

    private static void SkipRest<TSource>(ref TSource source, string what, long at, uint size, int consumed)
        where TSource : IByteSource, allows ref struct
    {
        long rest = size - (long)consumed;
        if (!source.Skip(rest))
        {
            throw new AudioFormatException($"The {what} chunk at byte {at} claims {size} bytes, but the file ends before them.");
        }

        // A chunk of odd size is followed by one pad byte; a file that ends right there (a writer's omission) is accepted.
        if ((size & 1) != 0)
        {
            source.Skip(1);
        }
    }

    private static AudioFormatException Truncated(string what, long at, long size, long got) =>
        new($"The {what} chunk at byte {at} claims {size} bytes, but the file ends after {got} of them.");

    private static WavFormat ReadFormat(ReadOnlySpan<byte> fmt, long at)
    {
        int tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        int code = tag;
        if (tag == 0xFFFE)
        {
            if (fmt.Length < 40)
            {
                throw new AudioFormatException($"The 'fmt ' chunk at byte {at} says WAVE_FORMAT_EXTENSIBLE but has {fmt.Length} bytes; it needs 40.");
            }

            int extra = BinaryPrimitives.ReadUInt16LittleEndian(fmt[16..]);
            if (extra < 22)
            {
                throw new AudioFormatException($"The WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk at byte {at} has an extension of {extra} bytes; it needs 22.");
            }

            int validBits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[18..]);
            if (validBits > bits)
            {
                throw new AudioFormatException($"The WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk at byte {at} has {validBits} valid bits in a {bits}-bit container.");
            }

            uint subCode = BinaryPrimitives.ReadUInt32LittleEndian(fmt[24..]);
            if (!fmt[28..40].SequenceEqual(SubFormatTail) || subCode > 0xFFFF)
            {
                throw new AudioFormatException($"The WAVE_FORMAT_EXTENSIBLE sub-format GUID at byte {at + 32} ({Convert.ToHexString(fmt[24..40])}) is not a standard KSDATAFORMAT_SUBTYPE; only PCM and IEEE float are read.");
            }

            code = (int)subCode;
        }

        WavSampleFormat sampleFormat = (code, bits) switch
        {
            (1, 8) => WavSampleFormat.Pcm8,
            (1, 16) => WavSampleFormat.Pcm16,
            (1, 24) => WavSampleFormat.Pcm24,
            (1, 32) => WavSampleFormat.Pcm32,
            (3, 32) => WavSampleFormat.Float32,
            (3, 64) => WavSampleFormat.Float64,
            (1, _) => throw new AudioFormatException($"PCM with {bits} bits per sample is not supported (8, 16, 24 or 32)."),
            (3, _) => throw new AudioFormatException($"IEEE float with {bits} bits per sample is not supported (32 or 64)."),
            _ => throw new AudioFormatException($"WAV format code 0x{code:X4}{CodeName(code)} is not supported: only PCM (1), IEEE float (3) and WAVE_FORMAT_EXTENSIBLE with either are read; {ContainerSniffer.ConvertHint}."),
        };

        if (channels == 0)
        {
            throw new AudioFormatException($"The 'fmt ' chunk at byte {at} declares 0 channels.");
        }

        if (channels > MaxChannels)
        {
            throw new AudioFormatException($"The 'fmt ' chunk at byte {at} declares {channels} channels; at most {MaxChannels} are supported.");
        }

        if (rate == 0)
        {
            throw new AudioFormatException($"The 'fmt ' chunk at byte {at} declares a sample rate of 0 Hz.");
        }

        if (rate > MaxSampleRate)
        {
            throw new AudioFormatException($"The 'fmt ' chunk at byte {at} declares a sample rate of {rate} Hz; at most {MaxSampleRate} Hz is supported.");
        }

        int bytesPerSample = bits / 8;
        if (blockAlign != channels * bytesPerSample)
        {
            throw new AudioFormatException($"The 'fmt ' chunk at byte {at} declares a block align of {blockAlign} bytes; {channels} channel(s) of {bits} bits need {channels * bytesPerSample}.");
        }

        return new WavFormat(sampleFormat, channels, (int)rate, bytesPerSample);
    }

    private static string CodeName(int code) => code switch
    {
        0x0002 => " (Microsoft ADPCM)",
        0x0006 => " (A-law)",
        0x0007 => " (µ-law)",
        0x0011 => " (IMA ADPCM)",
        0x0031 => " (GSM 6.10)",
        0x0050 => " (MPEG audio)",
        0x0055 => " (MPEG Layer III, i.e. MP3 in WAV)",
        0x00FF or 0x1610 => " (AAC)",
        0x2000 => " (AC-3)",
        0xF1AC => " (FLAC in WAV)",
        _ => string.Empty,
    };

    private static AudioClip ReadData<TSource>(ref TSource source, WavFormat format, uint size, long at, AudioReadOptions options)
        where TSource : IByteSource, allows ref struct
    {
        if (size > options.MaxDataBytes)
        {
            throw new AudioFormatException($"The 'data' chunk at byte {at} claims {size} bytes, more than the limit of {options.MaxDataBytes} (AudioReadOptions.MaxDataBytes).");
        }

        long remaining = source.Remaining;
        if (remaining >= 0 && size > remaining)
        {
            throw new AudioFormatException($"The 'data' chunk at byte {at} claims {size} bytes, but only {remaining} follow (truncated file?).");
        }

        int blockAlign = format.BlockAlign;
        long frames = size / blockAlign;
        long samples = frames * format.Channels;
        if (samples > Array.MaxLength)
        {
            throw new AudioFormatException($"The 'data' chunk at byte {at} holds {samples} samples, more than one array can hold.");
        }

        // Known length (bytes, seekable stream): the claim is checked above, so allocate it. Otherwise grow as bytes arrive.
        float[] output = new float[remaining >= 0 ? samples : Math.Min(samples, BlockBytes)];
        int blockFrames = Math.Max(1, BlockBytes / blockAlign);
        byte[] block = new byte[blockFrames * blockAlign];
        long framesRead = 0;
        while (framesRead < frames)
        {
            int wantFrames = (int)Math.Min(blockFrames, frames - framesRead);
            int wantBytes = wantFrames * blockAlign;
            int got = source.Read(block.AsSpan(0, wantBytes));
            if (got < wantBytes)
            {
                throw new AudioFormatException($"The 'data' chunk at byte {at} claims {size} bytes, but the file ends after {(framesRead * blockAlign) + got} of them.");
            }

            long end = (framesRead + wantFrames) * format.Channels;
            if (end > output.Length)
            {
                Array.Resize(ref output, (int)Math.Min(samples, Math.Max(end, 2L * output.Length)));
            }

            int offset = (int)(framesRead * format.Channels);
            SampleDecoder.Decode(format.SampleFormat, block.AsSpan(0, wantBytes), output.AsSpan(offset, wantFrames * format.Channels), options.QuantizeToInt16);
            framesRead += wantFrames;
        }

        return new AudioClip(output, format.SampleRate, format.Channels, format.SampleFormat);
    }
}
