namespace Nko.Asr.CoreML;

/// <summary>How the CoreML model is compiled, loaded and fed. Immutable; every default is documented on its property.</summary>
public sealed record CoreMLModelOptions
{
    /// <summary>The defaults: CPU and GPU, float32 throughout, compiled models in a private temporary folder.</summary>
    public static CoreMLModelOptions Default { get; } = new();

    /// <summary>
    /// The compute units. Default <see cref="CoreMLComputeUnits.CpuAndGpu"/>: float32 arithmetic. The Neural Engine
    /// (<see cref="CoreMLComputeUnits.All"/>, <see cref="CoreMLComputeUnits.CpuAndNeuralEngine"/>) computes in float16,
    /// which the research this package comes from found to break parity for CTC heads; measure before using it.
    /// </summary>
    public CoreMLComputeUnits ComputeUnits { get; init; } = CoreMLComputeUnits.CpuAndGpu;

    /// <summary>Whether the GPU may accumulate in float16. Default <see langword="false"/> (float32 accumulation).</summary>
    public bool AllowLowPrecisionAccumulationOnGpu { get; init; }

    /// <summary>
    /// Where a <c>.mlmodel</c> or <c>.mlpackage</c> is compiled to. Default <see langword="null"/>: CoreML's temporary
    /// folder, deleted when the model is disposed. When set, the compiled <c>.mlmodelc</c> is moved there and kept
    /// (load it directly next time to skip compilation).
    /// </summary>
    public string? CompiledModelDirectory { get; init; }
}
