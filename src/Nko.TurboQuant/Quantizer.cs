using System.Globalization;
using System.Runtime.InteropServices;
using Nko.TurboQuant.Kernels;
using Nko.TurboQuant.Widths;

namespace Nko.TurboQuant;

/// <summary>
/// Quantises and dequantises rows of a fixed length with one <see cref="QuantOptions"/>: spans in, spans out, no
/// allocation per call. Groups (affine) and rotation blocks (turbo) run along the row; a row whose length is not a
/// multiple of the group size ends with a partial group, stored padded to a full block. Thread-safe: an instance holds
/// only immutable state.
/// </summary>
/// <remarks>
/// The fastest vector path the machine supports (Vector512, Vector256 or Vector128) runs; it produces exactly the bytes
/// and values of the scalar reference implementation. Encoded rows are laid out one after another, each as a sequence
/// of blocks (see the package README for the byte layout).
/// </remarks>
public sealed class Quantizer
{
    private readonly uint[]? _signs;
    private readonly KernelPath _path;
    private readonly QuantWidth _width;

    /// <summary>Creates a quantiser for rows of <paramref name="rowLength"/> values.</summary>
    /// <param name="options">The codec and its parameters.</param>
    /// <param name="rowLength">Values per row (the last axis of the tensor), at least 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rowLength"/> is below 1.</exception>
    public Quantizer(QuantOptions options, int rowLength)
        : this(options, rowLength, KernelPath.Vector512)
    {
    }

