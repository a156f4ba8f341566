using System.Buffers.Binary;
using System.Text;
using Nko.Testing;

namespace Nko.Data.Tests;

/// <summary>Paths of the test data and builders for hand-made <c>.npy</c> files and dataset folders.</summary>
internal static class TestFiles
{
    /// <summary>The bundled sample samples/dev50, copied beside the test assembly.</summary>
    public static string Dev50 => Path.Combine(AppContext.BaseDirectory, "samples", "dev50");

    /// <summary>A split of ../shared/data/nko-ctc-sim (or <c>$NKO_SHARED_DATA</c>), or null when it is absent.</summary>
    public static string? SharedSplit(string split)
    {
        string path = Path.Combine(RepositoryPaths.NkoCtcSim, split);
        return File.Exists(Path.Combine(path, "logprobs.npy")) ? path : null;
    }

    /// <summary>A .npy file image: magic, version, header length, the header padded to 64 bytes with a newline, then the data.</summary>
    public static byte[] Npy(string header, ReadOnlySpan<byte> data, byte major = 1, byte minor = 0, bool pad = true, Encoding? encoding = null)
    {
        int lengthBytes = major == 1 ? 2 : 4;
        encoding ??= major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        if (pad)
        {
            int total = 8 + lengthBytes + encoding.GetByteCount(header) + 1;
            header += new string(' ', (64 - (total % 64)) % 64) + "\n";
        }

        byte[] h = encoding.GetBytes(header);
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, minor]);
        Span<byte> len = stackalloc byte[4];
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)h.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)h.Length);
        }

        ms.Write(len[..lengthBytes]);
        ms.Write(h);
        ms.Write(data);
        return ms.ToArray();
    }

    /// <summary>The bytes of float32 values.</summary>
    public static byte[] Bytes(params float[] values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>A header for a little-endian float32 array of the given shape text.</summary>
    public static string F4(string shape) => $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}";
}

/// <summary>A fact skipped, with the reason, when a split of ../shared/data/nko-ctc-sim is absent.</summary>
internal sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string split)
    {
        if (TestFiles.SharedSplit(split) is null)
        {
            Skip = $"Needs ../shared/data/nko-ctc-sim/{split} (or NKO_SHARED_DATA pointing at nko-ctc-sim).";
        }
    }
}
