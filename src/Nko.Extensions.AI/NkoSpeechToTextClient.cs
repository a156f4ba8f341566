using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nko.Audio;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Speech;
using TranscriptionOptions = Nko.Speech.TranscriptionOptions;

namespace Nko.Extensions.AI;

/// <summary>
/// Microsoft.Extensions.AI's <see cref="ISpeechToTextClient"/> over a <see cref="SpeechCorrectionPipeline"/>: WAV audio
/// in, corrected N'Ko text out.
/// </summary>
/// <remarks>
/// <para><b>Input.</b> The stream holds a WAV file (any format Nko.Audio reads; the header gives the rate and channels, so
/// <see cref="SpeechToTextOptions.SpeechSampleRate"/> is not needed and is ignored). It is read asynchronously to its end
/// and left open; a stream longer than <see cref="AudioReadOptions.MaxDataBytes"/> plus 1 MiB is refused with an
/// <see cref="AudioFormatException"/>.</para>
/// <para><b>Options.</b> <see cref="SpeechToTextOptions.AdditionalProperties"/> may carry <see cref="NkoSpeechProperties.Mode"/>
/// (the operating mode) and <see cref="NkoSpeechProperties.Correct"/> (correction on or off). <c>ModelId</c>,
/// <c>SpeechLanguage</c> and <c>TextLanguage</c> are not used: the pipeline has one model and writes N'Ko.</para>
/// <para><b>Results.</b> <see cref="GetTextAsync"/>'s response text is exactly <see cref="SpeechTranscription.Text"/>;
/// its <see cref="SpeechToTextResponse.RawRepresentation"/> is the <see cref="SpeechTranscription"/> (every window's
/// hypothesis, <see cref="CorrectionResult"/> with its edits, log-probs and timings), and its
/// <see cref="SpeechToTextResponse.AdditionalProperties"/> hold the hypothesis, decision, edit count, mode and window
/// count under the <see cref="NkoSpeechProperties"/> keys. <see cref="GetStreamingTextAsync"/> yields one
/// <see cref="SpeechToTextResponseUpdateKind.TextUpdated"/> update per audio window (see there).</para>
/// <para>Thread-safe when the pipeline is (the Nko back ends are). Disposing the client does not dispose the pipeline or
/// its model.</para>
/// </remarks>
public sealed class NkoSpeechToTextClient : ISpeechToTextClient
{
    /// <summary>The provider name in <see cref="Metadata"/>.</summary>
    public const string ProviderName = "nko";

    private const long HeaderAllowance = 1L << 20;

    private readonly ILogger _logger;

    /// <summary>Creates a client over <paramref name="pipeline"/>.</summary>
    /// <param name="pipeline">The speech pipeline (not disposed by the client).</param>
    /// <param name="modelId">The model id reported in <see cref="Metadata"/> and responses, e.g. the model file's name; <see langword="null"/> for the ranker config's name.</param>
    /// <param name="logger">Where failed transcriptions are logged (not cancellations); <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is <see langword="null"/>.</exception>
    public NkoSpeechToTextClient(SpeechCorrectionPipeline pipeline, string? modelId = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        Pipeline = pipeline;
        _logger = logger ?? NullLogger.Instance;
        ModelId = modelId ?? pipeline.Config.Name;
        Metadata = new SpeechToTextClientMetadata(ProviderName, providerUri: null, defaultModelId: ModelId);
    }

    /// <summary>The speech pipeline the client runs.</summary>
    public SpeechCorrectionPipeline Pipeline { get; }

    /// <summary>The ranker config of the pipeline.</summary>
    public RankerConfig Config => Pipeline.Config;

    /// <summary>The model id reported in <see cref="Metadata"/> and in every response.</summary>
    public string? ModelId { get; }

    /// <summary>The client's metadata: provider <see cref="ProviderName"/>, default model id <see cref="ModelId"/>.</summary>
    public SpeechToTextClientMetadata Metadata { get; }

