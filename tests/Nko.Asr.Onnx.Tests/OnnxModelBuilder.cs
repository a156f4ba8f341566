using System.Text;

namespace Nko.Asr.Onnx.Tests;

/// <summary>
/// Writes tiny ONNX models (protobuf, by hand) so the back end's validation and element-type paths can be tested on
/// graphs with exactly the property under test: logits, float16, fixed axes, several inputs, wrong types.
/// </summary>
internal sealed class OnnxModelBuilder
{
    public const int Float = 1;
    public const int Int64 = 7;
    public const int Float16 = 10;

    private readonly List<byte[]> _nodes = [];
    private readonly List<byte[]> _inputs = [];
    private readonly List<byte[]> _outputs = [];
    private readonly List<byte[]> _initializers = [];

    /// <summary>Dims: an int is a fixed size, a string a symbolic (dynamic) one.</summary>
    public OnnxModelBuilder Input(string name, int elementType, params object[] dims)
    {
        _inputs.Add(ValueInfo(name, elementType, dims));
        return this;
    }

    public OnnxModelBuilder Output(string name, int elementType, params object[] dims)
    {
        _outputs.Add(ValueInfo(name, elementType, dims));
        return this;
    }

    public OnnxModelBuilder Int64Initializer(string name, params long[] values)
    {
        var w = new ProtoWriter();
        w.Varint(1, (ulong)values.Length); // dims
        w.Varint(2, Int64);
        w.Message(7, p =>
        {
            foreach (long v in values)
            {
                p.RawVarint((ulong)v);
            }
        });
        w.String(8, name);
        _initializers.Add(w.ToArray());
        return this;
    }

    public OnnxModelBuilder FloatInitializer(string name, params float[] values)
    {
        var w = new ProtoWriter();
        w.Varint(2, Float);
        byte[] raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        w.String(8, name);
        w.Bytes(9, raw);
        _initializers.Add(w.ToArray());
        return this;
    }

    /// <summary>Adds a node; attributes are (name, long) for INT or (name, long[]) for INTS.</summary>
    public OnnxModelBuilder Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var w = new ProtoWriter();
        foreach (string i in inputs)
        {
            w.String(1, i);
        }

        foreach (string o in outputs)
        {
            w.String(2, o);
        }

        w.String(3, $"{opType}_{_nodes.Count}");
        w.String(4, opType);
        foreach ((string name, object value) in attributes)
        {
            w.Message(5, a =>
            {
                a.String(1, name);
                switch (value)
                {
                    case long l:
                        a.Varint(3, (ulong)l);
                        a.Varint(20, 2);
                        break;
                    case int i:
                        a.Varint(3, (ulong)(long)i);
                        a.Varint(20, 2);
                        break;
                    case long[] ls:
                        foreach (long l in ls)
                        {
                            a.Varint(8, (ulong)l);
                        }

                        a.Varint(20, 7);
                        break;
                    default:
                        throw new ArgumentException($"Unsupported attribute value {value}.");
                }
            });
        }

        _nodes.Add(w.ToArray());
        return this;
    }

    public byte[] Build()
    {
        var model = new ProtoWriter();
        model.Varint(1, 8); // ir_version
        model.String(2, "nko-tests");
        model.Message(7, g =>
        {
            foreach (byte[] n in _nodes)
            {
                g.Bytes(1, n);
            }

            g.String(2, "test_graph");
            foreach (byte[] i in _initializers)
            {
                g.Bytes(5, i);
            }

            foreach (byte[] i in _inputs)
            {
                g.Bytes(11, i);
            }

            foreach (byte[] o in _outputs)
            {
                g.Bytes(12, o);
            }
        });
        model.Message(8, o =>
        {
            o.String(1, string.Empty);
            o.Varint(2, 14);
        });
        return model.ToArray();
    }

    private static byte[] ValueInfo(string name, int elementType, object[] dims)
    {
        var w = new ProtoWriter();
        w.String(1, name);
        w.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Varint(1, (ulong)elementType);
            tensor.Message(2, shape =>
            {
                foreach (object d in dims)
                {
                    shape.Message(1, dim =>
                    {
                        if (d is string symbol)
                        {
                            dim.String(2, symbol);
                        }
                        else
                        {
                            dim.Varint(1, (ulong)Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture));
                        }
                    });
                }
            });
        }));
        return w.ToArray();
    }

    private sealed class ProtoWriter
    {
        private readonly MemoryStream _stream = new();

        public void Varint(int field, ulong value)
        {
            RawVarint((ulong)(field << 3));
            RawVarint(value);
        }

        public void RawVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _stream.WriteByte((byte)value);
        }

        public void Bytes(int field, byte[] bytes)
        {
            RawVarint((ulong)((field << 3) | 2));
            RawVarint((ulong)bytes.Length);
            _stream.Write(bytes);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Message(int field, Action<ProtoWriter> write)
        {
            var inner = new ProtoWriter();
            write(inner);
            Bytes(field, inner.ToArray());
        }

        public byte[] ToArray() => _stream.ToArray();
    }
}

