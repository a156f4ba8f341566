using System.Buffers;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.Versioning;
using Nko.Asr.CoreML.Interop;
using Nko.Ctc;
using Nko.Asr;

namespace Nko.Asr.CoreML;

/// <summary>
/// An acoustic back end over Apple CoreML, called through the Objective-C runtime (no Xamarin/MAUI workload):
/// encoder features <c>[T_in, D]</c> in, CTC log-probs <c>[T, C]</c> out.
/// </summary>
/// <remarks>
/// <para><b>Platforms.</b> macOS, iOS and Mac Catalyst. Elsewhere the constructor throws
/// <see cref="PlatformNotSupportedException"/>; use <c>Nko.Asr.Onnx</c> there. See <see cref="IsSupported"/>.</para>
/// <para><b>Models.</b> A compiled <c>.mlmodelc</c> loads directly; a <c>.mlmodel</c> or <c>.mlpackage</c> is compiled
/// first (see <see cref="CoreMLModelOptions.CompiledModelDirectory"/>).</para>
/// <para><b>Copies.</b> The caller's features are pinned and wrapped as the input <c>MLMultiArray</c> without copying when
/// their element type is the model's (float32 by default; Half for a float16 input); otherwise they are converted once
/// into a pooled buffer. CoreML allocates the output; it is read once, whatever its element type and strides, into the
/// float32 destination.</para>
/// <para><b>Thread safety.</b> All run methods may be called from any thread; calls on one instance are serialised by a
/// lock (CoreML does not document concurrent predictions on one <c>MLModel</c> as safe), so concurrent callers are safe
/// but do not run in parallel: load one instance per concurrent stream for parallelism. Each call runs inside its own
/// autorelease pool and releases every Objective-C object it created. Cancellation is checked before a run starts; a
/// CoreML prediction in progress cannot be interrupted.</para>
/// </remarks>
public sealed partial class CoreMLAcousticModel : IAcousticModel
{
    private readonly ICoreMLApi _api;
    private readonly Lock _gate = new();
    private readonly nint _model;
    private readonly CoreMLModelSignature _signature;
    private readonly string _name;
    private readonly string? _temporaryCompiledModel;
    private readonly TimeAxis _timeAxis;
    private bool _disposed;

    /// <summary>Loads a CoreML model (<c>.mlmodelc</c>, or <c>.mlmodel</c> / <c>.mlpackage</c>, which are compiled first).</summary>
    /// <param name="modelPath">Path of the model.</param>
    /// <param name="options">Back-end-independent options; <see langword="null"/> for <see cref="AcousticModelOptions.Default"/>.</param>
    /// <param name="coreMLOptions">CoreML settings; <see langword="null"/> for <see cref="CoreMLModelOptions.Default"/>.</param>
    /// <exception cref="PlatformNotSupportedException">Not running on macOS, iOS or Mac Catalyst.</exception>
    /// <exception cref="FileNotFoundException">The model does not exist.</exception>
    /// <exception cref="CoreMLException">CoreML cannot compile or load the model (the <c>NSError</c> is in the message), or this
    /// OS version lacks the requested compute units.</exception>
    /// <exception cref="IOException">A compiled model cannot be kept in <see cref="CoreMLModelOptions.CompiledModelDirectory"/>.</exception>
    /// <remarks>Blocks while a <c>.mlmodel</c> or <c>.mlpackage</c> compiles (CoreML's synchronous <c>compileModelAtURL:error:</c>)
    /// and while the model loads; construct on a background thread in UI code.</remarks>
    /// <exception cref="AcousticModelException">The model's inputs and outputs do not fit the options.</exception>
    public CoreMLAcousticModel(string modelPath, AcousticModelOptions? options = null, CoreMLModelOptions? coreMLOptions = null)
        : this(modelPath, options, coreMLOptions, CreatePlatformApi())
    {
    }

    internal CoreMLAcousticModel(string modelPath, AcousticModelOptions? options, CoreMLModelOptions? coreMLOptions, ICoreMLApi api)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        _api = api;
        Options = options ?? AcousticModelOptions.Default;
        CoreMLOptions = coreMLOptions ?? CoreMLModelOptions.Default;
        _name = Path.GetFileName(Path.TrimEndingDirectorySeparator(modelPath));
        EnsureAvailable(_api, CoreMLOptions);
        if (!File.Exists(modelPath) && !Directory.Exists(modelPath))
        {
            throw new FileNotFoundException($"CoreML model '{modelPath}' does not exist.", modelPath);
        }

        string extension = Path.GetExtension(Path.TrimEndingDirectorySeparator(modelPath)).ToLowerInvariant();
        string compiled;
        switch (extension)
        {
            case ".mlmodelc":
                compiled = modelPath;
                break;
            case ".mlmodel" or ".mlpackage":
                compiled = Compile(modelPath, out _temporaryCompiledModel);
                break;
            default:
                throw new AcousticModelException(
                    $"'{modelPath}' is not a CoreML model: expected a .mlmodelc folder, a .mlmodel file or a .mlpackage folder.");
        }

        nint pool = _api.PushPool();
        try
        {
            _model = _api.Load(compiled, CoreMLOptions);
            _signature = CoreMLModelSignature.Resolve(_name, _api.Describe(_model), Options);
            FeatureDimension = _signature.FeatureDimension;
        }
        catch
        {
            if (_model != 0)
            {
                _api.Release(_model);
            }

            DeleteTemporaryModel();
            throw;
        }
        finally
        {
            _api.PopPool(pool);
        }