    /// <summary>Transcribes a WAV stream and corrects it.</summary>
    /// <param name="audioSpeechStream">The WAV data (left open).</param>
    /// <param name="options">Mode and correction through <see cref="SpeechToTextOptions.AdditionalProperties"/>; see <see cref="NkoSpeechProperties"/>.</param>
    /// <param name="cancellationToken">Cancels the read and the transcription (checked between windows and before the model runs).</param>
    /// <returns>The corrected text, with the <see cref="SpeechTranscription"/> as raw representation.</returns>
    /// <exception cref="ArgumentException">The mode is unknown or an option has the wrong type.</exception>
    /// <exception cref="AudioFormatException">The data is not a WAV file Nko.Audio reads.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        TranscriptionOptions transcription = ToTranscriptionOptions(options);
        SpeechTranscription t;
        try
        {
            t = await Pipeline.TranscribeAsync(audioSpeechStream, transcription, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.TranscriptionFailed(_logger, ModelId, e);
            throw;
        }

        var properties = new AdditionalPropertiesDictionary
        {
            [NkoSpeechProperties.Hypothesis] = t.Hypothesis,
            [NkoSpeechProperties.EditCount] = t.EditCount,
            [NkoSpeechProperties.Windows] = t.Windows.Length,
        };
        if (t.Decision is { } decision)
        {
            properties[NkoSpeechProperties.Decision] = decision.ToString();
            properties[NkoSpeechProperties.Mode] = t.Windows[0].Correction!.Mode;
        }

        return new SpeechToTextResponse(t.Text)
        {
            ModelId = ModelId,
            StartTime = TimeSpan.Zero,
            EndTime = t.Duration,
            RawRepresentation = t,
            AdditionalProperties = properties,
        };
    }

    /// <summary>
    /// Transcribes a WAV stream window by window and yields one <see cref="SpeechToTextResponseUpdateKind.TextUpdated"/>
    /// update per audio window (the model's window, 15 s for the bundled recogniser) as soon as that window is done.
    /// </summary>
    /// <remarks>
    /// Each window is transcribed exactly as <see cref="SpeechCorrectionPipeline.Transcribe(ReadOnlyMemory{float}, TranscriptionOptions?, CancellationToken)"/>
    /// transcribes it inside the whole audio. An update's text is the window's text trimmed, preceded by one space when an
    /// earlier window had text, so the updates concatenated (<c>ToSpeechToTextResponseAsync</c>) give
    /// <see cref="GetTextAsync"/>'s text. <c>StartTime</c>/<c>EndTime</c> are the window's audio span; the raw
    /// representation is the <see cref="SpeechWindowResult"/> (index and start sample in the whole audio); the additional
    /// properties hold the window's hypothesis, decision, edit count, mode and index.
    /// </remarks>
    /// <param name="audioSpeechStream">The WAV data (left open).</param>
    /// <param name="options">Mode and correction; see <see cref="NkoSpeechProperties"/>.</param>
    /// <param name="cancellationToken">Cancels the read and the transcription.</param>
    /// <returns>One update per window.</returns>
    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        TranscriptionOptions transcription = ToTranscriptionOptions(options);
        byte[] bytes = await ReadBoundedAsync(audioSpeechStream, (transcription.Audio ?? AudioReadOptions.Default).MaxDataBytes + HeaderAllowance, cancellationToken).ConfigureAwait(false);
        float[] samples = await Task.Run(() => AudioLoader.LoadMono16k(bytes, transcription.Audio), cancellationToken).ConfigureAwait(false);

