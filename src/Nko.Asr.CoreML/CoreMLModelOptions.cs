namespace Nko.Asr.CoreML;

/// <summary>
/// How the CoreML model is compiled, loaded and fed. Immutable; every default is documented on its property, and every
/// value is checked when it is set (an <see cref="ArgumentOutOfRangeException"/> whose
/// <see cref="ArgumentException.ParamName"/> is the property name), so every instance is valid.
/// </summary>
public sealed record CoreMLModelOptions
{
    /// <summary>The defaults: CPU and GPU, float32 throughout, compiled models in a private temporary folder.</summary>
    public static CoreMLModelOptions Default { get; } = new();

    /// <summary>
    /// The compute units. Default <see cref="CoreMLComputeUnits.CpuAndGpu"/>: float32 arithmetic. The Neural Engine
    /// (<see cref="CoreMLComputeUnits.All"/>, <see cref="CoreMLComputeUnits.CpuAndNeuralEngine"/>) computes in float16,
    /// which the research this package comes from found to break parity for CTC heads; measure before using it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a <see cref="CoreMLComputeUnits"/> value (CoreML would raise an Objective-C exception for it).</exception>
    public CoreMLComputeUnits ComputeUnits
    {
        get;
        init => field = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ComputeUnits), value, "ComputeUnits must be one of the CoreMLComputeUnits values.");
    }

    = CoreMLComputeUnits.CpuAndGpu;

    /// <summary>Whether the GPU may accumulate in float16. Default <see langword="false"/> (float32 accumulation).</summary>
    public bool AllowLowPrecisionAccumulationOnGpu { get; init; }

    /// <summary>
    /// Where a <c>.mlmodel</c> or <c>.mlpackage</c> is compiled to. Default <see langword="null"/>: CoreML's temporary
    /// folder, deleted when the model is disposed. When set, the compiled <c>.mlmodelc</c> is moved there and kept
    /// (load it directly next time to skip compilation).
    /// </summary>
    public string? CompiledModelDirectory { get; init; }
}
