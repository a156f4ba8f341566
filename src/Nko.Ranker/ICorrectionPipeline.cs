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
    /// <exception cref="ArgumentException">The log-probs do not match the vocabulary, hold NaN/+∞, the hypothesis holds characters outside the vocabulary, or the mode is unknown.</exception>
    CorrectionResult Correct(CorrectionRequest request);
}
