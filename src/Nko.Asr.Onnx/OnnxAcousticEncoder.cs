using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Nko.Asr.Onnx;

/// <summary>
/// An encoder over ONNX Runtime (for example a Whisper encoder export: <c>input_features [1, 128, 3000]</c> →
/// <c>last_hidden_state [1, 1500, D]</c>): input (log-mel <c>[mels, T_in]</c> or features) in, float32 encoder
/// features <c>[T, D]</c> out. The first half of an <see cref="EncoderHeadChain"/>.
/// </summary>
/// <remarks>
/// <para>The same loading rules as <see cref="OnnxAcousticModel"/> (input and output picked by name or as the only
/// ones, the input contract resolved from metadata, signature and options, errors at load), except that the output is
/// features, not classes: its last dimension must be fixed, and <see cref="AcousticModelOptions.Vocabulary"/> and
/// <see cref="AcousticModelOptions.OutputKind"/> are ignored. A float16 output is converted once into the float32
/// destination; with <see cref="AcousticModelOptions.ValidateOutput"/> the output is checked for NaN and ±∞.</para>
/// <para><b>Copies.</b> The input is pinned and read in place; the output is written straight into the destination.</para>
/// <para><b>Thread safety.</b> As <see cref="OnnxAcousticModel"/>: runs may be concurrent; <see cref="Dispose"/> must not race with them.</para>
/// </remarks>
public sealed class OnnxAcousticEncoder : IAcousticEncoder
{
    private readonly OnnxSessionCore _core;

    /// <summary>Loads an ONNX encoder file.</summary>
    /// <param name="modelPath">Path of the <c>.onnx</c> file.</param>
    /// <param name="options">Input names, contract expectations, output validation; <see langword="null"/> for <see cref="AcousticModelOptions.Default"/>.</param>
    /// <param name="sessionOptions">ONNX Runtime settings; <see langword="null"/> for <see cref="OnnxSessionOptions.Default"/>.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="AcousticModelException">ONNX Runtime cannot load the model, or its signature or metadata do not fit the options.</exception>
    public OnnxAcousticEncoder(string modelPath, AcousticModelOptions? options = null, OnnxSessionOptions? sessionOptions = null)
        => _core = OnnxSessionCore.Open(modelPath, options, sessionOptions, isCtcModel: false);

    /// <summary>Loads an ONNX encoder from its serialized bytes.</summary>
    /// <param name="model">The <c>.onnx</c> file's content.</param>
    /// <param name="options">Input names, contract expectations, output validation; <see langword="null"/> for <see cref="AcousticModelOptions.Default"/>.</param>
    /// <param name="sessionOptions">ONNX Runtime settings; <see langword="null"/> for <see cref="OnnxSessionOptions.Default"/>.</param>
    /// <exception cref="AcousticModelException">ONNX Runtime cannot load the model, or its signature or metadata do not fit the options.</exception>
    public OnnxAcousticEncoder(byte[] model, AcousticModelOptions? options = null, OnnxSessionOptions? sessionOptions = null)
        => _core = OnnxSessionCore.Open(model, options, sessionOptions, isCtcModel: false);

    /// <inheritdoc />
    public AcousticInputContract InputContract => _core.Contract;

    /// <summary>The model's <c>nko.*</c> metadata (empty when it has none or reading it is off).</summary>
    public AcousticModelMetadata Metadata => _core.Metadata;

    /// <inheritdoc />
    public int OutputDimension => _core.OutputWidth;

    /// <summary>The options this encoder was loaded with.</summary>
    public AcousticModelOptions Options => _core.Options;

    /// <summary>The ONNX Runtime settings this encoder was loaded with.</summary>
    public OnnxSessionOptions SessionOptions => _core.SessionOptions;

    /// <summary>The name of the input tensor in use.</summary>
    public string InputName => _core.Signature.Input.Name;

    /// <summary>The name of the output tensor in use.</summary>
    public string OutputName => _core.Signature.Output.Name;

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The input is too short for one output frame, or differs from a fixed window.</exception>
    public int GetOutputFrames(int inputFrames) => _core.TimeAxis.GetOutputFrames(inputFrames, _core.Name);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The input is of the other kind, of the wrong width or length, holds NaN or ±∞, or the destination is too short.</exception>
    /// <exception cref="AcousticModelException">ONNX Runtime failed, or the output holds NaN or ±∞ (with <see cref="AcousticModelOptions.ValidateOutput"/>).</exception>
    public int Encode(AcousticFeatures input, Span<float> destination, CancellationToken cancellationToken = default)
    {
        int frames = _core.Run(input, destination, cancellationToken);
        if (Options.ValidateOutput)
        {
            ReadOnlySpan<float> output = destination[..(frames * OutputDimension)];
            if (!TensorPrimitives.IsFiniteAll(output))
            {
                int bad = 0;
                while (float.IsFinite(output[bad]))
                {
                    bad++;
                }

                throw new AcousticModelException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Encoder '{_core.Name}' emitted {output[bad]} at frame {bad / OutputDimension}, feature {bad % OutputDimension}; its input may be out of range."));
            }
        }

        return frames;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The input is of the other kind, of the wrong width or length, or holds NaN or ±∞.</exception>
    /// <exception cref="AcousticModelException">ONNX Runtime failed, or the output holds NaN or ±∞.</exception>
    public AcousticFeatures Encode(AcousticFeatures input, CancellationToken cancellationToken = default)
    {
        int frames = _core.GetOutputFramesFor(input);
        float[] values = new float[OnnxSessionCore.OutputLength(frames, OutputDimension)];
        Encode(input, values, cancellationToken);
        return AcousticFeatures.FromSingle(values, frames, OutputDimension);
    }

    /// <inheritdoc />
    /// <remarks>The run executes on a thread-pool thread; cancellation stops ONNX Runtime mid-run.</remarks>
    public ValueTask<AcousticFeatures> EncodeAsync(AcousticFeatures input, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<AcousticFeatures>(cancellationToken)
            : new ValueTask<AcousticFeatures>(Task.Run(() => Encode(input, cancellationToken), cancellationToken));

    /// <summary>Releases the ONNX Runtime session. Must not race with runs in progress.</summary>
    public void Dispose() => _core.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"OnnxAcousticEncoder({_core})";
}
