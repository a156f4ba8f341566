using System.Buffers;
using Nko.Asr;
using Nko.TurboQuant;

namespace Nko.Speech;

/// <summary>
/// The TurboQuant quantise → dequantise round trip as an <see cref="IFeatureTransform"/>: put it between an encoder and a
/// CTC head (<see cref="EncoderHeadChain"/>) to run the head on what a deployment that stores or ships quantised encoder
/// features would see. Thread-safe; the packed buffer is rented per call.
/// </summary>
public sealed class QuantizationTransform : IFeatureTransform
{
    private Quantizer? _quantizer; // immutable and thread-safe; cached for the last feature width seen

    /// <summary>Creates the transform.</summary>
    /// <param name="options">The quantisation (bits, group size, method).</param>
    public QuantizationTransform(QuantOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>The quantisation options.</summary>
    public QuantOptions Options { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The features are too large to quantise in one buffer, or their length is not <c>frames × dimension</c>.</exception>
    public void Transform(Span<float> features, int frames, int dimension, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (features.Length != (long)frames * dimension)
        {
            throw new ArgumentException($"The features hold {features.Length} values, not {frames} × {dimension}.", nameof(features));
        }

        cancellationToken.ThrowIfCancellationRequested();
        Quantizer quantizer = QuantizerFor(dimension);
        long encoded = quantizer.GetEncodedLength(frames);
        if (encoded > Array.MaxLength)
        {
            throw new ArgumentException("The features are too large to quantise in one buffer.", nameof(features));
        }

        byte[] packed = ArrayPool<byte>.Shared.Rent((int)encoded);
        try
        {
            Span<byte> packedSpan = packed.AsSpan(0, (int)encoded);
            quantizer.Quantize(features, packedSpan);
            cancellationToken.ThrowIfCancellationRequested();
            quantizer.Dequantize(packedSpan, features);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(packed);
        }
    }

    /// <summary>The quantiser for rows of <paramref name="dimension"/> values (cached for the last width seen).</summary>
    internal Quantizer QuantizerFor(int dimension)
    {
        Quantizer? quantizer = Volatile.Read(ref _quantizer);
        if (quantizer is null || quantizer.RowLength != dimension)
        {
            quantizer = new Quantizer(Options, dimension);
            Volatile.Write(ref _quantizer, quantizer);
        }

        return quantizer;
    }

    /// <inheritdoc />
    public override string ToString() => $"QuantizationTransform({Options})";
}
