using Nko.Testing;
using Microsoft.Extensions.AI;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Speech;
using TranscriptionOptions = Nko.Speech.TranscriptionOptions;

namespace Nko.Extensions.AI.Tests;

public sealed class SpeechToTextClientTests
{
    private static NkoSpeechToTextClient Client => new(TestAssets.Pipeline, "nko_tts_ctc");

    [Theory]
    [InlineData("dev_000.wav")]
    [InlineData("dev_029.wav")]
    public async Task GetTextAsync_gives_the_pipelines_text_and_its_correction(string file)
    {
        SpeechTranscription expected = TestAssets.Pipeline.Transcribe(TestAssets.Wav(file));
        using ISpeechToTextClient client = Client;
        await using FileStream audio = File.OpenRead(TestAssets.Wav(file));

        SpeechToTextResponse response = await client.GetTextAsync(audio, cancellationToken: CancellationToken.None);

        Assert.Equal(expected.Text, response.Text);
        Assert.NotEmpty(response.Text);
        var raw = Assert.IsType<SpeechTranscription>(response.RawRepresentation);
        Assert.Equal(expected.Hypothesis, raw.Hypothesis);
        Assert.Equal(expected.Windows[0].Correction!.Edits, raw.Windows[0].Correction!.Edits);
        Assert.Equal(expected.Hypothesis, response.AdditionalProperties![NkoSpeechProperties.Hypothesis]);
        Assert.Equal(expected.Decision.ToString(), response.AdditionalProperties[NkoSpeechProperties.Decision]);
        Assert.Equal(expected.EditCount, response.AdditionalProperties[NkoSpeechProperties.EditCount]);
        Assert.Equal(TestAssets.Pipeline.Config.DefaultMode, response.AdditionalProperties[NkoSpeechProperties.Mode]);
        Assert.Equal(1, response.AdditionalProperties[NkoSpeechProperties.Windows]);
        Assert.Equal("nko_tts_ctc", response.ModelId);
        Assert.Equal(TimeSpan.Zero, response.StartTime);
        Assert.Equal(expected.Duration, response.EndTime);
    }

    [Fact]
    public async Task Mode_and_correction_come_from_the_additional_properties()
    {
        var ct = CancellationToken.None;
        string mode = TestAssets.Pipeline.Config.Modes.Select(m => m.Name).First(m => m != TestAssets.Pipeline.Config.DefaultMode);
        SpeechTranscription expected = TestAssets.Pipeline.Transcribe(TestAssets.Wav("dev_017.wav"), new TranscriptionOptions { Mode = mode });
        SpeechTranscription greedy = TestAssets.Pipeline.Transcribe(TestAssets.Wav("dev_017.wav"), new TranscriptionOptions { Correct = false });
        using NkoSpeechToTextClient client = Client;

        await using (FileStream audio = File.OpenRead(TestAssets.Wav("dev_017.wav")))
        {
            var options = new SpeechToTextOptions { AdditionalProperties = new() { [NkoSpeechProperties.Mode] = mode } };
            SpeechToTextResponse response = await client.GetTextAsync(audio, options, ct);
            Assert.Equal(expected.Text, response.Text);
            Assert.Equal(mode, response.AdditionalProperties![NkoSpeechProperties.Mode]);
        }

        await using (FileStream audio = File.OpenRead(TestAssets.Wav("dev_017.wav")))
        {
            var options = new SpeechToTextOptions { AdditionalProperties = new() { [NkoSpeechProperties.Correct] = false } };
            SpeechToTextResponse response = await client.GetTextAsync(audio, options, ct);
            Assert.Equal(greedy.Text, response.Text);
            Assert.False(response.AdditionalProperties!.ContainsKey(NkoSpeechProperties.Decision));
            Assert.Null(((SpeechTranscription)response.RawRepresentation!).Decision);
        }
    }

