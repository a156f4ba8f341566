using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.TurboQuant.Kernels;

namespace Nko.TurboQuant.Tests;

public sealed class AffineProperties
{
    [Property(MaxTest = 400)]
    public Property Every_vector_path_produces_the_reference_bytes_and_values() => Prop.ForAll(Cases.Affine, c =>
    {
        float[] x = c.X;
        Half[] h = TestData.ToHalf(x);
        var reference = new Quantizer(c.Options, c.RowLength, KernelPath.Scalar);
        byte[] refFromFloat = new byte[reference.GetEncodedLength(c.Rows)];
        byte[] refFromHalf = new byte[refFromFloat.Length];
        reference.Quantize(x, refFromFloat);
        reference.Quantize(h, refFromHalf);
        float[] refFloat = new float[x.Length];
        Half[] refHalf = new Half[x.Length];
        reference.Dequantize(refFromFloat, refFloat);
        reference.Dequantize(refFromFloat, refHalf);

        foreach (KernelPath path in TestData.VectorPaths)
        {
            var q = new Quantizer(c.Options, c.RowLength, path);
            byte[] bytes = new byte[refFromFloat.Length];
            q.Quantize(x, bytes);
            Assert.True(refFromFloat.AsSpan().SequenceEqual(bytes), $"{q.Path} float input bytes differ: {c}");
            q.Quantize(h, bytes);
            Assert.True(refFromHalf.AsSpan().SequenceEqual(bytes), $"{q.Path} Half input bytes differ: {c}");

            float[] f = new float[x.Length];
            q.Dequantize(refFromFloat, f);
            Assert.True(Bits.Equal(refFloat, f), $"{q.Path} float output differs: {c}");
            Half[] o = new Half[x.Length];
            q.Dequantize(refFromFloat, o);
            Assert.True(Bits.Equal(refHalf, o), $"{q.Path} Half output differs: {c}");
        }

        return true;
    });

    [Property(MaxTest = 400)]
    public Property Every_value_is_within_the_documented_error_bound() => Prop.ForAll(Cases.Affine, c =>
    {
        float[] x = c.X;
        var q = new Quantizer(c.Options, c.RowLength);
        byte[] bytes = new byte[q.GetEncodedLength(c.Rows)];
        q.Quantize(x, bytes);
        float[] y = new float[x.Length];
        q.Dequantize(bytes, y);
        Half[] yh = new Half[x.Length];
        q.Dequantize(bytes, yh);
        int g = c.Options.GroupSize;
        int blocksPerRow = (c.RowLength + g - 1) / g;
        int blockBytes = q.EncodedRowLength / blocksPerRow;
        double levels = (1 << c.Options.Bits) - 1;
        for (int i = 0; i < x.Length; i++)
        {
            int row = i / c.RowLength;
            int group = (i % c.RowLength) / g;
            int offset = (row * q.EncodedRowLength) + (group * blockBytes);
            double s = (double)BitConverter.UInt16BitsToHalf(BitConverter.ToUInt16(bytes, offset));
            double bound = ErrorBound.Affine(s, levels, y[i]);
            double error = Math.Abs((double)x[i] - y[i]);
            Assert.True(error <= bound, $"value {i}: x={x[i]:R} x̂={y[i]:R} |e|={error:R} > bound {bound:R} (scale {s:R}) in {c}");
            double halfBound = bound + ErrorBound.HalfRounding(y[i]);
            double halfError = Math.Abs((double)x[i] - (double)(float)yh[i]);
            Assert.True(halfError <= halfBound, $"value {i} (Half output): |e|={halfError:R} > {halfBound:R} in {c}");
        }

        return true;
    });

    [Property(MaxTest = 300)]
    public Property Parameters_keep_codes_in_range_and_the_minimum_at_or_below_the_data() => Prop.ForAll(Cases.Affine, c =>
    {
        float[] x = c.X;
        var q = new Quantizer(c.Options, c.RowLength);
        byte[] bytes = new byte[q.GetEncodedLength(c.Rows)];
        q.Quantize(x, bytes);
        int g = c.Options.GroupSize;
        int blocksPerRow = (c.RowLength + g - 1) / g;
        int blockBytes = q.EncodedRowLength / blocksPerRow;
        int levels = (1 << c.Options.Bits) - 1;
        for (int r = 0; r < c.Rows; r++)
        {
            for (int b = 0; b < blocksPerRow; b++)
            {
                int offset = (r * q.EncodedRowLength) + (b * blockBytes);
                float s = (float)BitConverter.UInt16BitsToHalf(BitConverter.ToUInt16(bytes, offset));
                float m = (float)BitConverter.UInt16BitsToHalf(BitConverter.ToUInt16(bytes, offset + 2));
                int n = Math.Min(g, c.RowLength - (b * g));
                ReadOnlySpan<float> group = x.AsSpan((r * c.RowLength) + (b * g), n);
                float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
                foreach (float v in group)
                {
                    lo = Math.Min(lo, v);
                    hi = Math.Max(hi, v);
                }

                Assert.True(m <= lo, $"min {m} above data min {lo} in {c}");
                Assert.True(s >= 0 && !float.IsNegative(s), $"negative scale in {c}");
                Assert.True((double)m + ((double)levels * s) >= hi - (2.5e-7 * (Math.Abs(hi) + Math.Abs(m))) - 1e-30, $"range not covered: m={m} s={s} hi={hi} in {c}");
                Assert.Equal(lo == hi && (float)(Half)lo == lo, s == 0);
                for (int i = 0; i < g; i++)
                {
                    int code = c.Options.Width.Fetch(bytes.AsSpan(offset + 4, blockBytes - 4), g, i);
                    Assert.InRange(code, 0, i < n ? levels : 0);
                }
            }
        }

        return true;
    });
}
