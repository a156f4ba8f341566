using System.Text.Json;
using Nko.Ctc;
using Nko.Data;
using Xunit.Abstractions;

namespace Nko.Asr.Onnx.Tests;

/// <summary>The two tiny Whisper-shaped models loaded once for all chain tests.</summary>
public sealed class TinyChainFixture : IDisposable
{
    public TinyChainFixture()
    {
        if (!File.Exists(TestPaths.SharedModel("whisper_like_encoder_tiny.onnx")) || !File.Exists(TestPaths.SharedModel("ctc_head_d64.onnx")))
        {
            return;
        }

        var single = new OnnxSessionOptions { IntraOpThreads = 1 };
        Encoder = new OnnxAcousticEncoder(TestPaths.SharedModel("whisper_like_encoder_tiny.onnx"), sessionOptions: single);
        Head = new OnnxAcousticModel(TestPaths.SharedModel("ctc_head_d64.onnx"), sessionOptions: single);
        Chain = new EncoderHeadChain(Encoder, Head, ownsParts: false);
    }

    public OnnxAcousticEncoder? Encoder { get; }

    public OnnxAcousticModel? Head { get; }

    public EncoderHeadChain? Chain { get; }

    public void Dispose()
    {
        Chain?.Dispose();
        Encoder?.Dispose();
        Head?.Dispose();
    }
}

/// <summary>
/// Whisper-shaped encoder + CTC head chain (<c>whisper_like_encoder_tiny.onnx</c> → <c>ctc_head_d64.onnx</c>) against
/// PyTorch's outputs in <c>../shared/data/whisper-frontend/ref</c>, from the shipped 128-mel inputs.
/// </summary>
public sealed class ChainParityTests(TinyChainFixture models, ITestOutputHelper output) : IClassFixture<TinyChainFixture>
{
    private const string EncoderFile = "whisper_like_encoder_tiny.onnx";
    private const string HeadFile = "ctc_head_d64.onnx";

