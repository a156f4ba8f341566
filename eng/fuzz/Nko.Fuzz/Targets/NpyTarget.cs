using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Nko.Data;

namespace Nko.Fuzz.Targets;

/// <summary>
/// NpyFile.Read on mutated valid files: blind byte mutations, and headers rewritten with hostile dtypes, shapes,
/// versions and lengths; read from seekable and non-seekable streams. Only NpyFormatException may escape, and an
/// array that is returned must be consistent (length = product of the shape).
/// </summary>
public sealed class NpyTarget : FuzzTarget
{
    public override string Name => "npy";

    public override string Description => "NpyFile.Read on mutated .npy bytes: NpyFormatException or a consistent array";

    public override void Run(FuzzContext ctx)
    {
        FuzzRandom rng = ctx.Random;
        int[] shape = [.. Enumerable.Range(0, rng.Between(0, 4)).Select(_ => rng.Pick(0, 1, rng.Between(2, 6)))];
        int count = shape.Aggregate(1, (a, d) => a * d);
        bool half = rng.Chance(0.3);
        var stream = new MemoryStream();
        if (half)
        {
            NpyFile.Write(stream, [.. Enumerable.Range(0, count).Select(i => (Half)i)], shape);
        }
        else
        {
            NpyFile.Write(stream, [.. Enumerable.Range(0, count).Select(i => (float)i)], shape);
        }

        (byte[] bytes, string what) = rng.Chance(0.5) ? ByteMutator.Mutate(rng, stream.ToArray()) : Rewrite(rng, half, count);
        bool seekable = rng.Chance(0.7);
        NpyArray? array = null;
        string where = $"{what} ({bytes.Length} bytes, {(seekable ? "seekable" : "non-seekable")})";
        if (!ctx.Expect<NpyFormatException>("NpyFile.Read", () => array = NpyFile.Read(seekable ? new MemoryStream(bytes) : new ForwardOnlyStream(bytes))) || array is null)
        {
            return;
        }

        ctx.Count("accepted");
        long product = array.Shape.Aggregate(1L, (a, d) => a * d);
        ctx.Check(array.Shape.All(d => d >= 0) && product == array.Length, "NpyFile.Read: shape and length disagree", $"{where}: [{string.Join(',', array.Shape)}] vs {array.Length}");
        ctx.Call("NpyArray.ToSingleArray", () => ctx.Check(array.ToSingleArray().Length == array.Length, "NpyArray.ToSingleArray: wrong length", where));
    }

    // A header built from hostile parts, in a random format version, with a payload of the right or a wrong size.
    private static (byte[], string) Rewrite(FuzzRandom rng, bool half, int count)
    {
        string descr = rng.Chance(0.6) ? (half ? "'<f2'" : "'<f4'") : rng.Pick("'>f4'", "'|u1'", "'<f8'", "'<i4'", "''", "'<f4", "\"<f4\"", "[('a', '<f4')]", "'<f4' ", "'\u00e9'");
        string fortran = rng.Chance(0.7) ? "False" : rng.Pick("True", "1", "'False'", "", "Falsey");
        string dims = rng.Next(4) switch
        {
            0 => count.ToString(CultureInfo.InvariantCulture) + ",",
            1 => string.Join(", ", Enumerable.Range(0, rng.Between(0, 70)).Select(_ => rng.Pick("0", "1", "2", "2147483647", "2147483648", "-1", "4294967296", "99999999999999999999", "1_0", " 3", "+3", "0x10"))),
            2 => rng.Pick("", ",", "3,,4", "3L,", ")", "(", "3 4", "1,2,", "65536, 65536", "46341, 46341", "1073741824, 2"),
            _ => string.Join(", ", Enumerable.Range(0, rng.Between(1, 3)).Select(_ => rng.Between(0, 1 << 20).ToString(CultureInfo.InvariantCulture))),
        };
        string shape = rng.Chance(0.9) ? $"({dims})" : rng.Pick("[3]", "3", "None", "()");
        var parts = new List<string> { $"'descr': {descr}", $"'fortran_order': {fortran}", $"'shape': {shape}" };
        if (rng.Chance(0.1))
        {
            parts.Add(rng.Pick("'extra': 1", "'descr': '<f4'", "'shape': (1,)"));
        }

        if (rng.Chance(0.1))
        {
            parts.RemoveAt(rng.Next(parts.Count));
        }

        string header = "{" + string.Join(rng.Pick(", ", ",", " ,  "), parts.OrderBy(_ => rng.Next(3))) + rng.Pick(", }", "}", ",}", "") + rng.Pick("\n", "", "   \n", "\0");
        int major = rng.Pick(1, 1, 2, 3, 0, 4);
        byte[] text = major == 3 ? Encoding.UTF8.GetBytes(header) : Encoding.Latin1.GetBytes(header);
        int lengthField = rng.Chance(0.85) ? text.Length : rng.Pick(0, text.Length + 1, text.Length - 1, 65535, int.MaxValue);
        int payload = rng.Chance(0.7) ? count * (half ? 2 : 4) : rng.Pick(0, 1, 7, 4096);
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, (byte)rng.Pick(0, 0, 0, 1) };
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, lengthField);
        bytes.AddRange(major == 1 ? length[..2].ToArray() : length.ToArray());
        bytes.AddRange(text);
        bytes.AddRange(new byte[payload]);
        return ([.. bytes], $"header v{major} len {lengthField} \"{header.TrimEnd()}\" payload {payload}");
    }

    /// <summary>A stream that cannot seek or report its length, like a pipe or a network stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
