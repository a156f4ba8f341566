using Nko.Asr;
using Nko.Asr.Onnx;
using Nko.Ranker;
using Nko.Ranker.Configuration;

namespace Nko.Speech.Tests;

/// <summary>The audio entry points' contracts: what they refuse, cancellation, empty audio, window arithmetic.</summary>
public sealed class TranscribeApiTests
{
    private static readonly Lazy<SpeechCorrectionPipeline> Speech = new(() => SpeechCorrectionPipeline.Create(SpeechTestData.Model, SpeechTestData.ConfigPath));

    [Fact]
    public void A_features_model_cannot_be_fed_audio()
    {
        using var head = new OnnxAcousticModel(Path.Combine(AppContext.BaseDirectory, "Fixtures", "ctc_head_tiny.onnx"));
        var speech = new SpeechCorrectionPipeline(head, new CorrectionPipeline(RankerConfig.Load(Nko.Testing.RepositoryPaths.Combine("models", "candidate_ranker_v1.json"))));
        var e = Assert.Throws<InvalidOperationException>(() => speech.Transcribe(new float[16000]));
        Assert.Contains("not a log-mel spectrogram", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_mode_and_non_finite_samples_are_argument_errors()
    {
        var e = Assert.Throws<ArgumentException>(() => Speech.Value.Transcribe(new float[1600], new TranscriptionOptions { Mode = "nope" }));
        Assert.Contains("Unknown mode 'nope'", e.Message, StringComparison.Ordinal);
        float[] bad = new float[1600];
        bad[7] = float.NaN;
        Assert.Throws<ArgumentException>(() => Speech.Value.Transcribe(bad));
    }

    [Fact]
    public void Cancellation_is_observed_sync_and_async()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => Speech.Value.Transcribe(new float[16000], cancellationToken: cts.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => Speech.Value.TranscribeAsync(new float[16000], cancellationToken: cts.Token).GetAwaiter().GetResult());
        using var stream = new MemoryStream(new byte[64]);
        Assert.ThrowsAny<OperationCanceledException>(() => Speech.Value.TranscribeAsync(stream, cancellationToken: cts.Token).GetAwaiter().GetResult());
    }

    [Fact]
    public void Not_a_wav_stream_is_an_audio_format_error()
    {
        using var stream = new MemoryStream("ID3\u0004 not a wav file at all"u8.ToArray());
        Assert.Throws<Nko.Audio.AudioFormatException>(() => Speech.Value.Transcribe(stream));
    }

    [Fact]
    public void Empty_and_silent_audio_give_one_window_and_empty_text()
    {
        SpeechTranscription empty = Speech.Value.Transcribe(ReadOnlyMemory<float>.Empty);
        Assert.Single(empty.Windows);
        Assert.Equal(string.Empty, empty.Text);
        SpeechTranscription silence = Speech.Value.Transcribe(new float[3 * 16000]);
        Assert.Equal(75, silence.Windows[0].SpeechFrames);
        Assert.Equal(string.Empty, silence.Text);
        Assert.Equal(CorrectionDecision.Copy, silence.Decision);
    }

    [Theory]
    [InlineData(0, 240000, 375, 0)]
    [InlineData(1, 240000, 375, 1)]
    [InlineData(640, 240000, 375, 1)]
    [InlineData(641, 240000, 375, 2)]
    [InlineData(51158, 240000, 375, 80)]
    [InlineData(240000, 240000, 375, 375)]
    public void Speech_frames_are_the_output_frames_that_overlap_audio(int samples, int window, int frames, int expected) =>
        Assert.Equal(expected, SpeechCorrectionPipeline.SpeechFrames(samples, window, frames));

    [Fact]
    public void Window_is_the_models_own()
    {
        Assert.Equal(240000, Speech.Value.WindowSamples);
        Assert.Equal(AcousticInputKind.LogMel, SpeechTestData.Model.InputContract.Kind);
    }
}
