using System.Collections.Immutable;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Nko.Data;

/// <summary>An n-dimensional array read from a <c>.npy</c> file, kept in its stored element type.</summary>
public sealed class NpyArray
{
    private readonly byte[] _bytes;

    internal NpyArray(NpyDataType dataType, ImmutableArray<int> shape, byte[] bytes)
    {
        DataType = dataType;
        Shape = shape;
        _bytes = bytes;
    }

    /// <summary>The stored element type.</summary>
    public NpyDataType DataType { get; }

    /// <summary>The shape, outermost first (C order).</summary>
    public ImmutableArray<int> Shape { get; }

    /// <summary>Total number of elements.</summary>
    public long Length => DataType == NpyDataType.Float16 ? _bytes.Length / 2 : _bytes.Length / 4;

    /// <summary>The elements as Half; only for <see cref="NpyDataType.Float16"/>.</summary>
    public ReadOnlySpan<Half> AsHalf() => DataType == NpyDataType.Float16
        ? MemoryMarshal.Cast<byte, Half>(_bytes)
        : throw new InvalidOperationException($"The array holds {DataType}, not Float16.");

    /// <summary>The elements as float32; only for <see cref="NpyDataType.Float32"/>.</summary>
    public ReadOnlySpan<float> AsSingle() => DataType == NpyDataType.Float32
        ? MemoryMarshal.Cast<byte, float>(_bytes)
        : throw new InvalidOperationException($"The array holds {DataType}, not Float32.");

    /// <summary>The elements converted to a new float32 array (one conversion for Half data, a copy for float32).</summary>
    public float[] ToSingleArray()
    {
        float[] result = new float[Length];
        if (DataType == NpyDataType.Float16)
        {
            TensorPrimitives.ConvertToSingle(AsHalf(), result);
        }
        else
        {
            AsSingle().CopyTo(result);
        }

        return result;
    }

    /// <summary>The elements converted to a new Half array.</summary>
    public Half[] ToHalfArray()
    {
        Half[] result = new Half[Length];
        if (DataType == NpyDataType.Float16)
        {
            AsHalf().CopyTo(result);
        }
        else
        {
            TensorPrimitives.ConvertToHalf(AsSingle(), result);
        }

        return result;
    }
}
