using System.Buffers.Binary;
using Nko.TurboQuant;

namespace Nko.Fuzz.Targets;

/// <summary>
/// The TurboQuant container reader on mutated valid containers: blind byte mutations (caught by the checksums) and
/// field mutations with both checksums recomputed (so the semantic checks are reached): version, codec, bits, group
/// size, seed, rank, reserved bytes, shape, payload length and payload. Only QuantFormatException may escape; the
/// span and stream readers must agree; an accepted tensor must dequantise and write back the same bytes.
/// </summary>
public sealed class QuantTarget : FuzzTarget
{
    private const int Fixed = 28; // magic, version, codec, bits, group, seed, rank, reserved (see QuantContainer)

    public override string Name => "quant";

    public override string Description => "QuantizedTensor.ReadFrom on mutated containers (CRCs fixed up): QuantFormatException or a usable tensor";

    public override void Run(FuzzContext ctx)
    {
        FuzzRandom rng = ctx.Random;
        byte[] valid = Valid(rng);
        (byte[] bytes, string what) = rng.Chance(0.25) ? ByteMutator.Mutate(rng, valid) : MutateFields(rng, valid);
        QuantizedTensor? fromSpan = null, fromStream = null;
        int before = ctx.Failures.Count;
        ctx.Expect<QuantFormatException>("QuantizedTensor.ReadFrom(span)", () => fromSpan = QuantizedTensor.ReadFrom(bytes));
        ctx.Expect<QuantFormatException>("QuantizedTensor.ReadFrom(stream)", () => fromStream = QuantizedTensor.ReadFrom(new MemoryStream(bytes)));
        if (ctx.Failures.Count == before && fromSpan is null != fromStream is null)
        {
            // The stream reader reads one container and leaves what follows; the span reader rejects trailing bytes.
            bool trailing = fromStream is not null && fromStream.ToContainerBytes().Length < bytes.Length;
            ctx.Check(trailing, "ReadFrom: span and stream readers disagree", what);
        }

        if (fromSpan is null)
        {
            return;
        }

        ctx.Count("accepted");
        ctx.Call("QuantizedTensor.Dequantize", () => fromSpan.ToSingleArray());
        ctx.Call("QuantizedTensor.ToContainerBytes", () => ctx.Check(fromSpan.ToContainerBytes().AsSpan().SequenceEqual(bytes), "ToContainerBytes: accepted bytes do not round-trip", what));
    }

    private static byte[] Valid(FuzzRandom rng)
    {
        QuantOptions options = rng.Chance(0.6)
            ? QuantOptions.Affine(rng.Pick(2, 3, 4, 8), rng.Pick(8, 16, 32, 64, 256))
            : QuantOptions.Turbo(rng.Pick(2, 3, 4), rng.Pick(16, 32, 64, 256), rng.NextUInt64());
        int[] shape = [.. Enumerable.Range(0, rng.Between(1, 3)).Select(_ => rng.Pick(1, 2, rng.Between(1, 40), options.GroupSize))];
        shape[0] = Math.Max(1, Math.Min(shape[0], 4096 / shape.Skip(1).Aggregate(1, (a, d) => a * d))); // small payloads keep iterations fast
        float[] values = [.. Enumerable.Range(0, shape.Aggregate(1, (a, d) => a * d)).Select(_ => (float)(rng.Gaussian() * rng.Pick(0.01, 1.0, 1000.0)))];
        try
        {
            return QuantizedTensor.Quantize(values, shape, options).ToContainerBytes();
        }
        catch (ArgumentException)
        {
            return QuantizedTensor.Quantize(new float[64], [64], QuantOptions.Affine(4)).ToContainerBytes(); // shape the codec does not take
        }
    }

