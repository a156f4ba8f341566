namespace Nko.Asr.Onnx;

/// <summary>Which Apple compute units ONNX Runtime's CoreML execution provider may use (its <c>MLComputeUnits</c> option).</summary>
public enum OnnxCoreMLComputeUnits
{
    /// <summary>CPU and GPU: float32 arithmetic; the default here because fp16 failed parity for these heads.</summary>
    CpuAndGpu = 0,

    /// <summary>CPU only (float32).</summary>
    CpuOnly = 1,

    /// <summary>CPU and the Neural Engine (the Neural Engine computes in float16).</summary>
    CpuAndNeuralEngine = 2,

    /// <summary>Everything CoreML chooses, the Neural Engine included (float16 there).</summary>
    All = 3,
}
