using System.Buffers;
using Nko.Ctc;
using Nko.Asr;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.TurboQuant;

namespace Nko.Speech;

/// <summary>
/// The speech pipeline: encoder features in, corrected N'Ko text out, composed from an <see cref="IAcousticModel"/>
/// (ONNX Runtime, CoreML, …), an optional quantisation round trip (Nko.TurboQuant) and an <see cref="ICorrectionPipeline"/>.
/// </summary>
/// <remarks>
/// The log-probs of one run are decoded greedily and corrected on the same matrix (one pass, no re-run of the head per
/// candidate). The pipeline owns nothing it did not create: disposing it does not dispose the acoustic model.
/// Thread-safe when the acoustic model is (the ones in this package family are); quantisation buffers are rented per call.
/// </remarks>
public sealed class SpeechCorrectionPipeline : ISpeechCorrectionPipeline
{
    private readonly IAcousticModel _model;
    private readonly ICorrectionPipeline _correction;
    private Quantizer? _quantizer; // immutable and thread-safe; cached for the last feature width seen

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

        _model = model;
        _correction = correction;
        Options = options ?? SpeechPipelineOptions.Default;
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
    public SpeechCorrectionResult Correct(AcousticFeatures features, string? mode = null)
    {
        LogProbMatrix logProbs = Options.Quantization is { } q ? RunQuantized(features, q) : _model.Run(features);
        CorrectionResult result = _correction.Correct(new CorrectionRequest(logProbs) { Mode = mode });
        return new SpeechCorrectionResult(result, logProbs);
    }

    private LogProbMatrix RunQuantized(AcousticFeatures features, QuantOptions options)
    {
        Quantizer? quantizer = Volatile.Read(ref _quantizer);
        if (quantizer is null || quantizer.RowLength != features.Dimension)
        {
            quantizer = new Quantizer(options, features.Dimension);
            Volatile.Write(ref _quantizer, quantizer);
        }

        long encoded = quantizer.GetEncodedLength(features.Frames);
        if (encoded > int.MaxValue)
        {
            throw new ArgumentException("The features are too large to quantise in one buffer.", nameof(features));
        }

        int count = features.Frames * features.Dimension;
        byte[] packed = ArrayPool<byte>.Shared.Rent((int)encoded);
        float[] restored = ArrayPool<float>.Shared.Rent(count);
        try
        {
            Span<byte> packedSpan = packed.AsSpan(0, (int)encoded);
            if (features.IsHalf)
            {
                quantizer.Quantize(features.Half.Span, packedSpan);
            }
            else
            {
                quantizer.Quantize(features.Single.Span, packedSpan);
            }

            quantizer.Dequantize(packedSpan, restored.AsSpan(0, count));
            return _model.Run(AcousticFeatures.FromSingle(restored.AsMemory(0, count), features.Frames, features.Dimension));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(packed);
            ArrayPool<float>.Shared.Return(restored);
        }
    }
}
