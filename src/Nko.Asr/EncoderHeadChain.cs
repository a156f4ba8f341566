using System.Buffers;
using System.Globalization;
using Nko.Ctc;

namespace Nko.Asr;

/// <summary>
/// An acoustic model made of two: an <see cref="IAcousticEncoder"/> (e.g. a Whisper encoder, log-mel
/// <c>[128, 3000]</c> → features <c>[1500, D]</c>) and a CTC head (<see cref="IAcousticModel"/> on features
/// <c>[T, D]</c> → log-probs <c>[T / 4, C]</c>), with an optional <see cref="IFeatureTransform"/> between them. The
/// parts may come from different back ends (an ONNX encoder and a CoreML head, …).
/// </summary>
/// <remarks>
/// <para>Checked at construction: the encoder's output width equals the head's feature width, the head takes features,
/// and a head with a fixed window accepts what the encoder emits for its window.</para>
/// <para>One run encodes into a pooled buffer, transforms it in place, and runs the head on it; nothing proportional to
/// the input is allocated except the returned matrix. Cancellation is passed to each step and checked between them.
/// Thread-safe when both parts and the transform are.</para>
/// <para>Disposing the chain disposes the encoder and the head when it owns them (the default).</para>
/// </remarks>
public sealed class EncoderHeadChain : IAcousticModel
{
    private readonly bool _ownsParts;
    private int _disposed;

    /// <summary>Chains <paramref name="encoder"/> and <paramref name="head"/>.</summary>
    /// <param name="encoder">The encoder.</param>
    /// <param name="head">The CTC head; it must take <see cref="AcousticInputKind.Features"/> as wide as the encoder's output.</param>
    /// <param name="transform">A step between them (e.g. a quantisation round trip); <see langword="null"/> for none.</param>
    /// <param name="ownsParts">Whether <see cref="Dispose"/> disposes the encoder and the head. Default <see langword="true"/>.</param>
    /// <exception cref="AcousticModelException">The parts do not fit together (the message says how).</exception>
    public EncoderHeadChain(IAcousticEncoder encoder, IAcousticModel head, IFeatureTransform? transform = null, bool ownsParts = true)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(head);
        Encoder = encoder;
        Head = head;
        Transform = transform;
        _ownsParts = ownsParts;

        AcousticInputContract encoderContract = encoder.InputContract;
        AcousticInputContract headContract = head.InputContract;
        if (headContract.Kind != AcousticInputKind.Features)
        {
            throw new AcousticModelException($"The head {head} takes {headContract.DescribeInput()}, not encoder features; a chain's head must take [frames, D] features.");
        }

        if (head.FeatureDimension != encoder.OutputDimension)
        {
            throw new AcousticModelException(string.Create(
                CultureInfo.InvariantCulture,
                $"The encoder {encoder} emits features {encoder.OutputDimension} wide but the head {head} takes {head.FeatureDimension}; use a head trained on this encoder's output."));
        }

        int? windowOutput = null;
        FrameReduction? reduction = null;
        if (encoderContract.WindowFrames is int window)
        {
            int encoded = encoder.GetOutputFrames(window);
            try
            {
                windowOutput = head.GetOutputFrames(encoded);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new AcousticModelException(
                    string.Create(CultureInfo.InvariantCulture, $"The encoder emits {encoded} frames for its window of {window}, which the head {head} does not accept: {e.Message}"),
                    e);
            }
        }

        if (!encoderContract.IsWindowFixed && encoderContract.FrameReduction is FrameReduction first)
        {
            reduction = headContract.FrameReduction is FrameReduction second ? first.Then(second) : null;
        }

