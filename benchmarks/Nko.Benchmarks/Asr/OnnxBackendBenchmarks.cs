using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Nko.Asr.Onnx;
using Nko.Ctc;
using Nko.Asr;
using Nko.Data;

namespace Nko.Benchmarks.Asr;

/// <summary>Shared setup: the same model, options and input for our back end and for raw ONNX Runtime calls.</summary>
internal static class OnnxBench
{
    public static string TinyModel => Path.Combine(BenchmarkData.RepositoryRoot, "tests", "Nko.Asr.Onnx.Tests", "Fixtures", "ctc_head_tiny.onnx");

    public static string TinyFeatures => Path.Combine(BenchmarkData.RepositoryRoot, "tests", "Nko.Asr.Onnx.Tests", "Fixtures", "features_T200.npy");

    public static string Shared(string relative) =>
        Path.GetFullPath(Path.Combine(BenchmarkData.RepositoryRoot, "..", "shared", "models", relative));

    /// <summary>ONNX Runtime session options equal to what <see cref="OnnxSessionOptions"/> produces for <paramref name="threads"/>.</summary>
    public static SessionOptions RawSessionOptions(int threads)
    {
        var so = new SessionOptions
        {
            IntraOpNumThreads = threads,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        so.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        return so;
    }

    /// <summary>Tiles <paramref name="source"/> ([T, D] rows) up to <paramref name="frames"/> rows.</summary>
    public static float[] Tile(float[] source, int dimension, int frames)
    {
        float[] result = new float[frames * dimension];
        for (int offset = 0; offset < result.Length; offset += source.Length)
        {
            source.AsSpan(0, Math.Min(source.Length, result.Length - offset)).CopyTo(result.AsSpan(offset));
        }

        return result;
    }
}

/// <summary>
/// Our back end versus a raw <c>InferenceSession.Run</c> with hand-made <c>OrtValue</c>s over the same pre-allocated
/// arrays, on the tiny head (single intra-op thread). The overhead is the ratio to the baseline; allocations must not
/// grow with the tensor size.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class OnnxBackendBenchmarks
{
    private const int D = 1280;
    private const int C = 66;

    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OnnxAcousticModel _model = null!;
    private float[] _features = null!;
    private float[] _destination = null!;
    private AcousticFeatures _acousticFeatures;
    private long[] _inputShape = null!;
    private long[] _outputShape = null!;
    private readonly string[] _inputNames = ["features"];
    private readonly string[] _outputNames = ["log_probs"];

    /// <summary>Input frames: 200 is the PyTorch fixture; 1500 (tiled) is a full 30 s window.</summary>
    [Params(200, 1500)]
    public int InputFrames { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        float[] fixture = NpyFile.Read(OnnxBench.TinyFeatures).ToSingleArray();
        _features = OnnxBench.Tile(fixture, D, InputFrames);
        int frames = (InputFrames + 3) / 4;
        _destination = new float[frames * C];
        _inputShape = [1, InputFrames, D];
        _outputShape = [1, frames, C];
        _acousticFeatures = AcousticFeatures.FromSingle(_features, InputFrames, D);

        using SessionOptions so = OnnxBench.RawSessionOptions(threads: 1);
        _session = new InferenceSession(OnnxBench.TinyModel, so);
        _runOptions = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
        _model = new OnnxAcousticModel(
            OnnxBench.TinyModel,
            new AcousticModelOptions { FrameReduction = FrameReduction.Ceiling(4) },
            new OnnxSessionOptions { IntraOpThreads = 1 });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>Raw ONNX Runtime: OrtValues over the caller's arrays, pre-allocated output, one Run.</summary>
    [Benchmark(Baseline = true)]
    public float RawOrtValues()
    {
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _features.AsMemory(), _inputShape);
        using OrtValue output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _destination.AsMemory(), _outputShape);
        _session.Run(_runOptions, _inputNames, [input], _outputNames, [output]);
        return _destination[0];
    }

    /// <summary>Raw ONNX Runtime letting it allocate the output (what most samples do), read through a span.</summary>
    [Benchmark]
    public float RawOrtAllocatedOutput()
    {
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _features.AsMemory(), _inputShape);
        using IDisposableReadOnlyCollection<OrtValue> outputs = _session.Run(_runOptions, _inputNames, [input], _outputNames);
        return outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    /// <summary>Our back end into a caller-owned destination (validation of the output included).</summary>
    [Benchmark]
    public float NkoRunIntoDestination()
    {
        _model.Run(_acousticFeatures, _destination);
        return _destination[0];
    }

    /// <summary>Our back end returning a new matrix (allocates the T × C result, by design).</summary>
    [Benchmark]
    public float NkoRunAllocating() => _model.Run(_acousticFeatures).Span[0];
}

/// <summary>Latency of the full-size BiLSTM head at T_in = 1500 (a 30 s window, fp16 features), from ../shared/models.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class OnnxBiLstmBenchmarks
{
    private const int D = 1280;
    private const int C = 66;

    private OnnxAcousticModel _model = null!;
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private AcousticFeatures _halfFeatures;
    private float[] _singleFeatures = null!;
    private float[] _destination = null!;

    /// <summary>ONNX Runtime intra-op threads (the machine may have few cores; see the report).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string model = OnnxBench.Shared("ctc_head_bilstm.onnx");
        string features = OnnxBench.Shared("fixtures/features_T1500_f16.npy");
        if (!File.Exists(model) || !File.Exists(features))
        {
            throw new FileNotFoundException($"The BiLSTM benchmark needs {model} and {features} (the shared models folder beside the repository).");
        }

        NpyArray npy = NpyFile.Read(features);
        _halfFeatures = AcousticFeatures.FromHalf(npy.ToHalfArray(), 1500, D);
        _singleFeatures = npy.ToSingleArray();
        _destination = new float[375 * C];
        _model = new OnnxAcousticModel(model, new AcousticModelOptions { FrameReduction = FrameReduction.Ceiling(4) }, new OnnxSessionOptions { IntraOpThreads = Threads });
        using SessionOptions so = OnnxBench.RawSessionOptions(Threads);
        _session = new InferenceSession(model, so);
        _runOptions = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>Raw ONNX Runtime on float32 features (converted beforehand, outside the timing).</summary>
    [Benchmark(Baseline = true)]
    public float RawOrtValuesFloat32()
    {
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _singleFeatures.AsMemory(), [1, 1500, D]);
        using OrtValue output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _destination.AsMemory(), [1, 375, C]);
        _session.Run(_runOptions, ["features"], [input], ["log_probs"], [output]);
        return _destination[0];
    }

    /// <summary>Our back end on the fp16 features as stored (converted once to float32 into a pooled buffer, inside the timing).</summary>
    [Benchmark]
    public float NkoRunHalfFeatures()
    {
        _model.Run(_halfFeatures, _destination);
        return _destination[0];
    }
}
