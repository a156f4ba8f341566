using System.Buffers;
using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Nko.Ctc;
using Nko.Asr;

namespace Nko.Asr.Onnx;

/// <summary>
/// An acoustic back end over ONNX Runtime: encoder features <c>[T_in, D]</c> (float32 or Half) in, CTC log-probs
/// <c>[T, C]</c> out.
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


    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OnnxModelSignature _signature;
    private readonly string _model;
    private readonly TimeAxis _timeAxis;
    private volatile bool _disposed;

    /// <summary>Loads an ONNX model file.</summary>
    /// <param name="modelPath">Path of the <c>.onnx</c> file.</param>
    /// <param name="options">Back-end-independent options; <see langword="null"/> for <see cref="AcousticModelOptions.Default"/>.</param>
    /// <param name="sessionOptions">ONNX Runtime settings; <see langword="null"/> for <see cref="OnnxSessionOptions.Default"/>.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="AcousticModelException">ONNX Runtime cannot load the model, or its inputs and outputs do not fit the options (the message says which and why).</exception>
    /// <exception cref="PlatformNotSupportedException">The CoreML execution provider was requested off Apple platforms.</exception>
    public OnnxAcousticModel(string modelPath, AcousticModelOptions? options = null, OnnxSessionOptions? sessionOptions = null)
        : this(
            CheckPath(modelPath),
            Path.GetFileName(modelPath),
            static (path, so) => new InferenceSession((string)path, so),
            options,
            sessionOptions)
    {
    }

    /// <summary>Loads an ONNX model from its serialized bytes.</summary>
    /// <param name="model">The <c>.onnx</c> file's content.</param>
    /// <param name="options">Back-end-independent options; <see langword="null"/> for <see cref="AcousticModelOptions.Default"/>.</param>
    /// <param name="sessionOptions">ONNX Runtime settings; <see langword="null"/> for <see cref="OnnxSessionOptions.Default"/>.</param>
    /// <exception cref="AcousticModelException">ONNX Runtime cannot load the model, or its inputs and outputs do not fit the options.</exception>
    /// <exception cref="PlatformNotSupportedException">The CoreML execution provider was requested off Apple platforms.</exception>
    public OnnxAcousticModel(byte[] model, AcousticModelOptions? options = null, OnnxSessionOptions? sessionOptions = null)
        : this(
            model ?? throw new ArgumentNullException(nameof(model)),
            "<in-memory model>",
            static (bytes, so) => new InferenceSession((byte[])bytes, so),
            options,
            sessionOptions)
    {
    }

    private OnnxAcousticModel(
        object source,
        string modelName,
        Func<object, SessionOptions, InferenceSession> open,
        AcousticModelOptions? options,
        OnnxSessionOptions? sessionOptions)
    {
        Options = options ?? AcousticModelOptions.Default;
        ArgumentNullException.ThrowIfNull(Options.Vocabulary, "options.Vocabulary");
        SessionOptions = sessionOptions ?? OnnxSessionOptions.Default;
        _model = modelName;

        using (SessionOptions so = SessionOptions.CreateSessionOptions())
        {
            try
            {
                _session = open(source, so);
            }
            catch (OnnxRuntimeException e)
            {
                throw new AcousticModelException($"ONNX Runtime cannot load model '{_model}': {e.Message}", e);
            }
        }

        _runOptions = new RunOptions();
        try
        {
            _runOptions.LogSeverityLevel = SessionOptions.VerboseLogging ? OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING : OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
            _signature = OnnxModelSignature.Resolve(
                _model,
                _session.InputMetadata.Select(kv => OnnxTensorDescription.From(kv.Key, kv.Value)).ToList(),
                _session.OutputMetadata.Select(kv => OnnxTensorDescription.From(kv.Key, kv.Value)).ToList(),
                Options);
            _inputNames = [_signature.Input.Name];
            _outputNames = [_signature.Output.Name];
            FeatureDimension = _signature.FeatureDimension;
            _timeAxis = TimeAxis.Resolve<OnnxRuntimeException>(_model, _signature.InputFrames, _signature.OutputFrames, Options.FrameReduction, ProbeOutputFrames);
            if (_timeAxis.FixedInputFrames is int fixedFrames)
            {
                CheckArraySize(fixedFrames, FeatureDimension, "input", "features");
                CheckArraySize(_timeAxis.GetOutputFrames(fixedFrames, _model), Classes, "output", "classes");
            }
        }
        catch
        {
            _runOptions.Dispose();
            _session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public CtcVocabulary Vocabulary => Options.Vocabulary;

    /// <inheritdoc />
    public int FeatureDimension { get; }

    /// <summary>Number of output classes C (equal to the vocabulary's count).</summary>
    public int Classes => Options.Vocabulary.Count;

    /// <summary>The back-end-independent options this model was loaded with.</summary>
    public AcousticModelOptions Options { get; }

    /// <summary>The ONNX Runtime settings this model was loaded with.</summary>
    public OnnxSessionOptions SessionOptions { get; }

    /// <summary>The name of the input tensor in use.</summary>
    public string InputName => _signature.Input.Name;

    /// <summary>The name of the output tensor in use.</summary>
    public string OutputName => _signature.Output.Name;

    /// <summary>Whether the model takes float16 features (Half features then pass through without conversion).</summary>
    public bool InputIsFloat16 => _signature.InputIsHalf;

    /// <summary>Whether the model emits float16 (converted once into the float32 destination).</summary>
    public bool OutputIsFloat16 => _signature.OutputIsHalf;

    /// <summary>The input-to-output frame rule for a dynamic time axis (given in the options or inferred at load); <see langword="null"/> when the time axis is fixed.</summary>
    public FrameReduction? FrameReduction => _timeAxis.FrameReduction;

    /// <summary>The only input length the model accepts when its time axis is fixed; <see langword="null"/> when dynamic.</summary>
    public int? FixedInputFrames => _timeAxis.FixedInputFrames;

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The input is too short for one output frame, or differs from a fixed input length.</exception>
    public int GetOutputFrames(int inputFrames) => _timeAxis.GetOutputFrames(inputFrames, _model);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The features' width differs from <see cref="FeatureDimension"/>, their length does not fit the model, or a value is NaN or ±∞ (the message names the frame and feature index).</exception>
    /// <exception cref="AcousticModelException">ONNX Runtime failed, or a log-prob model's output is not normalised.</exception>
    /// <exception cref="InvalidLogProbsException">The output holds NaN or +∞.</exception>
    public LogProbMatrix Run(AcousticFeatures features) => Run(features, CancellationToken.None);

    /// <summary>Runs the model and returns a newly allocated log-prob matrix; cancellation stops ONNX Runtime mid-run.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public LogProbMatrix Run(AcousticFeatures features, CancellationToken cancellationToken)
    {
        int frames = GetOutputFramesFor(features);
        float[] values = new float[OutputLength(frames, Classes)];
        Run(features, values, cancellationToken);
        return new LogProbMatrix(values, frames, Classes);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The destination is shorter than T × C, or the features do not fit the model or hold NaN or ±∞.</exception>
    public int Run(AcousticFeatures features, Span<float> destination) =>
        RunCore(features, destination, _runOptions, CancellationToken.None);

    /// <summary>Runs the model writing the log-probs into <paramref name="destination"/>; cancellation stops ONNX Runtime mid-run.</summary>
    /// <returns>The number of output frames T.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public int Run(AcousticFeatures features, Span<float> destination, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return RunCore(features, destination, _runOptions, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions { LogSeverityLevel = _runOptions.LogSeverityLevel };
        using CancellationTokenRegistration registration =
            cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        return RunCore(features, destination, runOptions, cancellationToken);
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
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"OnnxAcousticModel('{_model}', {_signature.Input} -> {_signature.Output})");

    private static string CheckPath(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"ONNX model file '{modelPath}' does not exist.", modelPath);
        }

        return modelPath;
    }

    /// <summary>T × C, or an argument error when the output of these features could not fit in one array.</summary>
    private static int OutputLength(int frames, int classes)
    {
        long count = (long)frames * classes;
        return count <= Array.MaxLength
            ? (int)count
            : throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"These features give {frames} output frames × {classes} classes = {count} values, more than the largest array ({Array.MaxLength}); run shorter features."),
                "features");
    }

    private int GetOutputFramesFor(in AcousticFeatures features)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _timeAxis.CheckFeatures(features, FeatureDimension, _model, _signature.Input.ToString());
    }

    private unsafe int RunCore(in AcousticFeatures features, Span<float> destination, RunOptions runOptions, CancellationToken cancellationToken)
    {
        int frames = GetOutputFramesFor(features);
        int classes = Classes;
        int count = OutputLength(frames, classes);
        if (destination.Length < count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Destination holds {destination.Length} values; {frames} frames × {classes} classes need {count}."),
                nameof(destination));
        }

        Span<float> output = destination[..count];
        int inputLength = features.Frames * features.Dimension;
        long[] inputShape = _signature.InputHasBatch ? [1, features.Frames, features.Dimension] : [features.Frames, features.Dimension];
        long[] outputShape = _signature.OutputHasBatch ? [1, frames, classes] : [frames, classes];
        TensorElementType inputType = _signature.InputIsHalf ? TensorElementType.Float16 : TensorElementType.Float;
        long inputBytes = (long)inputLength * (_signature.InputIsHalf ? sizeof(Half) : sizeof(float));

        Half[]? rentedHalfInput = null;
        float[]? rentedSingleInput = null;
        Half[]? rentedHalfOutput = null;
        MemoryHandle inputPin = default;
        MemoryHandle outputPin = default;
        try
        {
            if (features.IsHalf == _signature.InputIsHalf)
            {
                inputPin = features.IsHalf ? features.Half.Pin() : features.Single.Pin();
            }
            else if (_signature.InputIsHalf)
            {
                rentedHalfInput = ArrayPool<Half>.Shared.Rent(inputLength);
                TensorPrimitives.ConvertToHalf(features.Single.Span, rentedHalfInput);
                inputPin = rentedHalfInput.AsMemory().Pin();
            }
            else
            {
                rentedSingleInput = ArrayPool<float>.Shared.Rent(inputLength);
                TensorPrimitives.ConvertToSingle(features.Half.Span, rentedSingleInput);
                inputPin = rentedSingleInput.AsMemory().Pin();
            }

            fixed (float* destinationPointer = output)
            {
                nint outputPointer = (nint)destinationPointer;
                long outputBytes = (long)count * sizeof(float);
                if (_signature.OutputIsHalf)
                {
                    rentedHalfOutput = ArrayPool<Half>.Shared.Rent(count);
                    outputPin = rentedHalfOutput.AsMemory().Pin();
                    outputPointer = (nint)outputPin.Pointer;
                    outputBytes = (long)count * sizeof(Half);
                }

                using OrtValue inputValue = OrtValue.CreateTensorValueWithData(
                    OrtMemoryInfo.DefaultInstance, inputType, inputShape, (nint)inputPin.Pointer, inputBytes);
                using OrtValue outputValue = OrtValue.CreateTensorValueWithData(
                    OrtMemoryInfo.DefaultInstance,
                    _signature.OutputIsHalf ? TensorElementType.Float16 : TensorElementType.Float,
                    outputShape,
                    outputPointer,
                    outputBytes);
                try
                {
                    _session.Run(runOptions, _inputNames, new[] { inputValue }, _outputNames, new[] { outputValue });
                }
                catch (OnnxRuntimeException e) when (runOptions.Terminate)
                {
                    throw new OperationCanceledException("The ONNX Runtime run was cancelled.", e, cancellationToken);
                }
                catch (OnnxRuntimeException e)
                {
                    throw new AcousticModelException(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"ONNX Runtime failed running model '{_model}' on features [{features.Frames}, {features.Dimension}] (expected output [{frames}, {classes}]): {e.Message}"),
                        e);
                }
            }

            if (rentedHalfOutput is not null)
            {
                TensorPrimitives.ConvertToSingle(rentedHalfOutput.AsSpan(0, count), output);
            }
        }
        finally
        {
            inputPin.Dispose();
            outputPin.Dispose();
            if (rentedHalfInput is not null)
            {
                ArrayPool<Half>.Shared.Return(rentedHalfInput);
            }

            if (rentedSingleInput is not null)
            {
                ArrayPool<float>.Shared.Return(rentedSingleInput);
            }

            if (rentedHalfOutput is not null)
            {
                ArrayPool<Half>.Shared.Return(rentedHalfOutput);
            }
        }

        AcousticOutput.Normalize(output, classes, Options, _model);
        return frames;
    }

    /// <summary>
    /// Rejects a model whose fixed time axis (read from the model file) gives a tensor no array can hold: its sizes are
    /// products of int dimensions, and such a model could never run.
    /// </summary>
    private void CheckArraySize(int frames, int width, string role, string unit)
    {
        long values = (long)frames * width;
        if (values > Array.MaxLength)
        {
            throw new AcousticModelException(string.Create(
                CultureInfo.InvariantCulture,
                $"Model '{_model}': its {role} of {frames} frames × {width} {unit} = {values} values exceeds the largest array ({Array.MaxLength}); the model cannot be run."));
        }
    }

    /// <summary>Runs the model on zeros of <paramref name="inputFrames"/> frames and returns its output frames.</summary>
    private int ProbeOutputFrames(int inputFrames)
    {
        int d = FeatureDimension;
        CheckArraySize(inputFrames, d, "input", "features");

        long[] shape = _signature.InputHasBatch ? [1, inputFrames, d] : [inputFrames, d];
        using OrtValue input = _signature.InputIsHalf
            ? OrtValue.CreateTensorValueFromMemory(
                OrtMemoryInfo.DefaultInstance, new Memory<Float16>(new Float16[inputFrames * d]), shape)
            : OrtValue.CreateTensorValueFromMemory(new float[inputFrames * d], shape);
        using IDisposableReadOnlyCollection<OrtValue> results = _session.Run(_runOptions, _inputNames, [input], _outputNames);
        long[] outputShape = results.First().GetTensorTypeAndShape().Shape;
        if (outputShape.Length != _signature.Output.Dimensions.Length)
        {
            throw new AcousticModelException(
                $"Model '{_model}': output {_signature.Output} came back with shape [{string.Join(", ", outputShape)}].");
        }

        if (outputShape[^1] != Classes)
        {
            throw OnnxModelSignature.ClassMismatch(_model, _signature.Output.ToString(), (int)outputShape[^1], Options);
        }

        return checked((int)outputShape[^2]);
    }
}
