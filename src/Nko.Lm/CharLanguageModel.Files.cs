using System.Text;
using Nko.IO;
using Nko.Lm.Internal;

namespace Nko.Lm;

public sealed partial class CharLanguageModel
{
    /// <summary>Loads an ARPA file (UTF-8 text).</summary>
    /// <exception cref="LmFormatException">The file is malformed (the message names the line), or exceeds the limits.</exception>
    public static CharLanguageModel LoadArpa(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        return ArpaReader.Read(reader);
    }

    /// <summary>Loads ARPA text (UTF-8) from a stream; the stream is left open.</summary>
    /// <exception cref="LmFormatException">The text is malformed (the message names the line), or exceeds the limits.</exception>
    public static CharLanguageModel LoadArpa(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        return ArpaReader.Read(reader);
    }

    /// <summary>Loads ARPA text from a reader.</summary>
    /// <remarks>
    /// The reader is strict where KenLM is strict and stricter where KenLM repairs: the counts header must match every
    /// section; each line is a log10 probability (≤ 0, or <c>-inf</c>), the n tokens, and a back-off except at the highest
    /// order; every unigram is distinct; <c>&lt;s&gt;</c> and <c>&lt;/s&gt;</c> are required; each n-gram's context and
    /// suffix must be listed (lmplz always writes them; KenLM would fill missing ones in). A missing <c>&lt;unk&gt;</c> is
    /// added with log10 probability −100, as KenLM does. Lines before <c>\data\</c> are ignored.
    /// </remarks>
    /// <exception cref="LmFormatException">The text is malformed (the message names the line), or exceeds the limits.</exception>
    public static CharLanguageModel LoadArpa(TextReader reader) => ArpaReader.Read(reader);

    /// <summary>Loads a binary model written by <see cref="Save(string)"/>.</summary>
    /// <exception cref="LmFormatException">The file is not a binary model, is truncated or corrupt (checksum, lengths and every table link are checked), or is of another format version.</exception>
    public static CharLanguageModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return BinaryModelFormat.Read(stream);
    }

    /// <summary>Loads a model file in either format: the binary form when it starts with the binary magic bytes, ARPA text otherwise (the extension is not looked at).</summary>
    /// <exception cref="LmFormatException">The file is not a valid model of the format it was read as.</exception>
    public static CharLanguageModel LoadAnyFormat(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        bool binary;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
        {
            binary = BinaryModelFormat.StartsWithMagic(stream);
        }

        return binary ? Load(path) : LoadArpa(path);
    }

    /// <summary>Loads a binary model from a stream (read to its end; left open).</summary>
    /// <exception cref="LmFormatException">The data is not a binary model, is truncated or corrupt, or is of another format version.</exception>
    public static CharLanguageModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return BinaryModelFormat.Read(stream);
    }

    /// <summary>
    /// Writes the binary form (versioned header, little-endian tables, checksum) atomically: to a temporary file in the
    /// same folder, flushed, then renamed over <paramref name="path"/>.
    /// </summary>
    public void Save(string path)
    {
        using AtomicFileWriter file = AtomicFileWriter.Create(path);
        Save(file.Stream);
        file.Commit();
    }

    /// <summary>Writes the binary form to a stream (left open).</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        BinaryModelFormat.Write(this, stream);
    }
}
