using System.Runtime.InteropServices;
using Nko.Asr.CoreML.Interop;
using Nko.Ctc;

namespace Nko.Asr.CoreML.Tests;

/// <summary>
/// A managed stand-in for CoreML: a "model" that takes every <see cref="Stride"/>-th input frame and log-softmaxes its
/// first C features. It tracks retained objects and autorelease pools like the Objective-C runtime would, so tests can
/// prove the back end releases everything and pops every pool, and it injects NSErrors on demand.
/// </summary>
internal sealed unsafe class FakeCoreMLApi : ICoreMLApi
{
    private readonly Lock _gate = new();
    private readonly Dictionary<nint, object> _objects = [];
    private readonly HashSet<nint> _retained = [];
    private readonly Stack<List<nint>> _pools = new();
    private long _next = 0x1000;
    private int _predicting;

    public FakeCoreMLApi(int classes = 66, int featureDimension = 80)
    {
        Classes = classes;
        Description = new CoreMLModelDescription(
            [new CoreMLFeatureDescription("features", true, MultiArrayDataType.Float32, [1, -1, featureDimension])],
            [new CoreMLFeatureDescription("log_probs", true, MultiArrayDataType.Float32, [1, -1, classes])]);
    }

    public int Classes { get; set; }

    public CoreMLModelDescription Description { get; set; }

    public int Stride { get; set; } = 1;

    public bool EmitLogits { get; set; }

    public MultiArrayDataType OutputType { get; set; } = MultiArrayDataType.Float32;

    /// <summary>Extra elements after each output row (non-contiguous strides).</summary>
    public int RowPadding { get; set; }

    /// <summary>Store the output class-major ([C, T] in memory, strides (1, T)).</summary>
    public bool ClassMajorOutput { get; set; }

    /// <summary>Output shape rank (2 or 3; 4 puts another leading 1).</summary>
    public int OutputRank { get; set; } = 3;

    public (string Domain, long Code, string Description)? CompileError { get; set; }

    public (string Domain, long Code, string Description)? LoadError { get; set; }

    public (string Domain, long Code, string Description)? PredictError { get; set; }

    public List<string> Calls { get; } = [];

    public List<(nint Data, MultiArrayDataType Type, long[] Shape)> Inputs { get; } = [];

    public int MaxConcurrentPredictions { get; private set; }

    public int LiveObjects
    {
        get
        {
            lock (_gate)
            {
                return _retained.Count;
            }
        }
    }

    public int PoolDepth
    {
        get
        {
            lock (_gate)
            {
                return _pools.Count;
            }
        }
    }

    public CoreMLModelOptions? LoadedWith { get; private set; }

    public string? LastCompiledPath { get; private set; }

    public nint PushPool()
    {
        lock (_gate)
        {
            _pools.Push([]);
            return _pools.Count;
        }
    }

    public void PopPool(nint pool)
    {
        lock (_gate)
        {
            if (_pools.Count != pool)
            {
                throw new InvalidOperationException($"Pool {pool} popped out of order (depth {_pools.Count}).");
            }

            foreach (nint handle in _pools.Pop())
            {
                if (_objects.Remove(handle, out object? o) && o is Prediction p)
                {
                    p.Buffer.Free();
                }
            }
        }
    }

    public string Compile(string modelPath)
    {
        RequirePool();
        Calls.Add($"compile {Path.GetFileName(modelPath)}");
        if (CompileError is { } e)
        {
            throw new CoreMLException($"compiling '{modelPath}'", e.Domain, e.Code, e.Description);
        }

        string dir = Path.Combine(Path.GetTempPath(), $"nko-fake-{Guid.NewGuid():N}", Path.GetFileNameWithoutExtension(modelPath) + ".mlmodelc");
        Directory.CreateDirectory(dir);
        LastCompiledPath = dir;
        return dir;
    }

    public nint Load(string compiledModelPath, CoreMLModelOptions options)
    {
        RequirePool();
        Calls.Add($"load {Path.GetFileName(compiledModelPath)}");
        if (LoadError is { } e)
        {
            throw new CoreMLException($"loading '{compiledModelPath}'", e.Domain, e.Code, e.Description);
        }

        LoadedWith = options;
        return Retained("model");
    }

    public CoreMLModelDescription Describe(nint model)
    {
        RequirePool();
        RequireLive(model);
        return Description;
    }

    public nint CreateMultiArray(void* data, MultiArrayDataType type, long[] shape, long[] strides)
    {
        RequirePool();
        Assert.Equal(MultiArrayLayout.ContiguousStrides(shape), strides);
        lock (_gate)
        {
            Inputs.Add(((nint)data, type, shape));
        }

        return Retained(new InputArray((nint)data, type, shape));
    }

