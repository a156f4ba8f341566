using Nko.Ctc;

namespace Nko.Asr;

/// <summary>
/// An acoustic back end: encoder features <c>[T_in, D]</c> in, CTC log-probs <c>[T, C]</c> over <see cref="Vocabulary"/> out.
/// </summary>
/// <remarks>
/// Implementations document whether concurrent calls are safe; the ones in this package family are.
/// Results are always log-softmax normalised log-probabilities, whatever the model emits.
/// </remarks>
public interface IAcousticModel : IDisposable
{
    /// <summary>The vocabulary (and blank convention) of the model's output classes.</summary>
    CtcVocabulary Vocabulary { get; }

    /// <summary>The feature width D the model expects.</summary>
    int FeatureDimension { get; }

    /// <summary>The number of output frames T for <paramref name="inputFrames"/> input frames.</summary>
    int GetOutputFrames(int inputFrames);

    /// <summary>Runs the model and returns a newly allocated log-prob matrix.</summary>
    LogProbMatrix Run(AcousticFeatures features);

    /// <summary>Runs the model writing the log-probs into <paramref name="destination"/> (length ≥ T × C); returns T.</summary>
    int Run(AcousticFeatures features, Span<float> destination);

    /// <summary>Runs the model without blocking the caller's thread.</summary>
    ValueTask<LogProbMatrix> RunAsync(AcousticFeatures features, CancellationToken cancellationToken = default);
}
