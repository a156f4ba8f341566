namespace Nko.Asr.Onnx;

/// <summary>ONNX Runtime graph optimisation level applied when the session is created.</summary>
public enum OnnxGraphOptimization
{
    /// <summary>No graph optimisation.</summary>
    Disabled = 0,

    /// <summary>Semantics-preserving node removals and constant folding.</summary>
    Basic = 1,

    /// <summary>Basic plus complex node fusions.</summary>
    Extended = 2,

    /// <summary>Everything, including layout optimisations (ONNX Runtime's default).</summary>
    All = 3,
}
