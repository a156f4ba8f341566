using Nko.Ranker.Configuration;

namespace Nko.Ranker;

/// <summary>
/// The one interface app teams program against: an utterance's CTC log-probs (and optionally its hypothesis) in,
/// COPY or a deterministic corrected string out.
/// </summary>
/// <remarks>Implementations are immutable after construction and safe to call from many threads at once.</remarks>
public interface ICorrectionPipeline
{
    /// <summary>The frozen config the pipeline applies.</summary>
    RankerConfig Config { get; }

    /// <summary>Corrects one utterance.</summary>
    /// <param name="request">The utterance.</param>
    /// <param name="cancellationToken">Cancels the call between correction rounds.</param>
    /// <exception cref="ArgumentException">The log-probs do not match the vocabulary, hold NaN/+∞, the hypothesis holds characters outside the vocabulary, or the mode is unknown.</exception>
    /// <exception cref="CorrectionLimitException">The input exceeds the pipeline's limits (see <see cref="CorrectionLimits"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    CorrectionResult Correct(CorrectionRequest request, CancellationToken cancellationToken = default);
}
