using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Numerics.Tensors;
using Nko.Asr;
using Nko.Audio;
using Nko.Ctc;
using Nko.Diagnostics;
using Nko.Ranker;

namespace Nko.Speech;

/// <summary>Speech in: audio → Whisper log-mel per window → model → greedy → correction.</summary>
public sealed partial class SpeechCorrectionPipeline
{
    /// <summary>The sample rate of the audio the front end works on, in Hz (audio read from files and streams is resampled to it).</summary>
    public const int SampleRate = WhisperLogMel.SampleRate;

    /// <summary>Bytes a WAV stream may carry beyond <see cref="AudioReadOptions.MaxDataBytes"/> (headers and other chunks) before an async read stops.</summary>
    private const long HeaderAllowance = 1L << 20;

    private LogMelFrontEnd? _frontEnd;

    /// <summary>
    /// The window of the audio front end in 16 kHz samples: the model's own window (<see cref="AcousticInputContract.WindowSamples"/>,
    /// e.g. 240,000 = 15 s for <c>nko_tts_ctc.onnx</c>), or Whisper's 30 s (480,000) for a log-mel model that states none.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model does not take log-mel (it cannot be fed audio).</exception>
    public int WindowSamples => FrontEnd.WindowSamples;

    private LogMelFrontEnd FrontEnd => _frontEnd ??= LogMelFrontEnd.For(_model);

    /// <summary>
    /// Transcribes 16 kHz mono samples: cuts them into windows, computes each window's Whisper log-mel, runs the model,
    /// decodes greedily and corrects.
    /// </summary>
    /// <remarks>
    /// <para><b>Windows.</b> The audio is cut into consecutive, non-overlapping windows of <see cref="WindowSamples"/>
    /// samples; the last (or only) one is zero-padded to the full window, and each window's log-mel is computed on its
    /// padded audio (<c>log_mel_spectrogram(pad_or_trim(window, WindowSamples))</c> with the model's mel count) — the front
    /// end behind the <c>nko-tts-asr</c> data sets. Empty audio is one window of silence. The windows' texts are joined as
    /// <see cref="SpeechTranscription"/> says.</para>
    /// <para><b>Correction.</b> Each window is corrected on its own log-probs with its <see cref="SpeechWindowResult.AsrScore"/>
    /// (the mean best log-prob over the frames that overlap audio, as in the data sets the ranker configs are trained on).</para>
    /// <para>The token is checked before each step of each window and reaches the model and the correction.</para>
    /// <para>Each transcription is counted, timed and traced on <see cref="SpeechTelemetry"/>'s meter and activity source
    /// (<c>"Nko.Speech"</c>); nothing is allocated for it when nothing listens.</para>
    /// </remarks>
    /// <param name="samples">16 kHz mono samples, full scale ±1.</param>
    /// <param name="options">Mode and whether to correct; <see cref="TranscriptionOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the transcription.</param>
    /// <exception cref="ArgumentException">A sample is NaN or infinite, or the mode is unknown.</exception>
    /// <exception cref="InvalidOperationException">The model takes encoder features rather than log-mel.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public SpeechTranscription Transcribe(ReadOnlyMemory<float> samples, TranscriptionOptions? options = null, CancellationToken cancellationToken = default) =>
        TranscribeCore(samples.Span, options ?? TranscriptionOptions.Default, TimeSpan.Zero, cancellationToken);