    [Fact]
    public async Task Bad_options_are_refused_before_the_audio_is_read()
    {
        using NkoSpeechToTextClient client = Client;
        using var audio = new MemoryStream(File.ReadAllBytes(TestAssets.Wav("dev_000.wav")));
        var unknown = new SpeechToTextOptions { AdditionalProperties = new() { [NkoSpeechProperties.Mode] = "no-such-mode" } };
        var wrongType = new SpeechToTextOptions { AdditionalProperties = new() { [NkoSpeechProperties.Mode] = 3 } };
        var badBool = new SpeechToTextOptions { AdditionalProperties = new() { [NkoSpeechProperties.Correct] = "maybe" } };

        var e = await Assert.ThrowsAsync<ArgumentException>(() => client.GetTextAsync(audio, unknown, CancellationToken.None));
        Assert.Contains("no-such-mode", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetTextAsync(audio, wrongType, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var _ in client.GetStreamingTextAsync(audio, badBool, CancellationToken.None))
            {
            }
        });
        Assert.Equal(0, audio.Position);
    }

    [Fact]
    public async Task Streaming_yields_one_update_per_window_and_they_add_up_to_the_text()
    {
        var ct = CancellationToken.None;
        float[] samples = TestAssets.TwoWindowSamples;
        SpeechTranscription expected = TestAssets.Pipeline.Transcribe(samples);
        Assert.Equal(2, expected.Windows.Length);
        byte[] wav = TestWav.Float32(samples, SpeechCorrectionPipeline.SampleRate);
        using NkoSpeechToTextClient client = Client;

        var updates = new List<SpeechToTextResponseUpdate>();
        await foreach (SpeechToTextResponseUpdate update in client.GetStreamingTextAsync(new MemoryStream(wav), cancellationToken: ct))
        {
            updates.Add(update);
        }

        Assert.Equal(2, updates.Count);
        for (int k = 0; k < updates.Count; k++)
        {
            SpeechToTextResponseUpdate u = updates[k];
            var window = Assert.IsType<SpeechWindowResult>(u.RawRepresentation);
            Assert.Equal(SpeechToTextResponseUpdateKind.TextUpdated, u.Kind);
            Assert.Equal(k, window.Index);
            Assert.Equal(expected.Windows[k].StartSample, window.StartSample);
            Assert.Equal(expected.Windows[k].Text, window.Text);
            Assert.Equal(expected.Windows[k].Start, u.StartTime);
            Assert.Equal(k, u.AdditionalProperties![NkoSpeechProperties.WindowIndex]);
        }

        SpeechToTextResponse combined = updates.ToSpeechToTextResponse();
        Assert.Equal(expected.Text, combined.Text);

        SpeechToTextResponse whole = await client.GetTextAsync(new MemoryStream(wav), cancellationToken: ct);
        Assert.Equal(expected.Text, whole.Text);
        Assert.Equal(2, whole.AdditionalProperties![NkoSpeechProperties.Windows]);
    }

    [Fact]
    public async Task Cancellation_before_the_call_stops_both_paths()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        using NkoSpeechToTextClient client = Client;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetTextAsync(File.OpenRead(TestAssets.Wav("dev_000.wav")), null, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingTextAsync(File.OpenRead(TestAssets.Wav("dev_000.wav")), null, cts.Token))
            {
            }
        });
    }

    [Fact]
    public async Task Cancellation_during_streaming_stops_before_the_next_window()
    {
        using var cts = new CancellationTokenSource();
        using NkoSpeechToTextClient client = Client;
        int seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingTextAsync(new MemoryStream(TestWav.Float32(TestAssets.TwoWindowSamples, SpeechCorrectionPipeline.SampleRate)), null, cts.Token))
            {
                seen++;
                await cts.CancelAsync();
            }
        });
        Assert.Equal(1, seen);
    }

    [Fact]
    public async Task Cancellation_during_a_run_stops_after_the_model_before_the_correction_and_the_next_window()
    {
        using var cts = new CancellationTokenSource();
        var model = new CancelOnRunModel(TestAssets.Model, cts, cancelOnRun: 1);
        var pipeline = new SpeechCorrectionPipeline(model, new CorrectionPipeline(TestAssets.Pipeline.Config));
        using var client = new NkoSpeechToTextClient(pipeline);
        byte[] wav = TestWav.Float32(TestAssets.TwoWindowSamples, SpeechCorrectionPipeline.SampleRate);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetTextAsync(new MemoryStream(wav), null, cts.Token));
        Assert.Equal(1, model.Runs); // two windows: the second window's model run never started

        // The same pipeline without cancellation runs both windows (so the count above is the cancellation's doing).
        SpeechToTextResponse response = await client.GetTextAsync(new MemoryStream(wav));
        Assert.Equal(3, model.Runs);
        Assert.Equal(TestAssets.Pipeline.Transcribe(TestAssets.TwoWindowSamples).Text, response.Text);
    }

    [Fact]
    public void GetService_returns_metadata_pipeline_config_and_the_client()
    {
        using NkoSpeechToTextClient client = Client;
        ISpeechToTextClient asInterface = client;

        var metadata = asInterface.GetService<SpeechToTextClientMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal(NkoSpeechToTextClient.ProviderName, metadata.ProviderName);
        Assert.Equal("nko_tts_ctc", metadata.DefaultModelId);
        Assert.Same(TestAssets.Pipeline, asInterface.GetService<SpeechCorrectionPipeline>());
        Assert.Same(TestAssets.Pipeline, asInterface.GetService<ICorrectionPipeline>());
        Assert.Same(TestAssets.Pipeline, asInterface.GetService<ISpeechCorrectionPipeline>());
        Assert.Same(TestAssets.Pipeline.Config, asInterface.GetService<RankerConfig>());
        Assert.Same(client, asInterface.GetService<NkoSpeechToTextClient>());
        Assert.Same(client, asInterface.GetService<ISpeechToTextClient>());
        Assert.Null(asInterface.GetService<string>());
        Assert.Null(asInterface.GetService<SpeechToTextClientMetadata>("some key"));
        Assert.Throws<ArgumentNullException>(() => asInterface.GetService(null!));
    }
}
