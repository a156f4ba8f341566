using Microsoft.ML.OnnxRuntime;
using Nko.Ctc;

namespace Nko.Asr.Onnx;

/// <summary>
/// An acoustic back end over ONNX Runtime: encoder features <c>[T_in, D]</c> (float32 or Half), or a log-mel
/// spectrogram <c>[mels, T_in]</c> for a model that starts at log-mel, in; CTC log-probs <c>[T, C]</c> out.
/// </summary>
/// <remarks>
/// <para><b>Copies.</b> The caller's feature memory is pinned and handed to ONNX Runtime as the input tensor, and the
/// output tensor is bound to the caller's destination, so ONNX Runtime reads and writes the caller's buffers directly.
/// A conversion happens only when the element types differ: Half features for a float32 model (or float32 features for a
/// float16 model) are converted once into a pooled buffer; a float16 output is converted once into the destination.
/// Half features for a float16 model pass straight through (ONNX Runtime's <c>Float16</c> has the bits of
/// <see cref="System.Half"/>). Per call, only small fixed-size objects are allocated (tensor handles and shapes), never
/// anything proportional to the tensor size, except by <see cref="Run(AcousticFeatures)"/>, which returns a new matrix.</para>
/// <para><b>Output.</b> Results are log-softmax normalised log-probabilities whatever the model emits (see
/// <see cref="AcousticModelOptions.OutputKind"/>); with <see cref="AcousticModelOptions.ValidateOutput"/> they are checked for NaN
/// and +∞ (<see cref="InvalidLogProbsException"/>).</para>
/// <para><b>Input contract.</b> <see cref="InputContract"/> is resolved at load from the model's <c>nko.*</c> metadata
/// (<see cref="AcousticModelMetadata"/>), its signature (<c>[1, T, D]</c> features, or <c>[1, mels, T]</c> log-mel: the
/// dynamic one of the last two dimensions is time; an input named <c>input_features</c> with both fixed is log-mel) and the
/// options (<see cref="AcousticModelOptions.InputKind"/>, <see cref="AcousticModelOptions.Mels"/>,
/// <see cref="AcousticModelOptions.WindowFrames"/>); any disagreement is an <see cref="AcousticModelException"/> at load.
/// Input of the wrong kind, width or (for a fixed window) length is an <see cref="ArgumentException"/> at run time.</para>
/// <para><b>Time axis.</b> Dynamic time axes are supported. The number of output frames for a given input length is known
/// before the run (<see cref="GetOutputFrames(int)"/>): from <see cref="AcousticModelOptions.FrameReduction"/>, or inferred at load
/// by running the model on a few short zero inputs.</para>
/// <para><b>Thread safety.</b> All run methods may be called concurrently from any number of threads: the instance is
/// immutable after construction, ONNX Runtime's <c>InferenceSession.Run</c> is thread-safe, and each call uses its own
/// tensor handles and buffers. Concurrent runs share the session's intra-op thread pool; with many concurrent callers set
/// <see cref="OnnxSessionOptions.IntraOpThreads"/> to 1. <see cref="Dispose"/> must not race with runs in progress; runs
/// started after it throw <see cref="ObjectDisposedException"/>.</para>
/// </remarks>
public sealed class OnnxAcousticModel : IAcousticModel
{
    private readonly OnnxSessionCore _core;

    /// <summary>Loads an ONNX model file.</summary>
    /// <param name="modelPath">Path of the <c>.onnx</c> file.</param>
    /// <param name="options">Back-end-independent options; <see langword="null"/> for <see cref="AcousticModelOptions.Default"/>.</param>
    /// <param name="sessionOptions">ONNX Runtime settings; <see langword="null"/> for <see cref="OnnxSessionOptions.Default"/>.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="AcousticModelException">ONNX Runtime cannot load the model, or its inputs, outputs or metadata do not fit the options (the message says which and why).</exception>
    /// <exception cref="PlatformNotSupportedException">The CoreML execution provider was requested off Apple platforms.</exception>
    public OnnxAcousticModel(string modelPath, AcousticModelOptions? options = null, OnnxSessionOptions? sessionOptions = null)
        => _core = OnnxSessionCore.Open(modelPath, options, sessionOptions, isCtcModel: true);

    /// <summary>Loads an ONNX model from its serialized bytes.</summary>
    /// <param name="model">The <c>.onnx</c> file's content.</param>
    /// <param name="options">Back-end-independent options; <see langword="null"/> for <see cref="AcousticModelOptions.Default"/>.</param>
    /// <param name="sessionOptions">ONNX Runtime settings; <see langword="null"/> for <see cref="OnnxSessionOptions.Default"/>.</param>
    /// <exception cref="AcousticModelException">ONNX Runtime cannot load the model, or its inputs, outputs or metadata do not fit the options.</exception>
    /// <exception cref="PlatformNotSupportedException">The CoreML execution provider was requested off Apple platforms.</exception>
    public OnnxAcousticModel(byte[] model, AcousticModelOptions? options = null, OnnxSessionOptions? sessionOptions = null)
        => _core = OnnxSessionCore.Open(model, options, sessionOptions, isCtcModel: true);

