namespace Nko.Asr;

/// <summary>
/// A step between an encoder and a CTC head that rewrites the encoder features in place, for example the TurboQuant
/// quantise → dequantise round trip that shows what a deployment storing or shipping quantised features gets
/// (Nko.Speech supplies one). Must keep the shape <c>[frames, dimension]</c>.
/// </summary>
/// <remarks>An <see cref="EncoderHeadChain"/> calls it from concurrent runs when it is run concurrently: implementations must be thread-safe.</remarks>
public interface IFeatureTransform
{
    /// <summary>Transforms <paramref name="features"/>, row-major <c>[frames, dimension]</c> float32, in place.</summary>
    /// <param name="features">The encoder's output.</param>
    /// <param name="frames">Rows.</param>
    /// <param name="dimension">Values per row.</param>
    /// <param name="cancellationToken">Cancels the transform.</param>
    void Transform(Span<float> features, int frames, int dimension, CancellationToken cancellationToken);
}
