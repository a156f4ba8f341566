using Nko.Asr;
using Nko.Ctc;
using Nko.TurboQuant;

namespace Nko.Speech;

/// <summary>
/// Recognition without correction: an <see cref="IAcousticModel"/> (or <see cref="EncoderHeadChain"/>), the optional
/// quantisation round trip of its features, and greedy CTC decoding — the first half of
/// <see cref="SpeechCorrectionPipeline"/>, for callers that have no ranker config (the <c>nko asr</c> and
/// <c>nko quant-gate</c> commands).
/// </summary>
/// <remarks>
/// With quantisation and an <see cref="EncoderHeadChain"/>, the round trip runs between encoder and head; with one model,
/// on its input features, dequantised straight to their element type (float16 features stay float16). Thread-safe when
/// the model is; does not dispose the model.
/// </remarks>
public sealed class SpeechRecognizer
{
    private readonly QuantizationTransform? _quantization; // features in front of a single model

    /// <summary>Creates a recogniser over <paramref name="model"/>.</summary>
    /// <param name="model">The acoustic model or chain.</param>
    /// <param name="quantization">When set, the quantise → dequantise round trip of the features before the model (or between encoder and head).</param>
    public SpeechRecognizer(IAcousticModel model, QuantOptions? quantization = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (quantization is not null)
        {
            var transform = new QuantizationTransform(quantization);
            if (model is EncoderHeadChain chain)
            {
                model = chain.WithTransform(transform);
            }
            else
            {
                _quantization = transform;
            }
        }

        Model = model;
        Quantization = quantization;
    }

    /// <summary>The model run (a chain given with quantisation is a new chain with the round trip between its parts).</summary>
    public IAcousticModel Model { get; }

    /// <summary>The quantisation, or <see langword="null"/> for none.</summary>
    public QuantOptions? Quantization { get; }

    /// <summary>The model's vocabulary.</summary>
    public CtcVocabulary Vocabulary => Model.Vocabulary;

    /// <summary>Runs the model (after the optional round trip) on <paramref name="features"/>.</summary>
    /// <exception cref="ArgumentException">Quantisation is on and a single model is given log-mel (use an <see cref="EncoderHeadChain"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public LogProbMatrix Run(AcousticFeatures features, CancellationToken cancellationToken = default) =>
        _quantization is { } q ? q.Run(Model, features, cancellationToken) : Model.Run(features, cancellationToken);

    /// <summary>The greedy CTC text of <paramref name="logProbs"/> over the model's vocabulary.</summary>
    public string Decode(LogProbMatrix logProbs)
    {
        CtcVocabulary vocabulary = Model.Vocabulary;
        return vocabulary.Decode(GreedyDecoder.Decode(logProbs, vocabulary.BlankIndex).Labels.AsSpan());
    }

    /// <summary>Runs the model on <paramref name="features"/> and decodes the log-probs greedily.</summary>
    /// <exception cref="ArgumentException">Quantisation is on and a single model is given log-mel.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public SpeechRecognition Recognize(AcousticFeatures features, CancellationToken cancellationToken = default)
    {
        LogProbMatrix logProbs = Run(features, cancellationToken);
        return new SpeechRecognition(Decode(logProbs), logProbs);
    }
}
