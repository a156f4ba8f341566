using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Nko.Testing;

namespace Nko.Audio.Tests;

/// <summary>The whisper-frontend fixtures (<c>../shared/data/whisper-frontend</c> beside the repository, or under <c>$NKO_SHARED_DATA</c>).</summary>
internal static class TestData
{
    public static string Root { get; } = Environment.GetEnvironmentVariable("NKO_SHARED_DATA") is { Length: > 0 } fromEnvironment
        ? fromEnvironment
        : Path.GetFullPath(RepositoryPaths.Combine("..", "shared", "data"));

    public static string Frontend(params string[] parts) => Path.Combine([Root, "whisper-frontend", .. parts]);

    public static IReadOnlyList<Clip> Clips => field ??= [.. File.ReadLines(Frontend("manifest.jsonl")).Select(Clip.Parse)];

    public static Clip Get(string id) => Clips.Single(c => c.Id == id);

    public static IEnumerable<object[]> ClipIds => Clips.Select(c => new object[] { c.Id });

    public static IEnumerable<object[]> Clips16k => Clips.Where(c => c.SampleRate == 16000).Select(c => new object[] { c.Id });

    /// <summary>A little-endian float32 <c>.npy</c> (format 1.0) with its shape.</summary>
    public static (float[] Data, int[] Shape) ReadNpy(string relative)
    {
        byte[] bytes = File.ReadAllBytes(Frontend(relative));
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        if (!header.Contains("'<f4'", StringComparison.Ordinal) || header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{relative}: not a C-order <f4 array: {header}");
        }

        string shapeText = header[(header.IndexOf('(', StringComparison.Ordinal) + 1)..header.IndexOf(')', StringComparison.Ordinal)];
        int[] shape = [.. shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse)];
        int offset = 10 + headerLength;
        float[] data = new float[(bytes.Length - offset) / 4];
        Buffer.BlockCopy(bytes, offset, data, 0, data.Length * 4);
        return (data, shape);
    }

    public static float MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }
}

/// <summary>One line of manifest.jsonl.</summary>
internal sealed record Clip(string Id, string Wav, int SampleRate, int Channels, string Format, int Frames, int LoadAudioSamples, JsonElement Refs, JsonElement Json)
{
    public static Clip Parse(string line)
    {
        JsonElement e = JsonDocument.Parse(line).RootElement.Clone();
        return new Clip(
            e.GetProperty("id").GetString()!,
            e.GetProperty("wav").GetString()!,
            e.GetProperty("sample_rate").GetInt32(),
            e.GetProperty("channels").GetInt32(),
            e.GetProperty("format").GetString()!,
            e.GetProperty("frames").GetInt32(),
            e.GetProperty("load_audio_samples").GetInt32(),
            e.GetProperty("refs"),
            e);
    }

    public string WavPath => TestData.Frontend(Wav);

    public string? Ref(string name) => Refs.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public override string ToString() => Id;
}
