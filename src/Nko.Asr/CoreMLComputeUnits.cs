namespace Nko.Asr;

/// <summary>
/// Which Apple compute units CoreML may use: <c>MLModelConfiguration.computeUnits</c> for the CoreML back end
/// (<c>Nko.Asr.CoreML</c>) and the <c>MLComputeUnits</c> option of ONNX Runtime's CoreML execution provider
/// (<c>Nko.Asr.Onnx</c>). The values are CoreML's own.
/// </summary>
/// <remarks>
/// The Neural Engine computes in float16, which the research these packages come from found to break parity for CTC
/// heads: both back ends default to <see cref="CpuAndGpu"/> (float32); measure before choosing another.
/// </remarks>
public enum CoreMLComputeUnits
{
    /// <summary>CPU only: float32 arithmetic, bit-stable.</summary>
    CpuOnly = 0,

    /// <summary>CPU and GPU (float32 unless the CoreML back end allows low-precision GPU accumulation). The default.</summary>
    CpuAndGpu = 1,

    /// <summary>Everything CoreML chooses, the Neural Engine included (which computes in float16).</summary>
    All = 2,

    /// <summary>CPU and the Neural Engine (float16 on the Neural Engine; macOS 13 / iOS 16 or later).</summary>
    CpuAndNeuralEngine = 3,
}
