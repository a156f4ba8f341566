using System.Buffers;
using Nko.Ctc;
using Nko.Asr;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.TurboQuant;

namespace Nko.Speech;

/// <summary>
/// The speech pipeline: audio (a WAV file, a stream or 16 kHz samples) or encoder features in, corrected N'Ko text out,
/// composed from an <see cref="IAcousticModel"/> (ONNX Runtime, CoreML, …, or an <see cref="EncoderHeadChain"/>), an
/// optional quantisation round trip (Nko.TurboQuant) and an <see cref="ICorrectionPipeline"/>.
/// </summary>
/// <remarks>
/// The log-probs of one run are decoded greedily and corrected on the same matrix (one pass, no re-run of the head per
/// candidate). The pipeline owns nothing it did not create: disposing it does not dispose the acoustic model.
/// Thread-safe when the acoustic model is (the ones in this package family are); quantisation buffers are rented per call.
/// </remarks>
public sealed partial class SpeechCorrectionPipeline : ISpeechCorrectionPipeline
{
    private readonly IAcousticModel _model;
    private readonly ICorrectionPipeline _correction;
    private readonly QuantizationTransform? _quantization; // features in front of a single model

    /// <summary>Composes a pipeline.</summary>
    /// <exception cref="ArgumentException">The acoustic model's vocabulary differs from the correction config's.</exception>
    public SpeechCorrectionPipeline(IAcousticModel model, ICorrectionPipeline correction, SpeechPipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(correction);
        if (!model.Vocabulary.Equals(correction.Config.Vocabulary))
        {
            throw new ArgumentException(
                $"The acoustic model's vocabulary ({model.Vocabulary}) differs from the ranker config's ({correction.Config.Vocabulary}); use a config trained for this model.",
                nameof(correction));
        }

        _correction = correction;
        Options = options ?? SpeechPipelineOptions.Default;
        if (Options.Quantization is { } q)
        {
            // With an encoder and a head, the round trip goes between them; with one model, on its input features.
            var transform = new QuantizationTransform(q);
            if (model is EncoderHeadChain chain)
            {
                model = chain.WithTransform(transform);
            }
            else
            {
                _quantization = transform;
            }
        }

        _model = model;
    }

    /// <inheritdoc />
    public RankerConfig Config => _correction.Config;

    /// <summary>The pipeline's options.</summary>
    public SpeechPipelineOptions Options { get; }

    /// <summary>Creates a pipeline from an acoustic model and a ranker config file.</summary>
    public static SpeechCorrectionPipeline Create(IAcousticModel model, string rankerConfigPath, SpeechPipelineOptions? options = null) =>
        new(model, new CorrectionPipeline(RankerConfig.Load(rankerConfigPath)), options);

    /// <inheritdoc />
    public CorrectionResult Correct(CorrectionRequest request, CancellationToken cancellationToken = default) => _correction.Correct(request, cancellationToken);

    /// <inheritdoc />
    public SpeechCorrectionResult Correct(AcousticFeatures features, string? mode = null) => Correct(features, mode, CancellationToken.None);

    /// <summary>
    /// Runs the acoustic model (or chain) on <paramref name="features"/> and corrects the greedy hypothesis; the token
    /// reaches the model, the quantisation round trip and the correction.
    /// </summary>
    /// <param name="features">Encoder features <c>[T_in, D]</c>, or a log-mel spectrogram for a model or chain that starts at log-mel.</param>
    /// <param name="mode">Operating mode; the config's default when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <exception cref="ArgumentException">Quantisation is on and a single model is given log-mel (quantisation applies to encoder features: use an <see cref="EncoderHeadChain"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public SpeechCorrectionResult Correct(AcousticFeatures features, string? mode, CancellationToken cancellationToken)
    {
        LogProbMatrix logProbs = RunModel(features, cancellationToken);
        CorrectionResult result = _correction.Correct(new CorrectionRequest(logProbs) { Mode = mode }, cancellationToken);
        return new SpeechCorrectionResult(result, logProbs);
    }

    /// <summary>As <see cref="Correct(AcousticFeatures, string?, CancellationToken)"/>, on a thread-pool thread.</summary>
    public ValueTask<SpeechCorrectionResult> CorrectAsync(AcousticFeatures features, string? mode = null, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<SpeechCorrectionResult>(cancellationToken)
            : new ValueTask<SpeechCorrectionResult>(Task.Run(() => Correct(features, mode, cancellationToken), cancellationToken));

    private LogProbMatrix RunModel(AcousticFeatures features, CancellationToken cancellationToken) =>
        _quantization is { } q ? RunQuantized(features, q, cancellationToken) : _model.Run(features, cancellationToken);

    private LogProbMatrix RunQuantized(AcousticFeatures features, QuantizationTransform quantization, CancellationToken cancellationToken)
    {
        if (features.Kind != AcousticInputKind.Features)
        {
            throw new ArgumentException(
                "Quantization applies to encoder features, but the model is given a log-mel spectrogram; chain an encoder and a head (EncoderHeadChain) to quantise between them.",
                nameof(features));
        }

        long count = (long)features.Frames * features.Dimension;
        if (count > Array.MaxLength)
        {
            throw new ArgumentException("The features are too large to quantise in one buffer.", nameof(features));
        }

        float[] restored = ArrayPool<float>.Shared.Rent((int)count);
        try
        {
            Span<float> span = restored.AsSpan(0, (int)count);
            if (features.IsHalf)
            {
                System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(features.Half.Span, span);
            }
            else
            {
                features.Single.Span.CopyTo(span);
            }

            quantization.Transform(span, features.Frames, features.Dimension, cancellationToken);
            return _model.Run(AcousticFeatures.FromSingle(restored.AsMemory(0, (int)count), features.Frames, features.Dimension), cancellationToken);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(restored);
        }
    }
}