    /// <summary>Reads a WAV file (any rate and channel count this family reads), resamples it to 16 kHz mono and transcribes it.</summary>
    /// <param name="path">The WAV file.</param>
    /// <param name="options">Mode, correction and audio read options; <see cref="TranscriptionOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the transcription.</param>
    /// <exception cref="AudioFormatException">The file is not a WAV file Nko.Audio reads (the message says why).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="ArgumentException">The mode is unknown, or the audio holds NaN or infinity.</exception>
    /// <exception cref="InvalidOperationException">The model takes encoder features rather than log-mel.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public SpeechTranscription Transcribe(string path, TranscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return TranscribeLoaded(path, static (source, read) => AudioLoader.LoadMono16k(source, read), options, cancellationToken);
    }

    /// <summary>Reads WAV data from a stream (seekable or not; left open), resamples it to 16 kHz mono and transcribes it.</summary>
    /// <param name="audio">The WAV data.</param>
    /// <param name="options">Mode, correction and audio read options; <see cref="TranscriptionOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the transcription.</param>
    /// <exception cref="AudioFormatException">The data is not a WAV file Nko.Audio reads (the message says why).</exception>
    /// <exception cref="ArgumentException">The mode is unknown, or the audio holds NaN or infinity.</exception>
    /// <exception cref="InvalidOperationException">The model takes encoder features rather than log-mel.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public SpeechTranscription Transcribe(Stream audio, TranscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        return TranscribeLoaded(audio, static (source, read) => AudioLoader.LoadMono16k(source, read), options, cancellationToken);
    }

    /// <summary>As <see cref="Transcribe(ReadOnlyMemory{float}, TranscriptionOptions?, CancellationToken)"/>, on a thread-pool thread.</summary>
    /// <param name="samples">16 kHz mono samples, full scale ±1; not modified, and not to be modified until the task completes.</param>
    /// <param name="options">Mode and whether to correct.</param>
    /// <param name="cancellationToken">Cancels the transcription.</param>
    public Task<SpeechTranscription> TranscribeAsync(ReadOnlyMemory<float> samples, TranscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= TranscriptionOptions.Default;
        return cancellationToken.IsCancellationRequested
            ? Task.FromCanceled<SpeechTranscription>(cancellationToken)
            : Task.Run(() => TranscribeCore(samples.Span, options, TimeSpan.Zero, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Reads WAV data from a stream asynchronously (left open), then decodes, resamples and transcribes it on a
    /// thread-pool thread. The read stops with an <see cref="AudioFormatException"/> once the stream has given more than
    /// <see cref="AudioReadOptions.MaxDataBytes"/> plus 1 MiB.
    /// </summary>
    /// <param name="audio">The WAV data.</param>
    /// <param name="options">Mode, correction and audio read options.</param>
    /// <param name="cancellationToken">Cancels the read and the transcription.</param>
    public async Task<SpeechTranscription> TranscribeAsync(Stream audio, TranscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        options ??= TranscriptionOptions.Default;
        Prepare(options);
        long started = Stopwatch.GetTimestamp();
        byte[] bytes = await ReadBoundedAsync(audio, (options.Audio ?? AudioReadOptions.Default).MaxDataBytes + HeaderAllowance, cancellationToken).ConfigureAwait(false);
        TimeSpan read = Stopwatch.GetElapsedTime(started);
        return await Task.Run(
            () =>
            {
                long decodeStarted = Stopwatch.GetTimestamp();
                float[] samples = AudioLoader.LoadMono16k(bytes, options.Audio);
                return TranscribeCore(samples, options, read + Stopwatch.GetElapsedTime(decodeStarted), cancellationToken);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a WAV file asynchronously, then decodes, resamples and transcribes it on a thread-pool thread.</summary>
    /// <param name="path">The WAV file.</param>
    /// <param name="options">Mode, correction and audio read options.</param>
    /// <param name="cancellationToken">Cancels the read and the transcription.</param>
    public async Task<SpeechTranscription> TranscribeAsync(string path, TranscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            return await TranscribeAsync(stream, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the audio with the options' read settings (its time counts as front end), then transcribes it.</summary>
    private SpeechTranscription TranscribeLoaded<TSource>(TSource source, Func<TSource, AudioReadOptions?, float[]> load, TranscriptionOptions? options, CancellationToken cancellationToken)
    {
        options ??= TranscriptionOptions.Default;
        Prepare(options);
        long started = Stopwatch.GetTimestamp();
        float[] samples = load(source, options.Audio);
        return TranscribeCore(samples, options, Stopwatch.GetElapsedTime(started), cancellationToken);
    }

    /// <summary>Checks what can be checked before any audio is read: the model takes log-mel, the mode exists.</summary>
    private void Prepare(TranscriptionOptions options)
    {
        _ = FrontEnd;
        if (options.Correct)
        {
            _ = _correction.Config.GetMode(options.Mode);
        }
    }

    private SpeechTranscription TranscribeCore(ReadOnlySpan<float> samples, TranscriptionOptions options, TimeSpan loadTime, CancellationToken cancellationToken)
    {
        Prepare(options);
        Activity? activity = SpeechTelemetry.Start();
        try
        {
            SpeechTranscription transcription = TranscribeWindows(samples, options, loadTime, cancellationToken);
            SpeechTelemetry.Record(transcription, options.Correct ? _correction.Config.GetMode(options.Mode).Name : null, activity);
            return transcription;
        }
        catch (Exception e) when (activity is not null)
        {
            FailedSpan.Mark(activity, e);
            throw;
        }
        finally
        {
            activity?.Dispose();
        }
    }

    private SpeechTranscription TranscribeWindows(ReadOnlySpan<float> samples, TranscriptionOptions options, TimeSpan loadTime, CancellationToken cancellationToken)
    {
        LogMelFrontEnd frontEnd = FrontEnd;
        int count = frontEnd.WindowCount(samples.Length);
        int melLength = checked(frontEnd.Mels * frontEnd.WindowFrames);
        float[] mel = ArrayPool<float>.Shared.Rent(melLength);
        var windows = ImmutableArray.CreateBuilder<SpeechWindowResult>(count);
        try
        {
            for (int k = 0; k < count; k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int start = (int)Math.Min((long)k * frontEnd.WindowSamples, samples.Length);
                int length = Math.Min(frontEnd.WindowSamples, samples.Length - start);
                long t0 = Stopwatch.GetTimestamp();
                frontEnd.Compute(samples.Slice(start, length), mel.AsSpan(0, melLength));
                long t1 = Stopwatch.GetTimestamp();

                cancellationToken.ThrowIfCancellationRequested();
                LogProbMatrix logProbs = RunModel(AcousticFeatures.FromLogMel(mel.AsMemory(0, melLength), frontEnd.Mels, frontEnd.WindowFrames), cancellationToken);
                long t2 = Stopwatch.GetTimestamp();

                cancellationToken.ThrowIfCancellationRequested();
                int speechFrames = SpeechFrames(length, frontEnd.WindowSamples, logProbs.Frames);
                double asrScore = MeanBestLogProb(logProbs, speechFrames);
                CorrectionResult? correction = null;
                string hypothesis;
                if (options.Correct)
                {
                    correction = _correction.Correct(new CorrectionRequest(logProbs) { Mode = options.Mode, AsrScore = asrScore }, cancellationToken);
                    hypothesis = correction.Hypothesis;
                }
                else
                {
                    GreedyResult greedy = GreedyDecoder.Decode(logProbs, _model.Vocabulary.BlankIndex);
                    hypothesis = _model.Vocabulary.Decode(greedy.Labels.AsSpan());
                }

                long t3 = Stopwatch.GetTimestamp();
                var timings = new SpeechTimings(Stopwatch.GetElapsedTime(t0, t1), Stopwatch.GetElapsedTime(t1, t2), Stopwatch.GetElapsedTime(t2, t3));
                windows.Add(new SpeechWindowResult(k, start, length, speechFrames, asrScore, hypothesis, correction, logProbs, timings));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(mel);
        }

        return new SpeechTranscription(windows.MoveToImmutable(), samples.Length, frontEnd.WindowSamples, loadTime);
    }

    /// <summary>
    /// The output frames that overlap <paramref name="samples"/> samples of audio at the start of a window of
    /// <paramref name="windowSamples"/> samples that gives <paramref name="frames"/> output frames:
    /// <c>ceil(samples × frames / windowSamples)</c>, at most <paramref name="frames"/> (the data sets' <c>speech_frames</c>).
    /// </summary>
    /// <param name="samples">Audio samples at the start of the window (0 or more).</param>
    /// <param name="windowSamples">The window in samples (1 or more).</param>
    /// <param name="frames">The model's output frames for the window (0 or more).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static int SpeechFrames(int samples, int windowSamples, int frames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowSamples);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        return (int)Math.Min(frames, (((long)samples * frames) + windowSamples - 1) / windowSamples);
    }

    /// <summary>
    /// The recogniser's self-score as the data sets define <c>asr_score</c>: the mean over the first
    /// <paramref name="speechFrames"/> frames of the largest log-prob of each frame (over all frames when it is 0).
    /// </summary>
    /// <param name="logProbs">The log-probs (at least one frame).</param>
    /// <param name="speechFrames">The frames that overlap audio (see <see cref="SpeechFrames"/>).</param>
    /// <exception cref="ArgumentException">The matrix has no frames.</exception>
    public static double MeanBestLogProb(LogProbMatrix logProbs, int speechFrames)
    {
        if (logProbs.Frames == 0)
        {
            throw new ArgumentException("The log-probs have no frames.", nameof(logProbs));
        }

        int frames = speechFrames > 0 ? Math.Min(speechFrames, logProbs.Frames) : logProbs.Frames;
        double sum = 0;
        for (int t = 0; t < frames; t++)
        {
            sum += TensorPrimitives.Max(logProbs.Row(t));
        }

        return sum / frames;
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        using var buffer = stream.CanSeek && stream.Length - stream.Position is long left and >= 0 and <= int.MaxValue
            ? new MemoryStream((int)Math.Min(left, limit))
            : new MemoryStream();
        byte[] chunk = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw new AudioFormatException($"The audio stream is longer than {limit} bytes (AudioReadOptions.MaxDataBytes plus {HeaderAllowance} bytes of headers); raise MaxDataBytes to read it.");
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }
}