/// <summary>Ready-made synthetic models.</summary>
internal static class SyntheticModels
{
    /// <summary>y = x: a "logits" model [1, T, classes] → [1, T, classes].</summary>
    public static byte[] Identity(int classes = 66, int elementType = OnnxModelBuilder.Float, object? frames = null) =>
        new OnnxModelBuilder()
            .Input("x", elementType, 1, frames ?? "T", classes)
            .Output("y", elementType, 1, frames ?? "T", classes)
            .Node("Identity", ["x"], ["y"])
            .Build();

    /// <summary>y = log_softmax(cast(x)) with configurable element types and rank (2 or 3).</summary>
    public static byte[] LogSoftmax(int inputType, int outputType, int classes = 66, int rank = 3)
    {
        object[] dims = rank == 3 ? [1, "T", classes] : ["T", classes];
        var b = new OnnxModelBuilder().Input("x", inputType, dims).Output("y", outputType, dims);
        b.Node("Cast", ["x"], ["xf"], ("to", (long)OnnxModelBuilder.Float));
        b.Node("LogSoftmax", ["xf"], ["lf"], ("axis", (long)(rank - 1)));
        b.Node("Cast", ["lf"], ["y"], ("to", (long)outputType));
        return b.Build();
    }

    /// <summary>y = log_softmax(x[:, ::stride, :]): T = ceil(T_in / stride).</summary>
    public static byte[] StridedLogSoftmax(int stride, int classes = 66) =>
        new OnnxModelBuilder()
            .Input("x", OnnxModelBuilder.Float, 1, "T_in", classes)
            .Output("y", OnnxModelBuilder.Float, 1, "T", classes)
            .Int64Initializer("starts", 0)
            .Int64Initializer("ends", long.MaxValue)
            .Int64Initializer("axes", 1)
            .Int64Initializer("steps", stride)
            .Node("Slice", ["x", "starts", "ends", "axes", "steps"], ["s"])
            .Node("LogSoftmax", ["s"], ["y"], ("axis", 2L))
            .Build();

    /// <summary>y = log(x): NaN for negative inputs.</summary>
    public static byte[] Log(int classes = 66) =>
        new OnnxModelBuilder()
            .Input("x", OnnxModelBuilder.Float, 1, "T", classes)
            .Output("y", OnnxModelBuilder.Float, 1, "T", classes)
            .Node("Log", ["x"], ["y"])
            .Build();

    /// <summary>Two inputs a, b → y = log_softmax(a + b).</summary>
    public static byte[] TwoInputs(int classes = 66) =>
        new OnnxModelBuilder()
            .Input("a", OnnxModelBuilder.Float, 1, "T", classes)
            .Input("b", OnnxModelBuilder.Float, 1, "T", classes)
            .Output("y", OnnxModelBuilder.Float, 1, "T", classes)
            .Node("Add", ["a", "b"], ["s"])
            .Node("LogSoftmax", ["s"], ["y"], ("axis", 2L))
            .Build();

    /// <summary>One input, two outputs: y = log_softmax(x), z = x.</summary>
    public static byte[] TwoOutputs(int classes = 66) =>
        new OnnxModelBuilder()
            .Input("x", OnnxModelBuilder.Float, 1, "T", classes)
            .Output("y", OnnxModelBuilder.Float, 1, "T", classes)
            .Output("z", OnnxModelBuilder.Float, 1, "T", classes)
            .Node("LogSoftmax", ["x"], ["y"], ("axis", 2L))
            .Node("Identity", ["x"], ["z"])
            .Build();

    /// <summary>An int64 input.</summary>
    public static byte[] Int64Input(int classes = 66) =>
        new OnnxModelBuilder()
            .Input("x", OnnxModelBuilder.Int64, 1, "T", classes)
            .Output("y", OnnxModelBuilder.Float, 1, "T", classes)
            .Node("Cast", ["x"], ["y"], ("to", (long)OnnxModelBuilder.Float))
            .Build();

    /// <summary>A rank-4 input.</summary>
    public static byte[] Rank4(int classes = 66) =>
        new OnnxModelBuilder()
            .Input("x", OnnxModelBuilder.Float, 1, 1, "T", classes)
            .Output("y", OnnxModelBuilder.Float, 1, 1, "T", classes)
            .Node("Identity", ["x"], ["y"])
            .Build();

    /// <summary>A dynamic feature width.</summary>
    public static byte[] DynamicWidth() =>
        new OnnxModelBuilder()
            .Input("x", OnnxModelBuilder.Float, 1, "T", "D")
            .Output("y", OnnxModelBuilder.Float, 1, "T", "D")
            .Node("LogSoftmax", ["x"], ["y"], ("axis", 2L))
            .Build();

    /// <summary>A fixed batch of 2.</summary>
    public static byte[] Batch2(int classes = 66) =>
        new OnnxModelBuilder()
            .Input("x", OnnxModelBuilder.Float, 2, "T", classes)
            .Output("y", OnnxModelBuilder.Float, 2, "T", classes)
            .Node("LogSoftmax", ["x"], ["y"], ("axis", 2L))
            .Build();
}
