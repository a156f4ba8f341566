using Microsoft.ML.OnnxRuntime;
using Nko.Asr;

namespace Nko.Asr.Onnx;

/// <summary>
/// How the ONNX Runtime session is created: threads, graph optimisation, execution provider. Immutable; every default is
/// documented on its property, and every value is checked when it is set (an <see cref="ArgumentOutOfRangeException"/>
/// whose <see cref="ArgumentException.ParamName"/> is the property name), so every instance is valid.
/// </summary>
public sealed record OnnxSessionOptions
{
    /// <summary>The defaults: ONNX Runtime's thread counts, full graph optimisation, CPU provider, no spinning.</summary>
    public static OnnxSessionOptions Default { get; } = new();

    /// <summary>
    /// Threads one run may use for a single operator (ONNX Runtime's intra-op pool). Default 0: ONNX Runtime picks
    /// (one per physical core). Use 1 when many callers run concurrently, so each run stays on its caller's thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int IntraOpThreads { get; init => field = NonNegative(value, nameof(IntraOpThreads)); }

    /// <summary>Threads for running independent operators in parallel (only with <see cref="ParallelExecution"/>). Default 0: ONNX Runtime picks.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int InterOpThreads { get; init => field = NonNegative(value, nameof(InterOpThreads)); }

    /// <summary>Whether independent branches of the graph run in parallel. Default <see langword="false"/> (sequential, ONNX Runtime's default).</summary>
    public bool ParallelExecution { get; init; }

    /// <summary>
    /// Whether idle ONNX Runtime pool threads spin waiting for work. Default <see langword="false"/>: spinning lowers
    /// latency by microseconds but burns whole cores between runs, which hurts on phones, laptops and shared servers.
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>Graph optimisation level. Default <see cref="OnnxGraphOptimization.All"/>.</summary>
    public OnnxGraphOptimization GraphOptimization { get; init => field = Defined(value, nameof(GraphOptimization)); } = OnnxGraphOptimization.All;

    /// <summary>The execution provider. Default <see cref="OnnxExecutionProvider.Cpu"/>.</summary>
    public OnnxExecutionProvider ExecutionProvider { get; init => field = Defined(value, nameof(ExecutionProvider)); } = OnnxExecutionProvider.Cpu;

    /// <summary>
    /// Compute units for <see cref="OnnxExecutionProvider.CoreML"/> (the enum the CoreML back end uses too). Default
    /// <see cref="Nko.Asr.CoreMLComputeUnits.CpuAndGpu"/> (float32).
    /// </summary>
    public CoreMLComputeUnits CoreMLComputeUnits { get; init => field = Defined(value, nameof(CoreMLComputeUnits)); } = CoreMLComputeUnits.CpuAndGpu;

    /// <summary>
    /// Whether ONNX Runtime logs to stderr at warning level. Default <see langword="false"/>: only fatal messages are
    /// logged, because every error reaches the caller as an exception anyway.
    /// </summary>
    public bool VerboseLogging { get; init; }

    /// <summary>
    /// A last hook that may change the ONNX Runtime <see cref="SessionOptions"/> after these settings are applied (for
    /// example to append the CUDA or NNAPI provider, which need other native packages). Default <see langword="null"/>.
    /// </summary>
    public Action<SessionOptions>? Configure { get; init; }

    internal SessionOptions CreateSessionOptions()
    {
        var options = new SessionOptions();
        try
        {
            options.IntraOpNumThreads = IntraOpThreads;
            options.InterOpNumThreads = InterOpThreads;
            options.ExecutionMode = ParallelExecution ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL;
            options.GraphOptimizationLevel = GraphOptimization switch
            {
                OnnxGraphOptimization.Disabled => GraphOptimizationLevel.ORT_DISABLE_ALL,
                OnnxGraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                OnnxGraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                OnnxGraphOptimization.All => GraphOptimizationLevel.ORT_ENABLE_ALL,
                _ => throw new ArgumentOutOfRangeException(nameof(GraphOptimization), GraphOptimization, "Unknown graph optimisation level."),
            };
            options.LogSeverityLevel = VerboseLogging ? OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING : OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
            string spinning = AllowSpinning ? "1" : "0";
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", spinning);
            options.AddSessionConfigEntry("session.inter_op.allow_spinning", spinning);
            switch (ExecutionProvider)
            {
                case OnnxExecutionProvider.Cpu:
                    break;
                case OnnxExecutionProvider.CoreML:
                    if (!(OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() || OperatingSystem.IsMacCatalyst()))
                    {
                        throw new PlatformNotSupportedException(
                            "The CoreML execution provider exists only on Apple platforms (macOS, iOS, Mac Catalyst); use OnnxExecutionProvider.Cpu here.");
                    }

                    options.AppendExecutionProvider("CoreML", new Dictionary<string, string>
                    {
                        ["MLComputeUnits"] = CoreMLComputeUnits switch
                        {
                            CoreMLComputeUnits.CpuOnly => "CPUOnly",
                            CoreMLComputeUnits.CpuAndNeuralEngine => "CPUAndNeuralEngine",
                            CoreMLComputeUnits.All => "ALL",
                            _ => "CPUAndGPU",
                        },
                        ["ModelFormat"] = "MLProgram",
                    });
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(ExecutionProvider), ExecutionProvider, "Unknown execution provider.");
            }

            Configure?.Invoke(options);
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    private static int NonNegative(int value, string name) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be 0 (ONNX Runtime picks) or positive.");

    private static T Defined<T>(T value, string name)
        where T : struct, Enum =>
        Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be one of the {typeof(T).Name} values.");
}
