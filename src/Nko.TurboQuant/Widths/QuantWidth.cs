using Nko.TurboQuant.Kernels;

namespace Nko.TurboQuant.Widths;

/// <summary>
/// A width chosen at run time (from <see cref="QuantOptions.Bits"/>): the non-generic handle over an
/// <see cref="IQuantWidth"/> type, so that a <see cref="Quantizer"/> picks its width once and every call then runs code
/// specialised for it. Instances come from <see cref="QuantWidths"/>.
/// </summary>
internal abstract class QuantWidth
{
    /// <summary>Bits per code.</summary>
    public abstract int Bits { get; }

    /// <summary>2^<see cref="Bits"/>.</summary>
    public abstract int Levels { get; }

    /// <summary>The turbo codebook, or null when the turbo codec does not offer this width.</summary>
    public abstract LloydMaxCodebook? Codebook { get; }

    /// <summary>True when the codec offers this width (affine: every width; turbo: widths with a codebook).</summary>
    public bool Supports(QuantCodec codec) => codec == QuantCodec.Affine || (codec == QuantCodec.Turbo && Codebook is not null);

    /// <summary><see cref="IQuantWidth.Pack"/>.</summary>
    public abstract void Pack(ReadOnlySpan<byte> codes, Span<byte> packed);

    /// <summary><see cref="IQuantWidth.Unpack"/>.</summary>
    public abstract void Unpack(ReadOnlySpan<byte> packed, Span<byte> codes);

    /// <summary><see cref="IQuantWidth.Place"/>.</summary>
    public abstract void Place(Span<byte> packed, int groupSize, int i, int code);

    /// <summary><see cref="IQuantWidth.Fetch"/>.</summary>
    public abstract int Fetch(ReadOnlySpan<byte> packed, int groupSize, int i);

    /// <summary>The widest path at or below <paramref name="maximum"/> that runs here for this width and group size.</summary>
    public abstract KernelPath Select(int groupSize, KernelPath maximum);

    /// <summary>Encodes whole rows of float32 values with <paramref name="path"/>.</summary>
    public abstract void Encode(KernelPath path, QuantOptions options, int rowLength, uint[]? signs, ReadOnlySpan<float> source, Span<byte> destination);

    /// <summary>Encodes whole rows of fp16 values with <paramref name="path"/>.</summary>
    public abstract void Encode(KernelPath path, QuantOptions options, int rowLength, uint[]? signs, ReadOnlySpan<Half> source, Span<byte> destination);

    /// <summary>Decodes whole rows to float32 with <paramref name="path"/>.</summary>
    public abstract void Decode(KernelPath path, QuantOptions options, int rowLength, uint[]? signs, ReadOnlySpan<byte> source, Span<float> destination);

    /// <summary>Decodes whole rows to fp16 with <paramref name="path"/>.</summary>
    public abstract void Decode(KernelPath path, QuantOptions options, int rowLength, uint[]? signs, ReadOnlySpan<byte> source, Span<Half> destination);
}
