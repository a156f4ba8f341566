using System.Runtime.ExceptionServices;

namespace Nko.Asr.CoreML.Interop;

/// <summary>
/// What to do with a prediction's output while CoreML lends its bytes (inside <c>getBytesWithHandler:</c>): check the
/// shape against the expected <c>[T, C]</c>, check that every element the strides reach lies inside the reported bytes,
/// and copy into the float32 destination. The real handler and the test fake both call <see cref="Accept"/>; nothing in
/// it may throw into native frames, so failures are kept and rethrown by <see cref="ThrowIfFailed"/>.
/// </summary>
internal sealed unsafe class OutputRequest
{
    private float* _destination;
    private int _destinationLength;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Frames the caller expects, or -1 to accept any (a probe).</summary>
    public int ExpectedFrames { get; private set; }

    /// <summary>Classes the caller expects.</summary>
    public int ExpectedClasses { get; private set; }

    /// <summary>Whether the handler ran.</summary>
    public bool Ran { get; private set; }

    /// <summary>Whether the values were copied into the destination.</summary>
    public bool Copied { get; private set; }

    /// <summary>The output's frames T as read inside the handler.</summary>
    public int Frames { get; private set; }

    /// <summary>The output's classes C as read inside the handler.</summary>
    public int Classes { get; private set; }

    /// <summary>Prepares a read into <paramref name="destination"/> (T × C floats; null for a probe that only reads the shape).</summary>
    public void Reset(float* destination, int destinationLength, int expectedFrames, int expectedClasses)
    {
        _destination = destination;
        _destinationLength = destinationLength;
        ExpectedFrames = expectedFrames;
        ExpectedClasses = expectedClasses;
        Ran = false;
        Copied = false;
        Frames = 0;
        Classes = 0;
        _failure = null;
    }

    /// <summary>Records a failure met while gathering the view (e.g. a nil shape), to be rethrown after the handler.</summary>
    public void Fail(Exception e)
    {
        Ran = true;
        _failure ??= ExceptionDispatchInfo.Capture(e);
    }

    /// <summary>The handler's body. Never throws.</summary>
    public void Accept(in MultiArrayView view)
    {
        Ran = true;
        try
        {
            if (view.Data == 0)
            {
                throw new FormatException("CoreML lent no bytes for the output.");
            }

            if (view.Shape.Length != view.Strides.Length)
            {
                throw new FormatException($"Output shape [{MultiArrayLayout.Join(view.Shape)}] and strides [{MultiArrayLayout.Join(view.Strides)}] differ in rank.");
            }

            (int frames, int classes) = MultiArrayLayout.FramesAndClasses(view.Shape);
            Frames = frames;
            Classes = classes;
            int elementSize = MultiArrayDataTypes.ElementSize(view.DataType);
            MultiArrayBounds.Check(view.Shape, view.Strides, elementSize, view.ByteCount);
            if (_destination is null || classes != ExpectedClasses || frames != ExpectedFrames || (long)frames * classes != _destinationLength)
            {
                return; // the caller reports the mismatch with the model's context
            }

            MultiArrayLayout.CopyToSingle((void*)view.Data, view.DataType, view.Shape, view.Strides, new Span<float>(_destination, _destinationLength));
            Copied = true;
        }
        catch (Exception e)
        {
            _failure ??= ExceptionDispatchInfo.Capture(e);
        }
    }

    /// <summary>Rethrows a failure kept by <see cref="Accept"/> or <see cref="Fail"/>.</summary>
    public void ThrowIfFailed() => _failure?.Throw();
}
