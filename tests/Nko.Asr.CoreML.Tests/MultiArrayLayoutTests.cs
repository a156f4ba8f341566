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

    /// <summary>A strided [1, frames, classes] array: its layout, element type and values (frame-major, before storage rounding).</summary>
    internal sealed record StridedCase(int Frames, int Classes, int Padding, bool ClassMajor, MultiArrayDataType Type, float[] Values)
    {
        public override string ToString() =>
            $"{Frames}×{Classes} {Type}, padding {Padding}, class-major {ClassMajor}, values [{string.Join(", ", Values)}]";
    }

    // Values in [-100, 100] with two decimals; shrinks to fewer frames and classes, no padding, and zeros.
    private static readonly Arbitrary<StridedCase> StridedCases = Arb.From(
        from frames in Gen.Choose(1, 40)
        from classes in Gen.Choose(1, 70)
        from padding in Gen.Choose(0, 4)
        from classMajor in Gen.Elements(true, false)
        from type in Gen.Elements(MultiArrayDataType.Float16, MultiArrayDataType.Float32, MultiArrayDataType.Float64, MultiArrayDataType.Int32)
        from values in Gen.ArrayOf(Gen.Choose(-10_000, 10_000).Select(v => v / 100f), frames * classes)
        select new StridedCase(frames, classes, padding, classMajor, type, values),
        ShrinkStrided);

    private static IEnumerable<StridedCase> ShrinkStrided(StridedCase c)
    {
        if (c.Frames > 1)
        {
            yield return c with { Frames = c.Frames - 1, Values = c.Values[..((c.Frames - 1) * c.Classes)] };
        }

        if (c.Classes > 1)
        {
            yield return c with { Classes = c.Classes - 1, Values = [.. c.Values.Where((_, i) => i % c.Classes != c.Classes - 1)] };
        }

        if (c.Padding > 0)
        {
            yield return c with { Padding = 0 };
        }

        if (c.Values.Any(v => v != 0))
        {
            yield return c with { Values = new float[c.Values.Length] };
        }
    }

    [Property(MaxTest = 300)]
    public Property Strided_copies_equal_the_reference() => Prop.ForAll(StridedCases, c =>
    {
        int frames = c.Frames, classes = c.Classes;
        long rowStride = c.ClassMajor ? 1 : classes + c.Padding;
        long classStride = c.ClassMajor ? frames + c.Padding : 1;
        long elements = c.ClassMajor ? classes * classStride : frames * rowStride;
        float[] expected = new float[frames * classes];
        byte[] storage = new byte[elements * MultiArrayDataTypes.ElementSize(c.Type)];
        float[] actual = new float[frames * classes];
        unsafe
        {
            fixed (byte* p = storage)
            {
                for (int t = 0; t < frames; t++)
                {
                    for (int k = 0; k < classes; k++)
                    {
                        long at = (t * rowStride) + (k * classStride);
                        float v = c.Values[(t * classes) + k];
                        switch (c.Type)
                        {
                            case MultiArrayDataType.Float16: ((Half*)p)[at] = (Half)v; v = (float)(Half)v; break;
                            case MultiArrayDataType.Float32: ((float*)p)[at] = v; break;
                            case MultiArrayDataType.Float64: ((double*)p)[at] = v; break;
                            default: ((int*)p)[at] = (int)v; v = (int)v; break;
                        }

                        expected[(t * classes) + k] = v;
                    }
                }

                MultiArrayLayout.CopyToSingle(p, c.Type, [1, frames, classes], [elements, rowStride, classStride], actual);
            }
        }

        return actual.AsSpan().SequenceEqual(expected);
    });

    [Fact]
    public unsafe void Mismatched_ranks_and_destinations_are_rejected()
    {
        float* data = stackalloc float[6];
        Assert.Throws<ArgumentException>(() => MultiArrayLayout.CopyToSingle(data, MultiArrayDataType.Float32, [2, 3], [3], new float[6]));
        Assert.Throws<ArgumentException>(() => MultiArrayLayout.CopyToSingle(data, MultiArrayDataType.Float32, [2, 3], [3, 1], new float[5]));
    }
}
