using System.Numerics.Tensors;
using System.Text.Json;
using Nko.Asr;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Nko.Asr.Onnx.Tests;

internal static class TestData
{
    /// <summary>Reads a <c>[1, T, D]</c> or <c>[T, D]</c> .npy as features, keeping its element type.</summary>
    public static AcousticFeatures Features(string path)
    {
        (int[] shape, bool half, byte[] data) = ReadNpy(path);
        int frames = shape[^2];
        int dim = shape[^1];
        return half
            ? AcousticFeatures.FromHalf(MemoryMarshal.Cast<byte, Half>(data).ToArray(), frames, dim)
            : AcousticFeatures.FromSingle(MemoryMarshal.Cast<byte, float>(data).ToArray(), frames, dim);
    }

    public static float[] Floats(string path)
    {
        (_, bool half, byte[] data) = ReadNpy(path);
        return half
            ? MemoryMarshal.Cast<byte, Half>(data).ToArray().Select(h => (float)h).ToArray()
            : MemoryMarshal.Cast<byte, float>(data).ToArray();
    }

    /// <summary>
    /// A minimal reader for the little-endian, C-order NumPy 1.0 fixtures, kept here so these tests depend only on the
    /// back end (Nko.Data's reader is tested on its own).
    /// </summary>
    private static (int[] Shape, bool Half, byte[] Data) ReadNpy(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 10 && bytes[0] == 0x93 && Encoding.ASCII.GetString(bytes, 1, 5) == "NUMPY", $"{path} is not a .npy file");
        Assert.Equal(1, bytes[6]);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8, 2));
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        bool half = header.Contains("'<f2'", StringComparison.Ordinal);
        Assert.True(half || header.Contains("'<f4'", StringComparison.Ordinal), header);
        Assert.Contains("'fortran_order': False", header, StringComparison.Ordinal);
        string dims = header[(header.IndexOf("'shape': (", StringComparison.Ordinal) + 10)..];
        dims = dims[..dims.IndexOf(')', StringComparison.Ordinal)];
        int[] shape = dims.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (shape, half, bytes.AsSpan(10 + headerLength).ToArray());
    }

    public static int[] GreedyIdsJson(string path)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("greedy_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
    }

    /// <summary>Argmax per frame (first index on ties), repeats collapsed, blanks removed.</summary>
    public static int[] Greedy(ReadOnlySpan<float> logProbs, int classes, int blank)
    {
        var ids = new List<int>();
        int previous = -1;
        for (int t = 0; t < logProbs.Length / classes; t++)
        {
            int best = TensorPrimitives.IndexOfMax(logProbs.Slice(t * classes, classes));
            if (best != previous && best != blank)
            {
                ids.Add(best);
            }

            previous = best;
        }

        return [.. ids];
    }

    public static float MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        }

        return max;
    }

    /// <summary>Deterministic pseudo-random features.</summary>
    public static float[] RandomFloats(int length, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        float[] values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ((float)rng.NextDouble() * 2 - 1) * scale;
        }

        return values;
    }
}
