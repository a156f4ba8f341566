using System.Buffers;
using System.Globalization;
using System.Numerics.Tensors;
using Nko.Asr;
using Nko.Asr.CoreML.Interop;

namespace Nko.Asr.CoreML;

// The prediction path: lending the input, running CoreML, reading the output inside getBytesWithHandler:.
public sealed partial class CoreMLAcousticModel
{
    private readonly OutputRequest _request = new();
    private int _inputsHeldByCoreML;

    /// <summary>
    /// Predictions after which CoreML still held the input array (its deallocator had not run when the prediction was
    /// over), so the input memory stayed pinned until CoreML released it. Expected to stay 0; for tests and diagnostics.
    /// </summary>
    internal int InputsHeldByCoreML => Volatile.Read(ref _inputsHeldByCoreML);

    /// <summary>
    /// Throws before anything is sent to CoreML when this OS version lacks what <paramref name="options"/> asks for:
    /// an Objective-C exception (an unknown enum value) would abort the process instead of surfacing as an exception.
    /// </summary>
    internal static void EnsureAvailable(ICoreMLApi api, CoreMLModelOptions options)
    {
        // The value itself is a defined one: CoreMLModelOptions checks it when it is set.
        OSRequirement? requirement = OSRequirement.ForComputeUnits(options.ComputeUnits);

        if (requirement is not null && !api.IsAvailable(requirement))
        {
            throw new CoreMLException(
                $"ComputeUnits = {options.ComputeUnits} needs {requirement.Versions} or later ({requirement.Feature}); use CoreMLComputeUnits.All (which includes the Neural Engine) or CpuAndGpu on this OS.");
        }
    }

    /// <summary>T × C as an array length, or an argument error when the output of these features could not fit in one array.</summary>
    internal static int OutputLength(int frames, int classes)
    {
        long count = (long)frames * classes;
        return count <= Array.MaxLength
            ? (int)count
            : throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"These features give {frames} output frames × {classes} classes = {count} values, more than the largest array ({Array.MaxLength}); run shorter features."),
                "features");
    }

    private long[] InputShape(int frames) =>
        _signature.InputRank == 3 ? [1, frames, FeatureDimension] : [frames, FeatureDimension];

    /// <summary>One prediction into <paramref name="output"/> (T × C); the caller holds the lock.</summary>
    private unsafe void Predict(in AcousticFeatures features, Span<float> output, int expectedFrames)
    {
        InputLease lease = LendInput(features, _signature.InputType);
        fixed (float* destination = output)
        {
            _request.Reset(destination, output.Length, expectedFrames, Classes);
            Infer(lease, InputShape(features.Frames));
        }

        CheckOutput();
        if (_request.Frames != expectedFrames)
        {
            throw new AcousticModelException(string.Create(
                CultureInfo.InvariantCulture,
                $"Model '{_name}' returned {_request.Frames} frames for {features.Frames} input frames, but {expectedFrames} were expected ({(object?)FrameReduction ?? "fixed axis"}); set AcousticModelOptions.FrameReduction to the model's rule."));
        }

        if (!_request.Copied)
        {
            throw new CoreMLException($"Model '{_name}': the output {_signature.Output.Name} was not read.");
        }
    }

    /// <summary>Runs the model on zeros of <paramref name="inputFrames"/> frames and returns its output frames.</summary>
    private unsafe int ProbeOutputFrames(int inputFrames)
    {
        long bytes = (long)inputFrames * FeatureDimension * MultiArrayDataTypes.ElementSize(_signature.InputType);
        if (bytes > Array.MaxLength)
        {
            throw new AcousticModelException(string.Create(
                CultureInfo.InvariantCulture,
                $"Model '{_name}': a probe of {inputFrames} frames × {FeatureDimension} features needs {bytes} bytes, more than one array holds; set AcousticModelOptions.FrameReduction."));
        }

        byte[] zeros = new byte[bytes];
        InputLease lease = InputLease.Register(zeros.AsMemory().Pin(), null);
        _request.Reset(null, 0, -1, Classes);
        Infer(lease, InputShape(inputFrames));
        CheckOutput();
        return _request.Frames;
    }

    /// <summary>Pins the features (or a converted pooled copy in the model's element type) under a lease CoreML's deallocator ends.</summary>
    private static InputLease LendInput(in AcousticFeatures features, MultiArrayDataType type)
    {
        int length = features.Frames * features.Dimension;
        switch (type)
        {
            case MultiArrayDataType.Float32 when !features.IsHalf:
                return InputLease.Register(features.Single.Pin(), null);
            case MultiArrayDataType.Float16 when features.IsHalf:
                return InputLease.Register(features.Half.Pin(), null);
            case MultiArrayDataType.Float32:
            {
                float[] rented = ArrayPool<float>.Shared.Rent(length);
                TensorPrimitives.ConvertToSingle(features.Half.Span, rented);
                return InputLease.Register(rented.AsMemory().Pin(), rented);
            }

            case MultiArrayDataType.Float16:
            {
                Half[] rented = ArrayPool<Half>.Shared.Rent(length);
                TensorPrimitives.ConvertToHalf(features.Single.Span, rented);
                return InputLease.Register(rented.AsMemory().Pin(), rented);
            }

            default:
            {
                double[] rented = ArrayPool<double>.Shared.Rent(length);
                Span<double> wide = rented.AsSpan(0, length);
                if (features.IsHalf)
                {
                    ReadOnlySpan<Half> source = features.Half.Span;
                    for (int i = 0; i < wide.Length; i++)
                    {
                        wide[i] = (double)source[i];
                    }
                }
                else
                {
                    TensorPrimitives.ConvertChecked<float, double>(features.Single.Span, wide);
                }

                return InputLease.Register(rented.AsMemory().Pin(), rented);
            }
        }
    }

    /// <summary>
    /// Wraps the leased input, predicts, reads the output into <see cref="_request"/>, then releases the array and pops
    /// the pool. The lease's memory is unpinned by CoreML's deallocator, never here: if CoreML still holds the array, the
    /// memory stays pinned (and counted in <see cref="InputsHeldByCoreML"/>).
    /// </summary>
    private unsafe void Infer(InputLease lease, long[] shape)
    {
        nint pool = _api.PushPool();
        nint array = 0;
        try
        {
            array = _api.CreateMultiArray((void*)lease.Data, _signature.InputType, shape, MultiArrayLayout.ContiguousStrides(shape));
            nint prediction = _api.Predict(_model, _signature.Input.Name, array);
            _api.ReadOutput(prediction, _signature.Output.Name, _request);
        }
        finally
        {
            if (array != 0)
            {
                _api.Release(array);
            }

            _api.PopPool(pool);
            if (!lease.IsReleased)
            {
                Interlocked.Increment(ref _inputsHeldByCoreML);
            }
        }
    }

    /// <summary>Rethrows a failure met inside the handler with the model's context, then checks the class count.</summary>
    private void CheckOutput()
    {
        try
        {
            _request.ThrowIfFailed();
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException)
        {
            throw new AcousticModelException($"Model '{_name}': output {_signature.Output.Name}: {e.Message}", e);
        }

        if (_request.Classes != Classes)
        {
            throw BackEndSignature.ClassMismatch(_name, _signature.Output.ToString(), _request.Classes, Options);
        }
    }
}
