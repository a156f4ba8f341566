using System.Collections.Immutable;
using System.Globalization;
using Nko.TurboQuant.Container;

namespace Nko.TurboQuant;

/// <summary>
/// A quantised tensor: its options, its shape and the encoded rows (the last axis is the row). Persist it with
/// <see cref="WriteTo"/> and <see cref="ReadFrom(Stream)"/> in the versioned, self-describing container documented in
/// the package README; reading validates every header field, both CRC-32C checksums and the payload's invariants.
/// </summary>
public sealed class QuantizedTensor
{
    private readonly byte[] _data;
    private readonly Quantizer _quantizer;

    internal QuantizedTensor(QuantOptions options, ImmutableArray<int> shape, int elementCount, byte[] data, Quantizer quantizer)
    {
        Options = options;
        Shape = shape;
        ElementCount = elementCount;
        _data = data;
        _quantizer = quantizer;
    }

    /// <summary>The codec and its parameters.</summary>
    public QuantOptions Options { get; }

    /// <summary>The shape, outermost first; the last dimension is the row length.</summary>
    public ImmutableArray<int> Shape { get; }

    /// <summary>Number of values.</summary>
    public int ElementCount { get; }

    /// <summary>The encoded rows (the container payload).</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>Stored bits per value, metadata included (not the fixed container header).</summary>
    public double BitsPerValue => _quantizer.BitsPerValue;

    /// <summary>Quantises float32 values of the given shape.</summary>
    /// <param name="values">The values, row-major (C order).</param>
    /// <param name="shape">Rank 1 to 8; the last dimension (the row) at least 1; the product equal to the number of values.</param>
    /// <param name="options">The codec.</param>
    /// <returns>The quantised tensor.</returns>
    /// <exception cref="ArgumentException">The shape is invalid or does not match, or a value is not finite (see <see cref="Quantizer.Quantize(ReadOnlySpan{float}, Span{byte})"/>).</exception>
    public static QuantizedTensor Quantize(ReadOnlySpan<float> values, ReadOnlySpan<int> shape, QuantOptions options)
    {
        (ImmutableArray<int> dims, Quantizer quantizer, byte[] data) = Prepare(values.Length, shape, options);
        quantizer.Quantize(values, data);
        return new QuantizedTensor(options, dims, values.Length, data, quantizer);
    }

    /// <summary>Quantises fp16 values of the given shape.</summary>
    /// <param name="values">The values, row-major (C order).</param>
    /// <param name="shape">Rank 1 to 8; the last dimension (the row) at least 1; the product equal to the number of values.</param>
    /// <param name="options">The codec.</param>
    /// <returns>The quantised tensor.</returns>
    /// <exception cref="ArgumentException">The shape is invalid or does not match, or a value is not finite.</exception>
    public static QuantizedTensor Quantize(ReadOnlySpan<Half> values, ReadOnlySpan<int> shape, QuantOptions options)
    {
        (ImmutableArray<int> dims, Quantizer quantizer, byte[] data) = Prepare(values.Length, shape, options);
        quantizer.Quantize(values, data);
        return new QuantizedTensor(options, dims, values.Length, data, quantizer);
    }

    /// <summary>Reads a container from a stream, leaving the stream just past it.</summary>
    /// <param name="stream">A readable stream.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="QuantFormatException">The container is truncated, inconsistent, corrupt or of an unsupported version.</exception>
    /// <exception cref="IOException">The stream failed.</exception>
    public static QuantizedTensor ReadFrom(Stream stream) => QuantContainer.Read(stream);

    /// <summary>Reads a container held in memory; the bytes must be exactly one container.</summary>
    /// <param name="container">The container bytes.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="QuantFormatException">The container is truncated, inconsistent, corrupt, of an unsupported version, or followed by extra bytes.</exception>
    public static QuantizedTensor ReadFrom(ReadOnlySpan<byte> container)
    {
        using var stream = new MemoryStream(container.ToArray(), writable: false);
        QuantizedTensor tensor = QuantContainer.Read(stream);
        if (stream.Position != stream.Length)
        {
            throw new QuantFormatException(string.Create(CultureInfo.InvariantCulture, $"{stream.Length - stream.Position} unexpected bytes follow the container at offset {stream.Position}."));
        }

        return tensor;
    }

    /// <summary>Writes the container (header, checksums, payload) to a stream.</summary>
    /// <param name="stream">A writable stream.</param>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        QuantContainer.Write(stream, Options, Shape.AsSpan(), _data);
    }

    /// <summary>The container as a byte array.</summary>
    /// <returns>The bytes <see cref="WriteTo"/> writes.</returns>
    public byte[] ToContainerBytes()
    {
        using var stream = new MemoryStream(QuantContainer.HeaderLength(Shape.Length) + _data.Length);
        WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>Dequantises into float32.</summary>
    /// <param name="destination">At least <see cref="ElementCount"/> values.</param>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public void Dequantize(Span<float> destination) => _quantizer.Dequantize(_data, Fit(destination));

    /// <summary>Dequantises into fp16 (round to nearest even, saturating at ±65504).</summary>
    /// <param name="destination">At least <see cref="ElementCount"/> values.</param>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public void Dequantize(Span<Half> destination) => _quantizer.Dequantize(_data, Fit(destination));

    /// <summary>Dequantises into a new float32 array.</summary>
    /// <returns>The values, row-major.</returns>
    public float[] ToSingleArray()
    {
        float[] result = new float[ElementCount];
        Dequantize(result);
        return result;
    }

    private Span<T> Fit<T>(Span<T> destination) => destination.Length >= ElementCount
        ? destination[..ElementCount]
        : throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"The destination holds {destination.Length} values; the tensor has {ElementCount}."),
            nameof(destination));

    private static (ImmutableArray<int> Shape, Quantizer Quantizer, byte[] Data) Prepare(int length, ReadOnlySpan<int> shape, QuantOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ImmutableArray<int> dims = TensorShape.Validate(shape, out int elements);
        if (elements != length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The shape [{string.Join(", ", dims)}] has {elements} elements but {length} values were given."),
                nameof(shape));
        }

        var quantizer = new Quantizer(options, dims[^1]);
        long bytes = quantizer.GetEncodedLength(elements / dims[^1]);
        if (bytes > Array.MaxLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The encoded tensor would need {bytes} bytes, more than the largest array."), nameof(shape));
        }

        return (dims, quantizer, new byte[bytes]);
    }
}
