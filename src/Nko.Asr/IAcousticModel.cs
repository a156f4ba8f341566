using Nko.Ctc;

namespace Nko.Asr;

/// <summary>
/// An acoustic back end: input <c>[T_in, D]</c> encoder features (or a <c>[mels, T_in]</c> log-mel spectrogram, as
/// <see cref="InputContract"/> says) in, CTC log-probs <c>[T, C]</c> over <see cref="Vocabulary"/> out.
/// </summary>
/// <remarks>
/// Implementations document whether concurrent calls are safe; the ones in this package family are.
/// Results are always log-softmax normalised log-probabilities, whatever the model emits.
/// </remarks>
public interface IAcousticModel : IDisposable
{
    /// <summary>The vocabulary (and blank convention) of the model's output classes.</summary>
    CtcVocabulary Vocabulary { get; }

    /// <summary>The feature width D the model expects (the number of mel bands for a log-mel model).</summary>
    int FeatureDimension { get; }

    /// <summary>
    /// What the model takes: input kind and width, window, frame reduction, classes and blank. The default (for back ends
    /// that state no contract) is <see cref="AcousticInputContract.ForFeatures(int)"/> of <see cref="FeatureDimension"/>.
    /// </summary>
    AcousticInputContract InputContract => AcousticInputContract.ForFeatures(FeatureDimension);

    /// <summary>The number of output frames T for <paramref name="inputFrames"/> input frames.</summary>
    int GetOutputFrames(int inputFrames);

    /// <summary>Runs the model and returns a newly allocated log-prob matrix.</summary>
    LogProbMatrix Run(AcousticFeatures features);

    /// <summary>Runs the model writing the log-probs into <paramref name="destination"/> (length ≥ T × C); returns T.</summary>
    int Run(AcousticFeatures features, Span<float> destination);

    /// <summary>
    /// Runs the model and returns a newly allocated log-prob matrix, observing <paramref name="cancellationToken"/>. The
    /// default checks the token once before a <see cref="Run(AcousticFeatures)"/>; back ends that can stop mid-run override it.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    LogProbMatrix Run(AcousticFeatures features, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Run(features);
    }

    /// <summary>
    /// Runs the model writing the log-probs into <paramref name="destination"/>, observing
    /// <paramref name="cancellationToken"/>; returns T. The default checks the token once before the run.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    int Run(AcousticFeatures features, Span<float> destination, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Run(features, destination);
    }

    /// <summary>Runs the model without blocking the caller's thread.</summary>
    ValueTask<LogProbMatrix> RunAsync(AcousticFeatures features, CancellationToken cancellationToken = default);
}
