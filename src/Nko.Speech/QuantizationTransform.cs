using System.Buffers;
using System.Runtime.InteropServices;
using Nko.Asr;
using Nko.Ctc;
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
    public void Transform(Span<float> features, int frames, int dimension, CancellationToken cancellationToken) =>
        RoundTrip<float>(features, features, frames, dimension, cancellationToken);

    /// <summary>
    /// Runs <paramref name="model"/> on the round trip of <paramref name="features"/>, dequantised straight to the features'
    /// own element type (float16 features are quantised from and dequantised to float16, with no float32 copy), so the
    /// model gets the element type it gets without quantisation.
    /// </summary>
    /// <exception cref="ArgumentException">The features are log-mel (quantisation applies to encoder features), or too large to quantise in one buffer.</exception>
    internal LogProbMatrix Run(IAcousticModel model, AcousticFeatures features, CancellationToken cancellationToken)
    {
        if (features.Kind != AcousticInputKind.Features)
        {
            throw new ArgumentException(
                "Quantization applies to encoder features, but the model is given a log-mel spectrogram; chain an encoder and a head (EncoderHeadChain) to quantise between them.",
                nameof(features));
        }

        long count = (long)features.Frames * features.Dimension;
        if (count > Array.MaxLength)
        {
            throw new ArgumentException("The features are too large to quantise in one buffer.", nameof(features));
        }

        return features.IsHalf
            ? Run(model, features.Half.Span, (int)count, features, static (m, f) => AcousticFeatures.FromHalf(m, f.Frames, f.Dimension), cancellationToken)
            : Run(model, features.Single.Span, (int)count, features, static (m, f) => AcousticFeatures.FromSingle(m, f.Frames, f.Dimension), cancellationToken);
    }

    private LogProbMatrix Run<T>(IAcousticModel model, ReadOnlySpan<T> source, int count, AcousticFeatures features, Func<ReadOnlyMemory<T>, AcousticFeatures, AcousticFeatures> wrap, CancellationToken cancellationToken)
        where T : struct
    {
        T[] restored = ArrayPool<T>.Shared.Rent(count);
        try
        {
            RoundTrip(source, restored.AsSpan(0, count), features.Frames, features.Dimension, cancellationToken);
            return model.Run(wrap(restored.AsMemory(0, count), features), cancellationToken);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(restored);
        }
    }

    // Quantise source, dequantise into destination (which may be source itself): float32 or float16 throughout.
    private void RoundTrip<T>(ReadOnlySpan<T> source, Span<T> destination, int frames, int dimension, CancellationToken cancellationToken)
        where T : struct
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (source.Length != (long)frames * dimension)
        {
            throw new ArgumentException($"The features hold {source.Length} values, not {frames} × {dimension}.", "features");
        }

        cancellationToken.ThrowIfCancellationRequested();
        Quantizer quantizer = QuantizerFor(dimension);
        long encoded = quantizer.GetEncodedLength(frames);
        if (encoded > Array.MaxLength)
        {
            throw new ArgumentException("The features are too large to quantise in one buffer.", "features");
        }

        byte[] packed = ArrayPool<byte>.Shared.Rent((int)encoded);
        try
        {
            Span<byte> packedSpan = packed.AsSpan(0, (int)encoded);
            if (typeof(T) == typeof(Half))
            {
                quantizer.Quantize(MemoryMarshal.Cast<T, Half>(source), packedSpan);
                cancellationToken.ThrowIfCancellationRequested();
                quantizer.Dequantize(packedSpan, MemoryMarshal.Cast<T, Half>(destination));
            }
            else
            {
                quantizer.Quantize(MemoryMarshal.Cast<T, float>(source), packedSpan);
                cancellationToken.ThrowIfCancellationRequested();
                quantizer.Dequantize(packedSpan, MemoryMarshal.Cast<T, float>(destination));
            }
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
