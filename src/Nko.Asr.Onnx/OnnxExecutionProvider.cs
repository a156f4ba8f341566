namespace Nko.Asr.Onnx;

/// <summary>Which ONNX Runtime execution provider runs the model.</summary>
public enum OnnxExecutionProvider
{
    /// <summary>The default CPU provider, available in every ONNX Runtime native package.</summary>
    Cpu = 0,

    /// <summary>
    /// Apple's CoreML through ONNX Runtime (macOS, iOS, Mac Catalyst; compiled into the osx-arm64 and iOS native binaries).
    /// Operators CoreML cannot run fall back to the CPU provider, which splits the graph. Throws
    /// <see cref="PlatformNotSupportedException"/> elsewhere.
    /// </summary>
    CoreML = 1,
}