        int window = Pipeline.WindowSamples;
        int count = Math.Max(1, (int)((samples.LongLength + window - 1) / window));
        bool anyText = false;
        for (int k = 0; k < count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int start = (int)Math.Min((long)k * window, samples.Length);
            int length = Math.Min(window, samples.Length - start);
            SpeechTranscription t = await Pipeline.TranscribeAsync(samples.AsMemory(start, length), transcription, cancellationToken).ConfigureAwait(false);
            SpeechWindowResult w = t.Windows[0] with { Index = k, StartSample = start };
            string text = w.Text.Trim(' ');
            string updateText = anyText && text.Length > 0 ? " " + text : text;
            anyText |= text.Length > 0;

            var properties = new AdditionalPropertiesDictionary
            {
                [NkoSpeechProperties.Hypothesis] = w.Hypothesis.Trim(' '),
                [NkoSpeechProperties.EditCount] = w.Correction?.Edits.Length ?? 0,
                [NkoSpeechProperties.WindowIndex] = k,
            };
            if (w.Correction is { } correction)
            {
                properties[NkoSpeechProperties.Decision] = correction.Decision.ToString();
                properties[NkoSpeechProperties.Mode] = correction.Mode;
            }

            yield return new SpeechToTextResponseUpdate(updateText)
            {
                Kind = SpeechToTextResponseUpdateKind.TextUpdated,
                ModelId = ModelId,
                StartTime = w.Start,
                EndTime = w.Start + w.Duration,
                RawRepresentation = w,
                AdditionalProperties = properties,
            };
        }
    }

    /// <summary>
    /// Returns, for <paramref name="serviceKey"/> <see langword="null"/>: <see cref="Metadata"/> for
    /// <see cref="SpeechToTextClientMetadata"/>, the pipeline for <see cref="SpeechCorrectionPipeline"/> (and the interfaces
    /// it implements: <see cref="ISpeechCorrectionPipeline"/>, <see cref="ICorrectionPipeline"/>), the config for
    /// <see cref="RankerConfig"/>, this client for a type it is; otherwise <see langword="null"/>.
    /// </summary>
    /// <param name="serviceType">The type of service asked for.</param>
    /// <param name="serviceKey">A key; any non-null key gives <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(SpeechToTextClientMetadata))
        {
            return Metadata;
        }

        if (serviceType == typeof(RankerConfig))
        {
            return Config;
        }

        if (serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        return serviceType.IsInstanceOfType(Pipeline) ? Pipeline : null;
    }

    /// <summary>Does nothing: the client owns neither the pipeline nor its model.</summary>
    public void Dispose()
    {
    }

    /// <summary>Maps <see cref="SpeechToTextOptions"/> to the pipeline's <see cref="TranscriptionOptions"/>.</summary>
    /// <exception cref="ArgumentException">An Nko option has the wrong type, or the mode is unknown.</exception>
    internal TranscriptionOptions ToTranscriptionOptions(SpeechToTextOptions? options)
    {
        AdditionalPropertiesDictionary? properties = options?.AdditionalProperties;
        if (properties is null)
        {
            return TranscriptionOptions.Default;
        }

        string? mode = null;
        if (properties.TryGetValue(NkoSpeechProperties.Mode, out object? modeValue) && modeValue is not null)
        {
            mode = modeValue as string ?? throw new ArgumentException(
                $"SpeechToTextOptions.AdditionalProperties[\"{NkoSpeechProperties.Mode}\"] must be a string (a mode of the config: {string.Join(", ", Config.Modes.Select(m => m.Name))}); it is a {modeValue.GetType().Name}.",
                nameof(options));
            _ = Config.GetMode(mode); // unknown mode: ArgumentException listing the config's modes, before any audio is read
        }

        bool correct = true;
        if (properties.TryGetValue(NkoSpeechProperties.Correct, out object? correctValue) && correctValue is not null)
        {
            correct = correctValue switch
            {
                bool b => b,
                string s when bool.TryParse(s, out bool parsed) => parsed,
                _ => throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"SpeechToTextOptions.AdditionalProperties[\"{NkoSpeechProperties.Correct}\"] must be a bool (or \"true\"/\"false\"); it is {correctValue}."),
                    nameof(options)),
            };
        }

        return mode is null && correct ? TranscriptionOptions.Default : new TranscriptionOptions { Mode = mode, Correct = correct };
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw new AudioFormatException(string.Create(CultureInfo.InvariantCulture, $"The audio stream is longer than {limit} bytes (AudioReadOptions.MaxDataBytes plus 1 MiB of headers)."));
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
