using System.Buffers;
using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Nko.Asr;

namespace Nko.Asr.Onnx;

/// <summary>
/// What <see cref="OnnxAcousticModel"/> and <see cref="OnnxAcousticEncoder"/> share: the session, the resolved signature,
/// time axis and contract, and one run that reads the caller's input and writes the caller's float32 destination.
/// </summary>
internal sealed class OnnxSessionCore : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly bool _isCtcModel;
    private volatile bool _disposed;

    /// <summary>Loads a model file; <see langword="null"/> options are the defaults.</summary>
    public static OnnxSessionCore Open(string modelPath, AcousticModelOptions? options, OnnxSessionOptions? sessionOptions, bool isCtcModel) =>
        new(
            OnnxPaths.Check(modelPath),
            Path.GetFileName(modelPath),
            static (path, so) => new InferenceSession((string)path, so),
            options ?? AcousticModelOptions.Default,
            sessionOptions ?? OnnxSessionOptions.Default,
            isCtcModel);

    /// <summary>Loads a model from its serialized bytes; <see langword="null"/> options are the defaults.</summary>
    public static OnnxSessionCore Open(byte[] model, AcousticModelOptions? options, OnnxSessionOptions? sessionOptions, bool isCtcModel)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new(
            model,
            "<in-memory model>",
            static (bytes, so) => new InferenceSession((byte[])bytes, so),
            options ?? AcousticModelOptions.Default,
            sessionOptions ?? OnnxSessionOptions.Default,
            isCtcModel);
    }

    private OnnxSessionCore(
        object source,
        string modelName,
        Func<object, SessionOptions, InferenceSession> open,
        AcousticModelOptions options,
        OnnxSessionOptions sessionOptions,
        bool isCtcModel)
    {
        ArgumentNullException.ThrowIfNull(options.Vocabulary, "options.Vocabulary");
        Name = modelName;
        Options = options;
        SessionOptions = sessionOptions;
        _isCtcModel = isCtcModel;
        using (SessionOptions so = sessionOptions.CreateSessionOptions())
        {
            try
            {
                _session = open(source, so);
            }
            catch (OnnxRuntimeException e)
            {
                throw new AcousticModelException($"ONNX Runtime cannot load model '{Name}': {e.Message}", e);
            }
        }

        _runOptions = new RunOptions();
        try
        {
            _runOptions.LogSeverityLevel = sessionOptions.VerboseLogging ? OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING : OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
            Metadata = options.ReadMetadata
                ? AcousticModelMetadata.Parse(_session.ModelMetadata.CustomMetadataMap, Name)
                : AcousticModelMetadata.Empty;
            Signature = OnnxModelSignature.Resolve(
                Name,
                _session.InputMetadata.Select(kv => OnnxTensorDescription.From(kv.Key, kv.Value)).ToList(),
                _session.OutputMetadata.Select(kv => OnnxTensorDescription.From(kv.Key, kv.Value)).ToList(),
                options,
                Metadata,
                isCtcModel);
            _inputNames = [Signature.Input.Name];
            _outputNames = [Signature.Output.Name];
            OutputWidth = isCtcModel ? options.Vocabulary.Count : Signature.Classes;
            TimeAxis = TimeAxis.Resolve<OnnxRuntimeException>(
                Name,
                Signature.InputFrames,
                Signature.OutputFrames,
                AcousticInputContract.ResolveFrameReduction(Name, options, Metadata),
                ProbeOutputFrames);
            if (TimeAxis.FixedInputFrames is int fixedFrames)
            {
                CheckArraySize(fixedFrames, Signature.FeatureDimension, "input", "features");
                CheckArraySize(TimeAxis.GetOutputFrames(fixedFrames, Name), OutputWidth, "output", isCtcModel ? "classes" : "features");
            }

            Contract = AcousticInputContract.Resolve(Name, Signature.InputKind, Signature.FeatureDimension, TimeAxis, Metadata, options, isCtcModel);
        }
        catch
        {
            _runOptions.Dispose();
            _session.Dispose();
            throw;
        }
    }

    public string Name { get; }

    public AcousticModelOptions Options { get; }

    public OnnxSessionOptions SessionOptions { get; }

    public AcousticModelMetadata Metadata { get; }

    public OnnxModelSignature Signature { get; }

    public TimeAxis TimeAxis { get; }

    public AcousticInputContract Contract { get; }

    /// <summary>Values per output frame: the classes of a CTC model, D of an encoder.</summary>
    public int OutputWidth { get; }

    public RunOptions DefaultRunOptions => _runOptions;

    /// <summary>T × W, or an argument error when the output of this input could not fit in one array.</summary>
    public static int OutputLength(int frames, int width)
    {
        long count = (long)frames * width;
        return count <= Array.MaxLength
            ? (int)count
            : throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"This input gives {frames} output frames × {width} = {count} values, more than the largest array ({Array.MaxLength}); run shorter input."),
                "features");
    }

    public int GetOutputFramesFor(in AcousticFeatures features)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return TimeAxis.CheckFeatures(features, Signature.InputKind, Signature.FeatureDimension, Name, Signature.DescribeInput());
    }

    /// <summary>Runs with cancellation that stops ONNX Runtime mid-run; returns T. The output is not normalised.</summary>
    public int Run(in AcousticFeatures features, Span<float> destination, CancellationToken cancellationToken)
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

    public override string ToString() => $"'{Name}', {Signature.Input} -> {Signature.Output}";

    private unsafe int RunCore(in AcousticFeatures features, Span<float> destination, RunOptions runOptions, CancellationToken cancellationToken)
    {
        int frames = GetOutputFramesFor(features);
        int width = OutputWidth;
        int count = OutputLength(frames, width);
        if (destination.Length < count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Destination holds {destination.Length} values; {frames} frames × {width} {(_isCtcModel ? "classes" : "features")} need {count}."),
                nameof(destination));
        }

        Span<float> output = destination[..count];
        int inputLength = features.Frames * features.Dimension;
        long[] inputShape = Signature.InputShape(features.Frames, features.Dimension);
        long[] outputShape = Signature.OutputHasBatch ? [1, frames, width] : [frames, width];
        TensorElementType inputType = Signature.InputIsHalf ? TensorElementType.Float16 : TensorElementType.Float;
        long inputBytes = (long)inputLength * (Signature.InputIsHalf ? sizeof(Half) : sizeof(float));

        Half[]? rentedHalfInput = null;
        float[]? rentedSingleInput = null;
        Half[]? rentedHalfOutput = null;
        MemoryHandle inputPin = default;
        MemoryHandle outputPin = default;
        try
        {
            if (features.IsHalf == Signature.InputIsHalf)
            {
                inputPin = features.IsHalf ? features.Half.Pin() : features.Single.Pin();
            }
            else if (Signature.InputIsHalf)
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
                if (Signature.OutputIsHalf)
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
                    Signature.OutputIsHalf ? TensorElementType.Float16 : TensorElementType.Float,
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
                            $"ONNX Runtime failed running model '{Name}' on input {Describe(inputShape)} (expected output [{frames}, {width}]): {e.Message}"),
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

        return frames;
    }

    private static string Describe(long[] shape) => "[" + string.Join(", ", shape) + "]";

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
                $"Model '{Name}': its {role} of {frames} frames × {width} {unit} = {values} values exceeds the largest array ({Array.MaxLength}); the model cannot be run."));
        }
    }

    /// <summary>Runs the model on zeros of <paramref name="inputFrames"/> frames and returns its output frames.</summary>
    private int ProbeOutputFrames(int inputFrames)
    {
        int d = Signature.FeatureDimension;
        CheckArraySize(inputFrames, d, "input", "features");

        long[] shape = Signature.InputShape(inputFrames, d);
        using OrtValue input = Signature.InputIsHalf
            ? OrtValue.CreateTensorValueFromMemory(
                OrtMemoryInfo.DefaultInstance, new Memory<Float16>(new Float16[inputFrames * d]), shape)
            : OrtValue.CreateTensorValueFromMemory(new float[inputFrames * d], shape);
        using IDisposableReadOnlyCollection<OrtValue> results = _session.Run(_runOptions, _inputNames, [input], _outputNames);
        long[] outputShape = results.First().GetTensorTypeAndShape().Shape;
        if (outputShape.Length != Signature.Output.Dimensions.Length)
        {
            throw new AcousticModelException(
                $"Model '{Name}': output {Signature.Output} came back with shape [{string.Join(", ", outputShape)}].");
        }

        if (outputShape[^1] != OutputWidth)
        {
            throw _isCtcModel
                ? BackEndSignature.ClassMismatch(Name, Signature.Output.ToString(), (int)outputShape[^1], Options)
                : new AcousticModelException($"Model '{Name}': output {Signature.Output} came back with shape [{string.Join(", ", outputShape)}], not {OutputWidth} wide.");
        }

        return checked((int)outputShape[^2]);
    }
}
