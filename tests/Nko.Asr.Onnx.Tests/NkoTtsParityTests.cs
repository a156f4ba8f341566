using System.Text.Json;
using Nko.Ctc;
using Nko.Data;
using Xunit.Abstractions;

namespace Nko.Asr.Onnx.Tests;

/// <summary>
/// The trained recogniser <c>nko_tts_ctc.onnx</c> (one network, log-mel <c>[1, 80, n]</c> → log-probs): its metadata,
/// its contract, and parity with PyTorch on the fixtures in <c>../shared/models/nko_tts_ctc_fixtures</c>.
/// </summary>
public sealed class NkoTtsParityTests(ITestOutputHelper output)
{
    private const string Model = "nko_tts_ctc.onnx";
    private const string Fixtures = "nko_tts_ctc_fixtures/fixtures.json";

    private static OnnxAcousticModel Load(AcousticModelOptions? options = null) =>
        new(TestPaths.SharedModel(Model), options, new OnnxSessionOptions { IntraOpThreads = 1 });

    [SharedModelFact(Model, Fixtures)]
    public void Reproduces_pytorch_log_probs_and_greedy_text_from_the_mel_inputs()
    {
        using var model = Load();
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(TestPaths.SharedModel(Fixtures)));
        int clips = 0;
        foreach (JsonElement clip in doc.RootElement.GetProperty("clips").EnumerateArray())
        {
            NpyArray mel = NpyFile.Read(TestPaths.SharedModel("nko_tts_ctc_fixtures/" + clip.GetProperty("mel_file").GetString()));
            int frames = mel.Shape[^1];
            Assert.Equal(80, mel.Shape[^2]);
            float[] expected = NpyFile.Read(TestPaths.SharedModel("nko_tts_ctc_fixtures/" + clip.GetProperty("log_probs_file").GetString())).ToSingleArray();

            LogProbMatrix logProbs = model.Run(AcousticFeatures.FromLogMel(mel.ToSingleArray(), 80, frames));

            Assert.Equal((frames + 3) / 4, logProbs.Frames);
            float diff = TestData.MaxAbsDiff(logProbs.Span, expected);
            output.WriteLine($"{clip.GetProperty("clip").GetString()} (n = {frames}): log_probs max abs {diff:E2}");
            Assert.True(diff <= 5e-5f, $"max abs diff {diff}");
            GreedyResult greedy = GreedyDecoder.Decode(logProbs, model.Vocabulary.BlankIndex);
            Assert.Equal(clip.GetProperty("greedy_text").GetString(), model.Vocabulary.Decode(greedy.Labels.AsSpan()));
            clips++;
        }

        Assert.Equal(3, clips);
    }

    [SharedModelFact(Model)]
    public void Reads_the_metadata_into_the_input_contract()
    {
        using var model = Load();
        AcousticModelMetadata metadata = model.Metadata;
        Assert.Equal(AcousticModelMetadata.WhisperLogMel, metadata.FrontEnd);
        Assert.Equal(80, metadata.Mels);
        Assert.Equal(16000, metadata.SampleRate);
        Assert.Equal(240000, metadata.WindowSamples);
        Assert.Equal(FrameReduction.Ceiling(4), metadata.FrameReduction);
        Assert.Equal(66, metadata.Classes);
        Assert.Equal(CtcBlankPosition.First, metadata.Blank);

        AcousticInputContract contract = model.InputContract;
        Assert.Equal(AcousticInputKind.LogMel, contract.Kind);
        Assert.Equal(80, contract.Dimension);
        Assert.Equal(80, model.FeatureDimension);
        Assert.Equal(1500, contract.WindowFrames);
        Assert.Equal(240000, contract.WindowSamples);
        Assert.False(contract.IsWindowFixed);
        Assert.Equal(FrameReduction.Ceiling(4), contract.FrameReduction);
        Assert.Equal(375, contract.WindowOutputFrames);
        Assert.Equal(66, contract.Classes);
        Assert.Equal(0, contract.BlankIndex);
        Assert.Equal(16000, contract.SampleRate);
        Assert.Equal("input_features", model.InputName);
        output.WriteLine(contract.ToString());
    }

    [SharedModelFact(Model)]
    public void Without_metadata_the_signature_and_a_probe_give_the_same_contract()
    {
        using var model = Load(new AcousticModelOptions { ReadMetadata = false });
        Assert.True(model.Metadata.IsEmpty);
        Assert.Equal(AcousticInputKind.LogMel, model.InputContract.Kind);
        Assert.Equal(80, model.InputContract.Dimension);
        Assert.Equal(FrameReduction.Ceiling(4), model.FrameReduction);
        Assert.Null(model.InputContract.WindowFrames);

        using var windowed = Load(new AcousticModelOptions { ReadMetadata = false, WindowFrames = 1000 });
        Assert.Equal(1000, windowed.InputContract.WindowFrames);
        Assert.Equal(250, windowed.InputContract.WindowOutputFrames);
    }

    [SharedModelFact(Model)]
    public void Contract_mismatches_are_clear_errors_at_load()
    {
        var mels = Assert.Throws<AcousticModelException>(() => Load(new AcousticModelOptions { Mels = 128 }));
        Assert.Contains("'nko_tts_ctc.onnx' takes log-mel with 80 mel bands, but the options expect 128", mels.Message, StringComparison.Ordinal);

        var window = Assert.Throws<AcousticModelException>(() => Load(new AcousticModelOptions { WindowFrames = 3000 }));
        Assert.Contains("was built for windows of 1500 frames (240000 samples), but the options give 3000", window.Message, StringComparison.Ordinal);

        var blank = Assert.Throws<AcousticModelException>(() => Load(new AcousticModelOptions { Vocabulary = CtcVocabulary.NkoBlankLast }));
        Assert.Contains("nko.blank = first but the vocabulary's blank is class 65", blank.Message, StringComparison.Ordinal);

        var kind = Assert.Throws<AcousticModelException>(() => Load(new AcousticModelOptions { InputKind = AcousticInputKind.Features }));
        Assert.Contains("nko.frontend = 'whisper-log-mel'", kind.Message, StringComparison.Ordinal);

        var reduction = Assert.Throws<AcousticModelException>(() => Load(new AcousticModelOptions { FrameReduction = FrameReduction.Ceiling(2) }));
        Assert.Contains("nko.frame_reduction", reduction.Message, StringComparison.Ordinal);

        // Agreeing options load.
        using OnnxAcousticModel agreeing = Load(new AcousticModelOptions { Mels = 80, WindowFrames = 1500, InputKind = AcousticInputKind.LogMel });
        Assert.Equal(80, agreeing.InputContract.Dimension);
    }

    [SharedModelFact(Model)]
    public void Wrong_input_shape_is_a_clear_error_at_run_time()
    {
        using var model = Load();
        var e = Assert.Throws<ArgumentException>(() => model.Run(AcousticFeatures.FromLogMel(new float[128 * 400], 128, 400)));
        Assert.Contains("The log-mel has 128 mel bands but model 'nko_tts_ctc.onnx' takes 80", e.Message, StringComparison.Ordinal);

        var f = Assert.Throws<ArgumentException>(() => model.Run(AcousticFeatures.FromSingle(new float[400 * 80], 400, 80)));
        Assert.Contains("takes a log-mel spectrogram [mels, frames]", f.Message, StringComparison.Ordinal);
    }
}
