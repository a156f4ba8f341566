namespace Nko.Asr.CoreML;

/// <summary>Which compute units CoreML may use (<c>MLModelConfiguration.computeUnits</c>; the values are CoreML's).</summary>
public enum CoreMLComputeUnits
{
    /// <summary>CPU only: float32 arithmetic, bit-stable.</summary>
    CpuOnly = 0,

    /// <summary>CPU and GPU (float32 unless low-precision GPU accumulation is allowed). The default.</summary>
    CpuAndGpu = 1,

    /// <summary>Everything CoreML chooses, the Neural Engine included (which computes in float16).</summary>
    All = 2,

    /// <summary>CPU and the Neural Engine (float16 on the Neural Engine; macOS 13 / iOS 16 or later).</summary>
    CpuAndNeuralEngine = 3,
}