    /// <summary>Every clip's window (id, mel file, reference prefix), including the two transcribe() windows of bm_47s.</summary>
    public static TheoryData<string> Windows()
    {
        var data = new TheoryData<string>();
        string refDir = TestPaths.WhisperFrontend("ref");
        if (!Directory.Exists(refDir))
        {
            data.Add("en_us_short"); // reported as skipped by the attribute
            return data;
        }

        foreach (string greedy in Directory.GetFiles(refDir, "*.greedy.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(greedy)[..^".greedy.json".Length]);
        }

        return data;
    }

    [SharedModelTheory(EncoderFile, HeadFile)]
    [MemberData(nameof(Windows))]
    public void Chain_reproduces_encoder_output_log_probs_and_greedy_text(string window)
    {
        // "bm_47s.seg1" reads mel128_seg1; "fr_7s" reads mel128.
        int dot = window.IndexOf('.', StringComparison.Ordinal);
        string mel = dot < 0 ? $"{window}.mel128.npy" : $"{window[..dot]}.mel128_{window[(dot + 1)..]}.npy";
        NpyArray melArray = NpyFile.Read(TestPaths.WhisperFrontend(Path.Combine("ref", mel)));
        Assert.Equal([128, 3000], melArray.Shape.ToArray()[^2..]);
        AcousticFeatures input = AcousticFeatures.FromLogMel(melArray.ToSingleArray(), 128, 3000);
        float[] expectedEncoder = NpyFile.Read(TestPaths.WhisperFrontend($"ref/{window}.encoder.npy")).ToSingleArray();
        float[] expectedLogProbs = NpyFile.Read(TestPaths.WhisperFrontend($"ref/{window}.log_probs.npy")).ToSingleArray();
        using JsonDocument greedy = JsonDocument.Parse(File.ReadAllText(TestPaths.WhisperFrontend($"ref/{window}.greedy.json")));
        int[] expectedIds = greedy.RootElement.GetProperty("greedy_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        string expectedText = greedy.RootElement.GetProperty("text").GetString()!;

        (AcousticFeatures encoded, LogProbMatrix logProbs) = models.Chain!.RunWithFeatures(input);

        Assert.Equal(1500, encoded.Frames);
        Assert.Equal(64, encoded.Dimension);
        Assert.Equal(375, logProbs.Frames);
        float encoderDiff = TestData.MaxAbsDiff(encoded.Single.Span, expectedEncoder);
        float logProbDiff = TestData.MaxAbsDiff(logProbs.Span, expectedLogProbs);
        output.WriteLine($"{window}: encoder max abs {encoderDiff:E2}, log_probs max abs {logProbDiff:E2}");
        Assert.True(encoderDiff <= 1e-5f, $"encoder max abs diff {encoderDiff}");
        Assert.True(logProbDiff <= 5e-5f, $"log_probs max abs diff {logProbDiff}");

        GreedyResult result = GreedyDecoder.Decode(logProbs, models.Chain.Vocabulary.BlankIndex);
        Assert.Equal(expectedIds, result.Labels.ToArray());
        Assert.Equal(expectedText, models.Chain.Vocabulary.Decode(result.Labels.AsSpan()));

        // The plain Run gives the same bits as the one that also returns the features.
        Assert.Equal(logProbs.Span.ToArray(), models.Chain.Run(input).Span.ToArray());
    }

    [SharedModelFact(EncoderFile, HeadFile)]
    public void Encoder_and_chain_state_their_contracts()
    {
        AcousticInputContract encoder = models.Encoder!.InputContract;
        Assert.Equal(AcousticInputKind.LogMel, encoder.Kind);
        Assert.Equal(128, encoder.Dimension);
        Assert.Equal(3000, encoder.WindowFrames);
        Assert.Equal(480000, encoder.WindowSamples);
        Assert.True(encoder.IsWindowFixed);
        Assert.Equal(1500, encoder.WindowOutputFrames);
        Assert.Null(encoder.Classes);
        Assert.Equal(64, models.Encoder.OutputDimension);
        Assert.Equal("input_features", models.Encoder.InputName);
        Assert.Equal("last_hidden_state", models.Encoder.OutputName);

        Assert.Equal(AcousticInputKind.Features, models.Head!.InputContract.Kind);
        Assert.Equal(FrameReduction.Ceiling(4), models.Head.InputContract.FrameReduction);

        AcousticInputContract chain = models.Chain!.InputContract;
        Assert.Equal(AcousticInputKind.LogMel, chain.Kind);
        Assert.Equal(128, chain.Dimension);
        Assert.Equal(3000, chain.WindowFrames);
        Assert.Equal(375, chain.WindowOutputFrames);
        Assert.Equal(66, chain.Classes);
        Assert.Equal(0, chain.BlankIndex);
        Assert.Equal(128, models.Chain.FeatureDimension);
        Assert.Equal(375, models.Chain.GetOutputFrames(3000));
    }

    [SharedModelFact(EncoderFile, HeadFile)]
    public void Wrong_input_is_a_clear_error_at_run_time()
    {
        var wrongMels = AcousticFeatures.FromLogMel(new float[80 * 3000], 80, 3000);
        var e = Assert.Throws<ArgumentException>(() => models.Chain!.Run(wrongMels));
        Assert.Contains("80 mel bands but model 'whisper_like_encoder_tiny.onnx' takes 128", e.Message, StringComparison.Ordinal);

        var wrongWindow = AcousticFeatures.FromLogMel(new float[128 * 1500], 128, 1500);
        var w = Assert.Throws<ArgumentOutOfRangeException>(() => models.Chain!.Run(wrongWindow));
        Assert.Contains("accepts exactly 3000 input frames", w.Message, StringComparison.Ordinal);

        var features = AcousticFeatures.FromSingle(new float[3000 * 128], 3000, 128);
        var f = Assert.Throws<ArgumentException>(() => models.Encoder!.Encode(features));
        Assert.Contains("takes a log-mel spectrogram", f.Message, StringComparison.Ordinal);

        var logMel = AcousticFeatures.FromLogMel(new float[64 * 1500], 64, 1500);
        var h = Assert.Throws<ArgumentException>(() => models.Head!.Run(logMel));
        Assert.Contains("takes encoder features", h.Message, StringComparison.Ordinal);
    }

    [SharedModelFact(EncoderFile, HeadFile)]
    public void Contract_mismatch_in_the_options_is_a_clear_error_at_load()
    {
        var mels = Assert.Throws<AcousticModelException>(() => new OnnxAcousticEncoder(TestPaths.SharedModel(EncoderFile), new AcousticModelOptions { Mels = 80 }));
        Assert.Contains("takes log-mel with 128 mel bands, but the options expect 80", mels.Message, StringComparison.Ordinal);

        var window = Assert.Throws<AcousticModelException>(() => new OnnxAcousticEncoder(TestPaths.SharedModel(EncoderFile), new AcousticModelOptions { WindowFrames = 1500 }));
        Assert.Contains("accepts exactly 3000 input frames, but the options give a window of 1500", window.Message, StringComparison.Ordinal);

        // A head is not an encoder of log-mel, and a chain refuses parts that do not fit.
        using var encoder = new OnnxAcousticEncoder(TestPaths.SharedModel(EncoderFile));
        using var tiny = new OnnxAcousticModel(TestPaths.Fixture("ctc_head_tiny.onnx"));
        var chain = Assert.Throws<AcousticModelException>(() => new EncoderHeadChain(encoder, tiny, ownsParts: false));
        Assert.Contains("emits features 64 wide but the head", chain.Message, StringComparison.Ordinal);
    }

    [SharedModelFact(EncoderFile, HeadFile)]
    public async Task Chain_runs_async_and_cancellation_reaches_it()
    {
        NpyArray melArray = NpyFile.Read(TestPaths.WhisperFrontend("ref/fr_7s.mel128.npy"));
        AcousticFeatures input = AcousticFeatures.FromLogMel(melArray.ToSingleArray(), 128, 3000);
        LogProbMatrix sync = models.Chain!.Run(input);
        LogProbMatrix async = await models.Chain.RunAsync(input);
        Assert.Equal(sync.Span.ToArray(), async.Span.ToArray());

        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await models.Chain.RunAsync(input, cts.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => models.Chain.Run(input, cts.Token));

        // A transform that cancels: the head never runs.
        using var inside = new CancellationTokenSource();
        var cancelling = new CancellingTransform(inside);
        using EncoderHeadChain withTransform = models.Chain.WithTransform(cancelling);
        Assert.ThrowsAny<OperationCanceledException>(() => withTransform.Run(input, inside.Token));
        Assert.Equal(1, cancelling.Calls);
    }

    private sealed class CancellingTransform(CancellationTokenSource source) : IFeatureTransform
    {
        public int Calls { get; private set; }

        public void Transform(Span<float> features, int frames, int dimension, CancellationToken cancellationToken)
        {
            Calls++;
            source.Cancel();
        }
    }
}