    /// <inheritdoc />
    public CtcVocabulary Vocabulary => Options.Vocabulary;

    /// <inheritdoc />
    /// <remarks>The number of mel bands for a model that takes log-mel.</remarks>
    public int FeatureDimension => _core.Signature.FeatureDimension;

    /// <inheritdoc />
    public AcousticInputContract InputContract => _core.Contract;

    /// <summary>The model's <c>nko.*</c> metadata (empty when it has none or <see cref="AcousticModelOptions.ReadMetadata"/> is off).</summary>
    public AcousticModelMetadata Metadata => _core.Metadata;

    /// <summary>Number of output classes C (equal to the vocabulary's count).</summary>
    public int Classes => Options.Vocabulary.Count;

    /// <summary>The back-end-independent options this model was loaded with.</summary>
    public AcousticModelOptions Options => _core.Options;

    /// <summary>The ONNX Runtime settings this model was loaded with.</summary>
    public OnnxSessionOptions SessionOptions => _core.SessionOptions;

    /// <summary>The name of the input tensor in use.</summary>
    public string InputName => _core.Signature.Input.Name;

    /// <summary>The name of the output tensor in use.</summary>
    public string OutputName => _core.Signature.Output.Name;

    /// <summary>Whether the model takes float16 features (Half features then pass through without conversion).</summary>
    public bool InputIsFloat16 => _core.Signature.InputIsHalf;

    /// <summary>Whether the model emits float16 (converted once into the float32 destination).</summary>
    public bool OutputIsFloat16 => _core.Signature.OutputIsHalf;

    /// <summary>The input-to-output frame rule for a dynamic time axis (given in the options or the metadata, or inferred at load); <see langword="null"/> when the time axis is fixed.</summary>
    public FrameReduction? FrameReduction => _core.TimeAxis.FrameReduction;

    /// <summary>The only input length the model accepts when its time axis is fixed; <see langword="null"/> when dynamic.</summary>
    public int? FixedInputFrames => _core.TimeAxis.FixedInputFrames;

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The input is too short for one output frame, or differs from a fixed input length.</exception>
    public int GetOutputFrames(int inputFrames) => _core.TimeAxis.GetOutputFrames(inputFrames, _core.Name);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The input is of the other kind (features vs log-mel), its width differs from <see cref="FeatureDimension"/>, its length does not fit the model, or a value is NaN or ±∞ (the message names where).</exception>
    /// <exception cref="AcousticModelException">ONNX Runtime failed, or a log-prob model's output is not normalised.</exception>
    /// <exception cref="InvalidLogProbsException">The output holds NaN or +∞.</exception>
    public LogProbMatrix Run(AcousticFeatures features) => Run(features, CancellationToken.None);

    /// <summary>Runs the model and returns a newly allocated log-prob matrix; cancellation stops ONNX Runtime mid-run.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public LogProbMatrix Run(AcousticFeatures features, CancellationToken cancellationToken)
    {
        int frames = _core.GetOutputFramesFor(features);
        float[] values = new float[OnnxSessionCore.OutputLength(frames, Classes)];
        Run(features, values, cancellationToken);
        return new LogProbMatrix(values, frames, Classes);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The destination is shorter than T × C, or the input does not fit the model or holds NaN or ±∞.</exception>
    public int Run(AcousticFeatures features, Span<float> destination) => Run(features, destination, CancellationToken.None);

    /// <summary>Runs the model writing the log-probs into <paramref name="destination"/>; cancellation stops ONNX Runtime mid-run.</summary>
    /// <returns>The number of output frames T.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public int Run(AcousticFeatures features, Span<float> destination, CancellationToken cancellationToken)
    {
        int frames = _core.Run(features, destination, cancellationToken);
        AcousticOutput.Normalize(destination[..(frames * Classes)], Classes, Options, _core.Name);
        return frames;
    }

    /// <inheritdoc />
    /// <remarks>The run executes on a thread-pool thread; cancellation stops ONNX Runtime mid-run.</remarks>
    public ValueTask<LogProbMatrix> RunAsync(AcousticFeatures features, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<LogProbMatrix>(cancellationToken);
        }

        return new ValueTask<LogProbMatrix>(Task.Run(() => Run(features, cancellationToken), cancellationToken));
    }

    /// <summary>Runs the model on a thread-pool thread writing into <paramref name="destination"/>; returns T.</summary>
    public ValueTask<int> RunAsync(AcousticFeatures features, Memory<float> destination, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        return new ValueTask<int>(Task.Run(() => Run(features, destination.Span, cancellationToken), cancellationToken));
    }

    /// <summary>Releases the ONNX Runtime session. Must not race with runs in progress.</summary>
    public void Dispose() => _core.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"OnnxAcousticModel({_core})";
}
