using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Asr.CoreML.Interop;

namespace Nko.Asr.CoreML.Tests;

public sealed class MultiArrayLayoutTests
{
    [Fact]
    public void Data_type_values_are_CoreMLs()
    {
        Assert.Equal(0x10010, (long)MultiArrayDataType.Float16);
        Assert.Equal(0x10020, (long)MultiArrayDataType.Float32);
        Assert.Equal(0x10040, (long)MultiArrayDataType.Float64);
        Assert.Equal(0x20020, (long)MultiArrayDataType.Int32);
        Assert.Equal(2, MultiArrayDataTypes.ElementSize(MultiArrayDataType.Float16));
        Assert.Equal(8, MultiArrayDataTypes.ElementSize(MultiArrayDataType.Float64));
        Assert.Throws<NotSupportedException>(() => MultiArrayDataTypes.ElementSize(MultiArrayDataType.Unknown));
    }

    [Fact]
    public void Contiguous_strides_are_row_major()
    {
        Assert.Equal([1500L * 1280, 1280, 1], MultiArrayLayout.ContiguousStrides([1, 1500, 1280]));
        Assert.Equal([66L, 1], MultiArrayLayout.ContiguousStrides([375, 66]));
        Assert.Empty(MultiArrayLayout.ContiguousStrides([]));
    }

    [Theory]
    [InlineData(new long[] { 1, 375, 66 }, 375, 66)]
    [InlineData(new long[] { 375, 66 }, 375, 66)]
    [InlineData(new long[] { 1, 1, 5, 3 }, 5, 3)]
    public void Frames_and_classes_come_from_the_last_two_dimensions(long[] shape, int frames, int classes)
    {
        Assert.Equal((frames, classes), MultiArrayLayout.FramesAndClasses(shape));
    }

    [Theory]
    [InlineData(new long[] { 66 })]
    [InlineData(new long[] { 2, 375, 66 })]
    [InlineData(new long[] { 1, 0, 66 })]
    public void Other_shapes_are_format_errors(long[] shape)
    {
        Assert.Throws<FormatException>(() => MultiArrayLayout.FramesAndClasses(shape));
    }

    [Property(MaxTest = 300)]
    public bool Strided_copies_equal_the_reference(PositiveInt framesSeed, PositiveInt classesSeed, NonNegativeInt paddingSeed, bool classMajor, PositiveInt typeSeed, int seed)
    {
        int frames = 1 + (framesSeed.Get % 40);
        int classes = 1 + (classesSeed.Get % 70);
        int padding = paddingSeed.Get % 5;
        MultiArrayDataType type = (typeSeed.Get % 4) switch
        {
            0 => MultiArrayDataType.Float16,
            1 => MultiArrayDataType.Float32,
            2 => MultiArrayDataType.Float64,
            _ => MultiArrayDataType.Int32,
        };
        long rowStride = classMajor ? 1 : classes + padding;
        long classStride = classMajor ? frames + padding : 1;
        long elements = classMajor ? classes * classStride : frames * rowStride;
        var rng = new Random(seed);
        float[] expected = new float[frames * classes];
        byte[] storage = new byte[elements * MultiArrayDataTypes.ElementSize(type)];
        unsafe
        {
            fixed (byte* p = storage)
            {
                for (int t = 0; t < frames; t++)
                {
                    for (int c = 0; c < classes; c++)
                    {
                        long at = (t * rowStride) + (c * classStride);
                        float v = (float)Math.Round((rng.NextDouble() * 200) - 100, 2);
                        switch (type)
                        {
                            case MultiArrayDataType.Float16: ((Half*)p)[at] = (Half)v; v = (float)(Half)v; break;
                            case MultiArrayDataType.Float32: ((float*)p)[at] = v; break;
                            case MultiArrayDataType.Float64: ((double*)p)[at] = v; break;
                            default: ((int*)p)[at] = (int)v; v = (int)v; break;
                        }

                        expected[(t * classes) + c] = v;
                    }
                }

                float[] actual = new float[frames * classes];
                MultiArrayLayout.CopyToSingle(p, type, [1, frames, classes], [elements, rowStride, classStride], actual);
                return actual.AsSpan().SequenceEqual(expected);
            }
        }
    }

    [Fact]
    public unsafe void Mismatched_ranks_and_destinations_are_rejected()
    {
        float* data = stackalloc float[6];
        Assert.Throws<ArgumentException>(() => MultiArrayLayout.CopyToSingle(data, MultiArrayDataType.Float32, [2, 3], [3], new float[6]));
        Assert.Throws<ArgumentException>(() => MultiArrayLayout.CopyToSingle(data, MultiArrayDataType.Float32, [2, 3], [3, 1], new float[5]));
    }
}
