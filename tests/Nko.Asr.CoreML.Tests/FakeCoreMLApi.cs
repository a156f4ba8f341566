using System.Runtime.InteropServices;
using Nko.Asr.CoreML.Interop;
using Nko.Ctc;

namespace Nko.Asr.CoreML.Tests;

/// <summary>
/// A managed stand-in for CoreML: a "model" that takes every <see cref="Stride"/>-th input frame and log-softmaxes its
/// first C features. It tracks retained objects and autorelease pools like the Objective-C runtime would, so tests can
/// prove the back end releases everything and pops every pool, and it injects NSErrors on demand.
/// </summary>
/// <remarks>
/// Where it can, it runs the production code the real API runs: <see cref="Describe"/> encodes <see cref="Description"/>
/// the way CoreML reports it (default shape + <c>NSRange</c> per dimension, or enumerated shapes) and parses it with
/// <see cref="DimensionRange.Resolve"/>; <see cref="ReadOutput"/> lends the output bytes with their size to
/// <see cref="OutputRequest.Accept"/>, as the <c>getBytesWithHandler:</c> block does; releasing an input array calls
/// <see cref="InputLease.Deallocated"/>, as its deallocator block does; <see cref="IsAvailable"/> applies
/// <see cref="OSRequirement.IsMetBy"/> to a configurable OS.
/// </remarks>
internal sealed unsafe class FakeCoreMLApi : ICoreMLApi
{
    private readonly Lock _gate = new();
    private readonly Dictionary<nint, object> _objects = [];
    private readonly HashSet<nint> _retained = [];
    private readonly Stack<List<nint>> _pools = new();
    private readonly List<InputArray> _held = [];
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

    /// <summary>How <see cref="Describe"/> encodes flexible dimensions (CoreML's constraint type).</summary>
    public ShapeConstraintKind ConstraintKind { get; set; } = ShapeConstraintKind.Range;

    /// <summary>Raw <c>sizeRangeForDimension</c> per feature name, overriding the encoding of <see cref="Description"/>.</summary>
    public Dictionary<string, NSRange[]> RawRanges { get; } = [];

    /// <summary>The OS the fake claims to be (for <see cref="IsAvailable"/>).</summary>
    public ApplePlatform Platform { get; set; } = ApplePlatform.MacOS;

    public Version OSVersion { get; set; } = new(15, 0);

    /// <summary>Added to the true byte size of the lent output (negative: a buffer smaller than shape and strides need).</summary>
    public long ByteCountAdjustment { get; set; }

    /// <summary>Keep input arrays alive after the back end releases them (as CoreML might), until <see cref="ReleaseHeldInputs"/>.</summary>
    public bool HoldInputs { get; set; }

    /// <summary>For each input array deallocated: whether its deallocator found the lease.</summary>
    public List<bool> Deallocations { get; } = [];

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
        return new CoreMLModelDescription(Description.Inputs.Select(Encode).ToList(), Description.Outputs.Select(Encode).ToList());
    }

    public bool IsAvailable(OSRequirement requirement) => requirement.IsMetBy(Platform, OSVersion);

    /// <summary>Deallocates the input arrays held by <see cref="HoldInputs"/> (CoreML letting go late).</summary>
    public void ReleaseHeldInputs()
    {
        List<InputArray> held;
        lock (_gate)
        {
            held = [.. _held];
            _held.Clear();
        }

        foreach (InputArray a in held)
        {
            Deallocate(a);
        }
    }

    // CoreML's encoding of a shape: a default shape (flexible dimensions at their lower bound, 1) plus, per dimension,
    // the NSRange {N, 1} when fixed at N and {1, 3000} when flexible; or enumerated shapes; then the production parser.
    private CoreMLFeatureDescription Encode(CoreMLFeatureDescription f)
    {
        if (!f.IsMultiArray)
        {
            return f;
        }

        long[] defaultShape = f.Shape.Select(d => d < 0 ? 1L : d).ToArray();
        NSRange[] ranges = RawRanges.TryGetValue(f.Name, out NSRange[]? raw)
            ? raw
            : f.Shape.Select(d => d < 0 ? new NSRange(1, 3000) : new NSRange((nuint)d, 1)).ToArray();
        List<long[]> enumerated = [defaultShape, f.Shape.Select(d => d < 0 ? 2L : d).ToArray()];
        long[] unspecified = f.Shape.Select(d => d < 0 ? 0L : d).ToArray();
        long[] shape = ConstraintKind switch
        {
            ShapeConstraintKind.Range => DimensionRange.Resolve(defaultShape, ShapeConstraintKind.Range, ranges, null),
            ShapeConstraintKind.Enumerated => DimensionRange.Resolve(defaultShape, ShapeConstraintKind.Enumerated, [], enumerated),
            _ => DimensionRange.Resolve(unspecified, ShapeConstraintKind.Unspecified, [], null),
        };
        return f with { Shape = shape };
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

    public void ReadOutput(nint prediction, string outputName, OutputRequest request)
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

        var storage = (Array)p.Buffer.Target!;
        long bytes = ((long)storage.Length * MultiArrayDataTypes.ElementSize(OutputType)) + ByteCountAdjustment;
        request.Accept(new MultiArrayView(p.Buffer.AddrOfPinnedObject(), bytes, OutputType, p.Shape, p.Strides));
    }

    public void Release(nint handle)
    {
        RequirePool(); // objects autoreleased during deallocation need a pool (ICoreMLApi's rule)
        InputArray? input;
        lock (_gate)
        {
            if (!_retained.Remove(handle))
            {
                throw new InvalidOperationException($"Object 0x{handle:X} released but not retained (over-release).");
            }

            _objects.Remove(handle, out object? o);
            input = o as InputArray;
            if (input is not null && HoldInputs)
            {
                _held.Add(input);
                input = null;
            }
        }

        if (input is not null)
        {
            Deallocate(input);
        }
    }

    private void Deallocate(InputArray input)
    {
        bool found = InputLease.Deallocated(input.Data); // what the deallocator block's invoke function does
        lock (_gate)
        {
            Deallocations.Add(found);
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
