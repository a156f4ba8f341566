namespace Nko.Asr;

/// <summary>
/// The first half of an <see cref="EncoderHeadChain"/>: input (usually a log-mel spectrogram <c>[mels, T_in]</c>, as
/// <see cref="InputContract"/> says) in, encoder features <c>[T, D]</c> out, for example a Whisper encoder.
/// </summary>
/// <remarks>Implementations document whether concurrent calls are safe; the ones in this package family are.</remarks>
public interface IAcousticEncoder : IDisposable
{
    /// <summary>What the encoder takes: input kind and width, window, frame reduction (no classes).</summary>
    AcousticInputContract InputContract { get; }

    /// <summary>The width D of the features the encoder emits.</summary>
    int OutputDimension { get; }

    /// <summary>The number of output frames T for <paramref name="inputFrames"/> input frames.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input is too short, or differs from a fixed window.</exception>
    int GetOutputFrames(int inputFrames);

    /// <summary>Runs the encoder writing float32 features <c>[T, D]</c> into <paramref name="destination"/> (length ≥ T × D); returns T.</summary>
    /// <exception cref="ArgumentException">The input does not fit <see cref="InputContract"/>, or the destination is too short.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    int Encode(AcousticFeatures input, Span<float> destination, CancellationToken cancellationToken = default);

    /// <summary>Runs the encoder and returns newly allocated float32 features <c>[T, D]</c>.</summary>
    /// <exception cref="ArgumentException">The input does not fit <see cref="InputContract"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    AcousticFeatures Encode(AcousticFeatures input, CancellationToken cancellationToken = default)
    {
        int frames = GetOutputFrames(input.Frames);
        long count = (long)frames * OutputDimension;
        if (count > Array.MaxLength)
        {
            throw new ArgumentException($"The encoder's output of {frames} frames × {OutputDimension} is larger than the largest array; encode shorter input.", nameof(input));
        }

        float[] values = new float[count];
        int written = Encode(input, values, cancellationToken);
        return AcousticFeatures.FromSingle(values.AsMemory(0, written * OutputDimension), written, OutputDimension);
    }

    /// <summary>Runs the encoder on a thread-pool thread and returns newly allocated features.</summary>
    ValueTask<AcousticFeatures> EncodeAsync(AcousticFeatures input, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<AcousticFeatures>(cancellationToken)
            : new ValueTask<AcousticFeatures>(Task.Run(() => Encode(input, cancellationToken), cancellationToken));
}