    internal Quantizer(QuantOptions options, int rowLength, KernelPath maximumPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowLength, 1);
        Options = options;
        RowLength = rowLength;
        long rowBytes = EncodedRowBytes(options, rowLength);
        if (rowBytes > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(rowLength), rowLength, "An encoded row would exceed the largest array.");
        }

        EncodedRowLength = (int)rowBytes;
        if (options.Codec == QuantCodec.Turbo)
        {
            _signs = RandomSigns.Create(options.Seed, options.GroupSize);
        }

        // The width is chosen once: every call then runs the kernels specialised for it.
        _width = options.Width;
        _path = _width.Select(options.GroupSize, maximumPath);
    }

    /// <summary>The codec and its parameters.</summary>
    public QuantOptions Options { get; }

    /// <summary>Values per row.</summary>
    public int RowLength { get; }

    /// <summary>Bytes per encoded row, metadata included.</summary>
    public int EncodedRowLength { get; }

    /// <summary>Bits per value, metadata (scales, minima, norms) and partial-group padding included.</summary>
    public double BitsPerValue => EncodedRowLength * 8.0 / RowLength;

    /// <summary>The implementation that runs (for tests and benchmarks).</summary>
    internal KernelPath Path => _path;

    /// <summary>Bytes of one encoded row of <paramref name="rowLength"/> values (≥ 1), in long: near int.MaxValue values the block count and byte count do not fit in int.</summary>
    internal static long EncodedRowBytes(QuantOptions options, int rowLength)
    {
        long blocks = ((long)rowLength + options.GroupSize - 1) / options.GroupSize;
        int blockBytes = options.Codec == QuantCodec.Affine
            ? AffineLayout.BlockBytes(options.Bits, options.GroupSize)
            : TurboLayout.BlockBytes(options.Bits, options.GroupSize);
        return blocks * blockBytes;
    }

    /// <summary>Bytes needed to encode <paramref name="rows"/> rows.</summary>
    /// <param name="rows">Number of rows, at least 0.</param>
    /// <returns>rows × <see cref="EncodedRowLength"/>.</returns>
    public long GetEncodedLength(long rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        return checked(rows * EncodedRowLength);
    }

    /// <summary>Quantises whole rows of float32 values.</summary>
    /// <param name="source">rows × <see cref="RowLength"/> values, finite (and |x| ≤ 65504 for the affine codec).</param>
    /// <param name="destination">At least rows × <see cref="EncodedRowLength"/> bytes; the rest is left untouched.</param>
    /// <exception cref="ArgumentException">
    /// The source length is not a multiple of the row length, the destination is too short or overlaps the source, or
    /// a value is NaN or infinite (the message names its index). On error the destination's content is unspecified.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">An affine input value exceeds ±65504, or a turbo block's norm exceeds float32's range.</exception>
    public void Quantize(ReadOnlySpan<float> source, Span<byte> destination) =>
        _width.Encode(_path, Options, RowLength, _signs, source, CheckEncode(source, destination));

    /// <summary>Quantises whole rows of fp16 values.</summary>
    /// <param name="source">rows × <see cref="RowLength"/> values, finite.</param>
    /// <param name="destination">At least rows × <see cref="EncodedRowLength"/> bytes; the rest is left untouched.</param>
    /// <exception cref="ArgumentException">
    /// The source length is not a multiple of the row length, the destination is too short or overlaps the source, or
    /// a value is NaN or infinite (the message names its index). On error the destination's content is unspecified.
    /// </exception>
    public void Quantize(ReadOnlySpan<Half> source, Span<byte> destination) =>
        _width.Encode(_path, Options, RowLength, _signs, source, CheckEncode(source, destination));

    /// <summary>Dequantises whole encoded rows to float32.</summary>
    /// <param name="source">rows × <see cref="EncodedRowLength"/> bytes as written by <c>Quantize</c>.</param>
    /// <param name="destination">At least rows × <see cref="RowLength"/> values; the rest is left untouched.</param>
    /// <exception cref="ArgumentException">
    /// The source length is not a multiple of the encoded row length, or the destination is too short or overlaps the source.
    /// </exception>
    /// <remarks>Bytes are not validated here (any bytes decode to some values); containers are validated when read.</remarks>
    public void Dequantize(ReadOnlySpan<byte> source, Span<float> destination) =>
        _width.Decode(_path, Options, RowLength, _signs, source, CheckDecode(source, destination));

    /// <summary>Dequantises whole encoded rows to fp16 (round to nearest even, saturating at ±65504).</summary>
    /// <param name="source">rows × <see cref="EncodedRowLength"/> bytes as written by <c>Quantize</c>.</param>
    /// <param name="destination">At least rows × <see cref="RowLength"/> values; the rest is left untouched.</param>
    /// <exception cref="ArgumentException">
    /// The source length is not a multiple of the encoded row length, or the destination is too short or overlaps the source.
    /// </exception>
    public void Dequantize(ReadOnlySpan<byte> source, Span<Half> destination) =>
        _width.Decode(_path, Options, RowLength, _signs, source, CheckDecode(source, destination));

    /// <summary>Checks the arguments of a quantise call; returns the part of the destination that is written.</summary>
    private Span<byte> CheckEncode<TIn>(ReadOnlySpan<TIn> source, Span<byte> destination)
        where TIn : struct
    {
        if (source.Length % RowLength != 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The source holds {source.Length} values, not a whole number of rows of {RowLength}."),
                nameof(source));
        }

        long rows = source.Length / RowLength;
        long needed = rows * EncodedRowLength;
        if (destination.Length < needed)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The destination holds {destination.Length} bytes; {rows} × {EncodedRowLength} = {needed} are needed."),
                nameof(destination));
        }

        if (MemoryMarshal.AsBytes(source).Overlaps(destination))
        {
            throw new ArgumentException("The destination overlaps the source.", nameof(destination));
        }

        return destination[..(int)needed];
    }

    /// <summary>Checks the arguments of a dequantise call; returns the part of the destination that is written.</summary>
    private Span<TOut> CheckDecode<TOut>(ReadOnlySpan<byte> source, Span<TOut> destination)
        where TOut : struct
    {
        if (source.Length % EncodedRowLength != 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The source holds {source.Length} bytes, not a whole number of encoded rows of {EncodedRowLength}."),
                nameof(source));
        }

        long rows = source.Length / EncodedRowLength;
        long needed = rows * RowLength;
        if (destination.Length < needed)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The destination holds {destination.Length} values; {rows} × {RowLength} = {needed} are needed."),
                nameof(destination));
        }

        if (source.Overlaps(MemoryMarshal.AsBytes(destination)))
        {
            throw new ArgumentException("The destination overlaps the source.", nameof(destination));
        }

        return destination[..(int)needed];
    }
}
