using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Nko.Audio.Tests;

/// <summary>Any byte string either parses or throws <see cref="AudioFormatException"/>; nothing else escapes.</summary>
public sealed class WavReaderProperties
{
    private static readonly byte[] Valid = WavBytes.Riff(
        WavBytes.Chunk("fmt ", WavBytes.Fmt(1, 2, 22050, 16)),
        WavBytes.Chunk("LIST", [1, 2, 3]),
        WavBytes.Chunk("data", [.. Enumerable.Range(0, 64).Select(i => (byte)i)]));

    private static readonly byte[] ValidExtensible = WavBytes.Riff(
        WavBytes.Chunk("fmt ", WavBytes.Extensible(3, 1, 16000, 32, 32)),
        WavBytes.Chunk("data", new byte[32]));

    /// <summary>Random bytes, and valid files with a few bytes overwritten and/or truncated (the interesting neighbourhood).</summary>
    private static readonly Arbitrary<byte[]> Inputs = Arb.From(
        Gen.OneOf(
            Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)),
            from template in Gen.Elements(Valid, ValidExtensible)
            from edits in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, template.Length - 1), Gen.Choose(0, 255)))
            from cut in Gen.Choose(0, template.Length)
            select Mutate(template, edits, cut)),
        bytes => ShrinkBytes(bytes));

    private static byte[] Mutate(byte[] template, (int At, int Value)[] edits, int cut)
    {
        byte[] copy = [.. template];
        foreach ((int at, int value) in edits)
        {
            copy[at] = (byte)value;
        }

        return copy[..Math.Max(cut, copy.Length - (cut % 7))];
    }

    private static IEnumerable<byte[]> ShrinkBytes(byte[] bytes)
    {
        if (bytes.Length > 0)
        {
            yield return bytes[..(bytes.Length / 2)];
            yield return bytes[..^1];
        }
    }

    [Property(MaxTest = 2000)]
    public Property Any_bytes_parse_or_throw_the_documented_exception() => Prop.ForAll(Inputs, bytes =>
    {
        foreach (Func<AudioClip> read in new Func<AudioClip>[]
        {
            () => WavReader.Read(bytes),
            () => WavReader.Read(new TrickleStream(bytes, 5)),
        })
        {
            try
            {
                AudioClip clip = read();
                if (clip.Frames < 0 || clip.Channels < 1 || clip.SampleRate < 1)
                {
                    return false;
                }
            }
            catch (AudioFormatException)
            {
            }
        }

        return true;
    });
}