        InputContract = encoderContract with
        {
            FrameReduction = reduction,
            WindowOutputFrames = windowOutput,
            Classes = head.Vocabulary.Count,
            BlankIndex = head.Vocabulary.BlankIndex,
        };
    }

    /// <summary>The encoder.</summary>
    public IAcousticEncoder Encoder { get; }

    /// <summary>The CTC head.</summary>
    public IAcousticModel Head { get; }

    /// <summary>The step between encoder and head; <see langword="null"/> when none.</summary>
    public IFeatureTransform? Transform { get; }

    /// <inheritdoc />
    public CtcVocabulary Vocabulary => Head.Vocabulary;

    /// <inheritdoc />
    /// <remarks>The encoder's input width (mel bands for a log-mel encoder).</remarks>
    public int FeatureDimension => InputContract.Dimension;

    /// <inheritdoc />
    /// <remarks>The encoder's input contract, with the chain's frame rule, its window's output frames and the head's classes.</remarks>
    public AcousticInputContract InputContract { get; }

    /// <summary>
    /// A chain over the same encoder and head with another <paramref name="transform"/> (or none). The new chain does not
    /// own the parts: dispose this one (or the parts) when done with both.
    /// </summary>
    public EncoderHeadChain WithTransform(IFeatureTransform? transform) => new(Encoder, Head, transform, ownsParts: false);

    /// <inheritdoc />
    public int GetOutputFrames(int inputFrames) => Head.GetOutputFrames(Encoder.GetOutputFrames(inputFrames));

    /// <inheritdoc />
    public LogProbMatrix Run(AcousticFeatures features) => Run(features, CancellationToken.None);

    /// <inheritdoc />
    public int Run(AcousticFeatures features, Span<float> destination) => Run(features, destination, CancellationToken.None);

    /// <inheritdoc />
    public LogProbMatrix Run(AcousticFeatures features, CancellationToken cancellationToken)
    {
        (int frames, int dimension) = Begin(features, cancellationToken);
        float[] buffer = Rent(frames, dimension);
        try
        {
            return Head.Run(EncodeInto(features, buffer, frames, dimension, cancellationToken), cancellationToken);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public int Run(AcousticFeatures features, Span<float> destination, CancellationToken cancellationToken)
    {
        (int frames, int dimension) = Begin(features, cancellationToken);
        float[] buffer = Rent(frames, dimension);
        try
        {
            AcousticFeatures encoded = EncodeInto(features, buffer, frames, dimension, cancellationToken);
            return Head.Run(encoded, destination, cancellationToken);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Runs the chain and also returns the head's input (the encoder's features after the transform), for parity checks
    /// and diagnostics.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public (AcousticFeatures Encoded, LogProbMatrix LogProbs) RunWithFeatures(AcousticFeatures features, CancellationToken cancellationToken = default)
    {
        (int frames, int dimension) = Begin(features, cancellationToken);
        float[] buffer = new float[(long)frames * dimension];
        AcousticFeatures encoded = EncodeInto(features, buffer, frames, dimension, cancellationToken);
        return (encoded, Head.Run(encoded, cancellationToken));
    }

    /// <inheritdoc />
    /// <remarks>The run executes on a thread-pool thread; the token reaches the encoder, the transform and the head.</remarks>
    public ValueTask<LogProbMatrix> RunAsync(AcousticFeatures features, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<LogProbMatrix>(cancellationToken)
            : new ValueTask<LogProbMatrix>(Task.Run(() => Run(features, cancellationToken), cancellationToken));

    /// <summary>Disposes the encoder and the head when the chain owns them.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || !_ownsParts)
        {
            return;
        }

        try
        {
            Encoder.Dispose();
        }
        finally
        {
            Head.Dispose();
        }
    }

    // Every run's first step: the chain is not disposed, the call not cancelled; the encoder's output shape for the input.
    private (int Frames, int Dimension) Begin(AcousticFeatures features, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        int dimension = Encoder.OutputDimension;
        return (Encoder.GetOutputFrames(features.Frames), dimension);
    }

    /// <inheritdoc />
    public override string ToString() => Transform is null
        ? $"EncoderHeadChain({Encoder} -> {Head})"
        : $"EncoderHeadChain({Encoder} -> {Transform} -> {Head})";

    private static float[] Rent(int frames, int dimension)
    {
        long count = (long)frames * dimension;
        return count <= Array.MaxLength
            ? ArrayPool<float>.Shared.Rent((int)count)
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The encoder's output of {frames} frames × {dimension} is larger than the largest array; run shorter input."), "features");
    }

    private AcousticFeatures EncodeInto(in AcousticFeatures features, float[] buffer, int frames, int dimension, CancellationToken cancellationToken)
    {
        int written = Encoder.Encode(features, buffer, cancellationToken);
        if (written != frames)
        {
            throw new AcousticModelException(string.Create(
                CultureInfo.InvariantCulture,
                $"The encoder {Encoder} wrote {written} frames for {features.Frames} input frames, but said it would write {frames}."));
        }

        Memory<float> encoded = buffer.AsMemory(0, frames * dimension);
        if (Transform is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Transform.Transform(encoded.Span, frames, dimension, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return AcousticFeatures.FromSingle(encoded, frames, dimension);
    }
}