    // Rewrites one to three header fields (or payload bytes) and recomputes both CRCs unless the mutation is "keep-crc".
    private static (byte[], string) MutateFields(FuzzRandom rng, byte[] valid)
    {
        int rank = valid[24];
        var head = new List<byte>(valid[..Fixed]);
        var shape = new List<int>();
        for (int i = 0; i < rank; i++)
        {
            shape.Add(BinaryPrimitives.ReadInt32LittleEndian(valid.AsSpan(Fixed + (4 * i))));
        }

        int headerLength = Fixed + (4 * rank) + 16;
        long payloadLength = BinaryPrimitives.ReadInt64LittleEndian(valid.AsSpan(Fixed + (4 * rank)));
        byte[] payload = valid[headerLength..];
        var what = new List<string>();
        bool fixCrc = true;
        for (int n = rng.Between(1, 3); n > 0; n--)
        {
            switch (rng.Next(11))
            {
                case 10:
                    // Extreme geometry: the densest or sparsest codec settings over one huge row (sizes near int overflow).
                    head[10] = (byte)rng.Pick(1, 2);
                    head[11] = (byte)rng.Pick(2, 4, 8);
                    WriteU32(head, 12, rng.Pick(8u, 16u, 4096u));
                    head[24] = 1;
                    shape.Clear();
                    shape.Add(rng.Pick(1660944594, int.MaxValue, 1 << 30, 1431655766, rng.Between(1 << 28, int.MaxValue)));
                    what.Add($"codec={head[10]} bits={head[11]} group={BinaryPrimitives.ReadUInt32LittleEndian([.. head.GetRange(12, 4)])} shape=[{shape[0]}]");
                    break;
                case 0: head[8] = (byte)rng.Pick(0, 2, 255); what.Add($"version={head[8]}"); break;
                case 1: head[10] = (byte)rng.Pick(0, 1, 2, 3, 255); what.Add($"codec={head[10]}"); break;
                case 2: head[11] = (byte)rng.Pick(0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 255); what.Add($"bits={head[11]}"); break;
                case 3:
                    uint group = rng.Pick(0u, 1u, 4u, 7u, 8u, 16u, 4096u, 8192u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu);
                    WriteU32(head, 12, group);
                    what.Add($"group={group}");
                    break;
                case 4:
                    head[16 + rng.Next(8)] = (byte)rng.NextUInt64();
                    what.Add("seed");
                    break;
                case 5:
                    int newRank = rng.Pick(0, 1, 2, 3, 8, 9, 255);
                    while (shape.Count < newRank)
                    {
                        shape.Add(rng.Pick(1, 2, 8));
                    }

                    shape.RemoveRange(Math.Min(newRank, shape.Count), shape.Count - Math.Min(newRank, shape.Count));
                    head[24] = (byte)newRank;
                    what.Add($"rank={newRank}");
                    break;
                case 6: head[25 + rng.Next(3)] = (byte)rng.Between(1, 255); what.Add("reserved"); break;
                case 7 when shape.Count > 0:
                    int d = rng.Chance(0.5) ? shape.Count - 1 : rng.Next(shape.Count); // the last dimension sizes the rows
                    shape[d] = rng.Chance(0.5)
                        ? rng.Pick(0, -1, 1, int.MinValue, 65536, 46341, shape[d] + 1, shape[d] * 2)
                        : rng.Pick(1660944594, int.MaxValue, 1 << 30, 1 << 29, 715827883, 268435457, rng.Between(1 << 24, int.MaxValue));
                    what.Add($"shape[{d}]={shape[d]}");
                    break;
                case 8:
                    payloadLength = rng.Pick(0L, payloadLength + 1, payloadLength - 1, long.MaxValue, long.MinValue, -1L, 1L << 40);
                    what.Add($"payloadLength={payloadLength}");
                    if (rng.Chance(0.5) && payloadLength is >= 0 and < 1 << 20)
                    {
                        Array.Resize(ref payload, (int)payloadLength);
                        what.Add("payload resized");
                    }

                    break;
                default:
                    if (payload.Length > 0)
                    {
                        for (int k = rng.Between(1, 8); k > 0; k--)
                        {
                            payload[rng.Next(payload.Length)] = (byte)rng.Pick(0, 0xFF, (int)(rng.NextUInt64() & 0xFF));
                        }

                        what.Add("payload bytes");
                    }

                    if (rng.Chance(0.2))
                    {
                        fixCrc = false;
                        what.Add("keep-crc");
                    }

                    break;
            }
        }

        var bytes = new List<byte>(head);
        foreach (int d in shape)
        {
            var dim = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(dim, d);
            bytes.AddRange(dim);
        }

        var length = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, payloadLength);
        bytes.AddRange(length);
        byte[] header = [.. bytes];
        uint headerCrc = fixCrc ? Crc32C(header) : BinaryPrimitives.ReadUInt32LittleEndian(valid.AsSpan(headerLength - 8));
        uint payloadCrc = fixCrc ? Crc32C(payload) : BinaryPrimitives.ReadUInt32LittleEndian(valid.AsSpan(headerLength - 4));
        var crcs = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(crcs, headerCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(crcs.AsSpan(4), payloadCrc);
        return ([.. header, .. crcs, .. payload], string.Join(' ', what));
    }

    private static void WriteU32(List<byte> bytes, int at, uint value)
    {
        for (int k = 0; k < 4; k++)
        {
            bytes[at + k] = (byte)(value >> (8 * k));
        }
    }

    // CRC-32C (Castagnoli), reflected, as the container stores it; a copy so the harness needs no internals.
    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }
}