        try
        {
            _timeAxis = TimeAxis.Resolve<CoreMLException>(_name, (int)_signature.InputFrames, (int)_signature.OutputFrames, Options.FrameReduction, ProbeOutputFrames);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Whether CoreML exists on this platform (macOS, iOS, Mac Catalyst).</summary>
    [SupportedOSPlatformGuard("macos")]
    [SupportedOSPlatformGuard("ios")]
    [SupportedOSPlatformGuard("maccatalyst")]
    public static bool IsSupported => OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() || OperatingSystem.IsMacCatalyst();

    /// <inheritdoc />
    public CtcVocabulary Vocabulary => Options.Vocabulary;

    /// <inheritdoc />
    public int FeatureDimension { get; }

    /// <summary>Number of output classes C (equal to the vocabulary's count).</summary>
    public int Classes => Options.Vocabulary.Count;

    /// <summary>The back-end-independent options this model was loaded with.</summary>
    public AcousticModelOptions Options { get; }

    /// <summary>The CoreML settings this model was loaded with.</summary>
    public CoreMLModelOptions CoreMLOptions { get; }

    /// <summary>The name of the input feature in use.</summary>
    public string InputName => _signature.Input.Name;

    /// <summary>The name of the output feature in use.</summary>
    public string OutputName => _signature.Output.Name;

    /// <summary>The input-to-output frame rule for a flexible time axis; <see langword="null"/> when the time axis is fixed.</summary>
    public FrameReduction? FrameReduction => _timeAxis.FrameReduction;

    /// <summary>The only input length the model accepts when its time axis is fixed; <see langword="null"/> when flexible.</summary>
    public int? FixedInputFrames => _timeAxis.FixedInputFrames;

    /// <inheritdoc />
    public int GetOutputFrames(int inputFrames) => _timeAxis.GetOutputFrames(inputFrames, _name);

    /// <inheritdoc />
    public LogProbMatrix Run(AcousticFeatures features) => Run(features, CancellationToken.None);

    /// <summary>Runs the model and returns a newly allocated log-prob matrix; cancellation is checked before the run starts.</summary>
    public LogProbMatrix Run(AcousticFeatures features, CancellationToken cancellationToken)
    {
        int frames = CheckFeatures(features);
        float[] values = new float[OutputLength(frames, Classes)];
        Run(features, values, cancellationToken);
        return new LogProbMatrix(values, frames, Classes);
    }

    /// <inheritdoc />
    public int Run(AcousticFeatures features, Span<float> destination) => Run(features, destination, CancellationToken.None);

    /// <summary>Runs the model writing into <paramref name="destination"/>; returns T. Cancellation is checked before the run starts.</summary>
    public int Run(AcousticFeatures features, Span<float> destination, CancellationToken cancellationToken)
    {
        int frames = CheckFeatures(features);
        int count = OutputLength(frames, Classes);
        if (destination.Length < count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Destination holds {destination.Length} values; {frames} frames × {Classes} classes need {count}."),
                nameof(destination));
        }

        Span<float> output = destination[..count];
        lock (_gate)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(_disposed, this);
            Predict(features, output, frames);
        }

        AcousticOutput.Normalize(output, Classes, Options, _name);
        return frames;
    }

    /// <inheritdoc />
    /// <remarks>The prediction runs on a thread-pool thread.</remarks>
    public ValueTask<LogProbMatrix> RunAsync(AcousticFeatures features, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<LogProbMatrix>(cancellationToken);
        }

        return new ValueTask<LogProbMatrix>(Task.Run(() => Run(features, cancellationToken), cancellationToken));
    }

    /// <summary>Releases the CoreML model (and deletes a temporary compiled copy). Waits for a run in progress.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_model != 0)
            {
                nint pool = _api.PushPool(); // objects autoreleased while the model deallocates go here, not to a pool-less thread
                try
                {
                    _api.Release(_model);
                }
                finally
                {
                    _api.PopPool(pool);
                }
            }

            DeleteTemporaryModel();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"CoreMLAcousticModel('{_name}', {_signature.Input} -> {_signature.Output})";

    private static ICoreMLApi CreatePlatformApi()
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException(
                $"Nko.Asr.CoreML needs Apple's CoreML (macOS, iOS or Mac Catalyst) and this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}. Use Nko.Asr.Onnx instead: OnnxAcousticModel runs the same head exported to ONNX on every OS.");
        }

        return ObjCCoreMLApi.Instance;
    }

    private string Compile(string modelPath, out string? temporary)
    {
        nint pool = _api.PushPool();
        string compiled;
        try
        {
            compiled = _api.Compile(modelPath);
        }
        finally
        {
            _api.PopPool(pool);
        }

        if (CoreMLOptions.CompiledModelDirectory is not string directory)
        {
            temporary = compiled;
            return compiled;
        }

        temporary = null;
        return CompiledModelStore.Keep(compiled, directory, Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(modelPath)));
    }

    private void DeleteTemporaryModel() => CompiledModelStore.DeleteQuietly(_temporaryCompiledModel);

    private int CheckFeatures(in AcousticFeatures features) =>
        _timeAxis.CheckFeatures(features, FeatureDimension, _name, _signature.Input.ToString());
}