    public nint Predict(nint model, string inputName, nint array)
    {
        RequirePool();
        RequireLive(model);
        RequireLive(array);
        int now = Interlocked.Increment(ref _predicting);
        try
        {
            lock (_gate)
            {
                MaxConcurrentPredictions = Math.Max(MaxConcurrentPredictions, now);
            }

            Thread.Sleep(1); // widen the window in which overlapping calls would be seen
            Assert.Equal(Description.Inputs.Single(i => i.Name == inputName).Name, inputName);
            if (PredictError is { } e)
            {
                throw new CoreMLException("running a prediction", e.Domain, e.Code, e.Description);
            }

            InputArray input;
            lock (_gate)
            {
                input = (InputArray)_objects[array];
            }

            return Autoreleased(Compute(input));
        }
        finally
        {
            Interlocked.Decrement(ref _predicting);
        }
    }

    public MultiArrayView GetOutput(nint prediction, string outputName)
    {
        RequirePool();
        Prediction p;
        lock (_gate)
        {
            p = (Prediction)_objects[prediction];
        }

        if (outputName != p.Name)
        {
            throw new CoreMLException($"The prediction has no output named '{outputName}'.");
        }

        return new MultiArrayView(p.Buffer.AddrOfPinnedObject(), OutputType, p.Shape, p.Strides);
    }

    public void Release(nint handle)
    {
        lock (_gate)
        {
            if (!_retained.Remove(handle))
            {
                throw new InvalidOperationException($"Object 0x{handle:X} released but not retained (over-release).");
            }

            _objects.Remove(handle);
        }
    }

    /// <summary>The expected log-probs for float32 features <paramref name="x"/> [T, D].</summary>
    public float[] Expected(ReadOnlySpan<float> x, int frames, int dimension)
    {
        int outFrames = (frames + Stride - 1) / Stride;
        float[] result = new float[outFrames * Classes];
        for (int t = 0; t < outFrames; t++)
        {
            x.Slice(t * Stride * dimension, Classes).CopyTo(result.AsSpan(t * Classes));
        }

        if (!EmitLogits)
        {
            LogProbMatrix.LogSoftmax(result, result, Classes);
        }

        return result;
    }

    private Prediction Compute(InputArray input)
    {
        int frames = (int)input.Shape[^2];
        int dimension = (int)input.Shape[^1];
        float[] x = new float[frames * dimension];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = input.Type switch
            {
                MultiArrayDataType.Float32 => ((float*)input.Data)[i],
                MultiArrayDataType.Float16 => (float)((Half*)input.Data)[i],
                MultiArrayDataType.Float64 => (float)((double*)input.Data)[i],
                _ => throw new NotSupportedException(),
            };
        }

        float[] values = Expected(x, frames, dimension);
        int outFrames = values.Length / Classes;
        long rowStride = ClassMajorOutput ? 1 : Classes + RowPadding;
        long classStride = ClassMajorOutput ? outFrames + RowPadding : 1;
        long elements = ClassMajorOutput ? Classes * classStride : outFrames * rowStride;
        Array storage = OutputType switch
        {
            MultiArrayDataType.Float16 => new Half[elements],
            MultiArrayDataType.Float64 => new double[elements],
            _ => new float[elements],
        };
        for (int t = 0; t < outFrames; t++)
        {
            for (int c = 0; c < Classes; c++)
            {
                long at = (t * rowStride) + (c * classStride);
                float v = values[(t * Classes) + c];
                switch (storage)
                {
                    case Half[] h: h[at] = (Half)v; break;
                    case double[] d: d[at] = v; break;
                    case float[] f: f[at] = v; break;
                }
            }
        }

        long[] shape = OutputRank switch
        {
            2 => [outFrames, Classes],
            4 => [1, 1, outFrames, Classes],
            _ => [1, outFrames, Classes],
        };
        long[] strides = OutputRank switch
        {
            2 => [rowStride, classStride],
            4 => [elements, elements, rowStride, classStride],
            _ => [elements, rowStride, classStride],
        };
        return new Prediction(Description.Outputs[0].Name, GCHandle.Alloc(storage, GCHandleType.Pinned), shape, strides);
    }

    private nint Retained(object value)
    {
        lock (_gate)
        {
            nint handle = (nint)(++_next);
            _objects[handle] = value;
            _retained.Add(handle);
            return handle;
        }
    }

    private nint Autoreleased(object value)
    {
        lock (_gate)
        {
            nint handle = (nint)(++_next);
            _objects[handle] = value;
            _pools.Peek().Add(handle);
            return handle;
        }
    }

    private void RequirePool()
    {
        lock (_gate)
        {
            if (_pools.Count == 0)
            {
                throw new InvalidOperationException("CoreML called with no autorelease pool: autoreleased objects would leak.");
            }
        }
    }

    private void RequireLive(nint handle)
    {
        lock (_gate)
        {
            if (!_retained.Contains(handle))
            {
                throw new InvalidOperationException($"Object 0x{handle:X} used after release.");
            }
        }
    }

    private sealed record InputArray(nint Data, MultiArrayDataType Type, long[] Shape);

    private sealed record Prediction(string Name, GCHandle Buffer, long[] Shape, long[] Strides);
}
