namespace Nko.Fuzz;

/// <summary>Blind mutations of a valid file's bytes: flips, interesting bytes, truncation, insertion, deletion, splicing.</summary>
public static class ByteMutator
{
    private static readonly byte[] s_interesting = [0, 1, 0x7F, 0x80, 0xFF, (byte)'(', (byte)')', (byte)',', (byte)'-', (byte)'9', (byte)' ', (byte)'\n', (byte)'\'', (byte)'{', (byte)'}', (byte)'"', (byte)':'];

    /// <summary>Applies one to four mutations; returns the mutated copy and a short description of what was done.</summary>
    public static (byte[] Bytes, string What) Mutate(FuzzRandom rng, byte[] original)
    {
        var bytes = new List<byte>(original);
        var what = new List<string>();
        for (int n = rng.Between(1, 4); n > 0; n--)
        {
            int at = rng.Next(bytes.Count + 1);
            switch (rng.Next(7))
            {
                case 0 when bytes.Count > 0:
                    at = Math.Min(at, bytes.Count - 1);
                    bytes[at] ^= (byte)(1 << rng.Next(8));
                    what.Add($"flip@{at}");
                    break;
                case 1 when bytes.Count > 0:
                    at = Math.Min(at, bytes.Count - 1);
                    bytes[at] = rng.Pick(s_interesting);
                    what.Add($"set@{at}");
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    what.Add($"truncate@{at}");
                    break;
                case 3:
                    byte[] extra = new byte[rng.Pick(1, 4, rng.Between(1, 64))];
                    rng.Fill(extra);
                    bytes.InsertRange(at, extra);
                    what.Add($"insert{extra.Length}@{at}");
                    break;
                case 4 when bytes.Count > 0:
                    int len = Math.Min(rng.Between(1, 16), bytes.Count - Math.Min(at, bytes.Count - 1));
                    bytes.RemoveRange(Math.Min(at, bytes.Count - 1), len);
                    what.Add($"delete{len}@{at}");
                    break;
                case 5 when bytes.Count >= 4:
                    // A 32-bit field overwritten with a boundary value (lengths, counts, dimensions).
                    at = Math.Min(at, bytes.Count - 4);
                    uint v = rng.Pick(0u, 1u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, (uint)rng.NextUInt64());
                    for (int k = 0; k < 4; k++)
                    {
                        bytes[at + k] = (byte)(v >> (8 * k));
                    }

                    what.Add($"u32@{at}={v}");
                    break;
                default:
                    // Duplicate a slice somewhere else (repeated keys, repeated records).
                    if (bytes.Count > 0)
                    {
                        int from = rng.Next(bytes.Count), count = Math.Min(rng.Between(1, 32), bytes.Count - from);
                        bytes.InsertRange(at, bytes.GetRange(from, count));
                        what.Add($"dup{count}@{at}");
                    }

                    break;
            }
        }

        return ([.. bytes], string.Join(' ', what));
    }
}
