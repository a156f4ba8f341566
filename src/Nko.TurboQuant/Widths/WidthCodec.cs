using Nko.TurboQuant.Kernels;

namespace Nko.TurboQuant.Widths;

/// <summary>The <see cref="QuantWidth"/> of one width type: forwards to its static members and to the kernels specialised for it.</summary>
/// <typeparam name="TWidth">The width.</typeparam>
internal sealed class WidthCodec<TWidth> : QuantWidth
    where TWidth : struct, IQuantWidth
{
    /// <inheritdoc/>
    public override int Bits => TWidth.Bits;

    /// <inheritdoc/>
    public override int Levels => TWidth.Levels;

    /// <inheritdoc/>
    public override LloydMaxCodebook? Codebook => TWidth.Codebook;

    /// <inheritdoc/>
    public override void Pack(ReadOnlySpan<byte> codes, Span<byte> packed) => TWidth.Pack(codes, packed);

    /// <inheritdoc/>
    public override void Unpack(ReadOnlySpan<byte> packed, Span<byte> codes) => TWidth.Unpack(packed, codes);

    /// <inheritdoc/>
    public override void Place(Span<byte> packed, int groupSize, int i, int code) => TWidth.Place(packed, groupSize, i, code);

    /// <inheritdoc/>
    public override int Fetch(ReadOnlySpan<byte> packed, int groupSize, int i) => TWidth.Fetch(packed, groupSize, i);

    /// <inheritdoc/>
    public override KernelPath Select(int groupSize, KernelPath maximum) => CodecKernels.Select<TWidth>(groupSize, maximum);

    /// <inheritdoc/>
    public override void Encode(KernelPath path, QuantOptions options, int rowLength, uint[]? signs, ReadOnlySpan<float> source, Span<byte> destination) =>
        CodecKernels.Encode<TWidth, float>(path, options, rowLength, signs, source, destination);

    /// <inheritdoc/>
    public override void Encode(KernelPath path, QuantOptions options, int rowLength, uint[]? signs, ReadOnlySpan<Half> source, Span<byte> destination) =>
        CodecKernels.Encode<TWidth, Half>(path, options, rowLength, signs, source, destination);

    /// <inheritdoc/>
    public override void Decode(KernelPath path, QuantOptions options, int rowLength, uint[]? signs, ReadOnlySpan<byte> source, Span<float> destination) =>
        CodecKernels.Decode<TWidth, float>(path, options, rowLength, signs, source, destination);

    /// <inheritdoc/>
    public override void Decode(KernelPath path, QuantOptions options, int rowLength, uint[]? signs, ReadOnlySpan<byte> source, Span<Half> destination) =>
        CodecKernels.Decode<TWidth, Half>(path, options, rowLength, signs, source, destination);
}
