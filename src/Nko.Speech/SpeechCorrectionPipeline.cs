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
    private readonly SpeechRecognizer _recognizer; // the model, with the quantisation round trip when asked for

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
        _recognizer = new SpeechRecognizer(model, Options.Quantization);
        _model = _recognizer.Model;
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

    private LogProbMatrix RunModel(AcousticFeatures features, CancellationToken cancellationToken) => _recognizer.Run(features, cancellationToken);
}
