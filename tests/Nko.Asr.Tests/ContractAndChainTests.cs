using FsCheck;
using FsCheck.Xunit;
using Nko.Ctc;

namespace Nko.Asr.Tests;

/// <summary>Input contracts, metadata and chains, with in-memory stand-ins for the back ends.</summary>
public sealed class ContractAndChainTests
{
    /// <summary>Takes log-mel [mels, frames], emits features [frames / 2, D] equal to the frame index.</summary>
    private sealed class FakeEncoder(int mels, int dimension) : IAcousticEncoder
    {
        public AcousticInputContract InputContract { get; } = new()
        {
            Kind = AcousticInputKind.LogMel,
            Dimension = mels,
            FrameReduction = FrameReduction.Ceiling(2),
        };

        public int OutputDimension => dimension;

        public bool Disposed { get; private set; }

        public int GetOutputFrames(int inputFrames) => FrameReduction.Ceiling(2).GetOutputFrames(inputFrames);

        public int Encode(AcousticFeatures input, Span<float> destination, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int frames = TimeAxis.Flexible(FrameReduction.Ceiling(2)).CheckFeatures(input, AcousticInputKind.LogMel, mels, "fake", "x");
            for (int t = 0; t < frames; t++)
            {
                destination.Slice(t * dimension, dimension).Fill(t);
            }

            return frames;
        }

        public void Dispose() => Disposed = true;
    }

    /// <summary>A head on [frames, D] giving uniform log-probs over 3 classes, frames / 2; records the first value it saw.</summary>
    private sealed class FakeHead(int dimension) : IAcousticModel
    {
        public CtcVocabulary Vocabulary { get; } = CtcVocabulary.Create("ab", 0);

        public int FeatureDimension => dimension;

        public AcousticInputContract InputContract => new() { Kind = AcousticInputKind.Features, Dimension = dimension, FrameReduction = FrameReduction.Ceiling(2) };

        public float LastSeen { get; private set; }

        public bool Disposed { get; private set; }

        public int GetOutputFrames(int inputFrames) => FrameReduction.Ceiling(2).GetOutputFrames(inputFrames);

        public LogProbMatrix Run(AcousticFeatures features)
        {
            float[] values = new float[GetOutputFrames(features.Frames) * 3];
            Run(features, values);
            return new LogProbMatrix(values, values.Length / 3, 3);
        }

        public int Run(AcousticFeatures features, Span<float> destination)
        {
            LastSeen = features.Single.Span[^1];
            int frames = GetOutputFrames(features.Frames);
            destination[..(frames * 3)].Fill(-MathF.Log(3));
            return frames;
        }

        public ValueTask<LogProbMatrix> RunAsync(AcousticFeatures features, CancellationToken cancellationToken = default) => new(Run(features));

        public void Dispose() => Disposed = true;
    }

    private sealed class AddOne : IFeatureTransform
    {
        public void Transform(Span<float> features, int frames, int dimension, CancellationToken cancellationToken)
        {
            for (int i = 0; i < features.Length; i++)
            {
                features[i] += 1;
            }
        }
    }

    [Property(MaxTest = 500)]
    public bool Then_composes_two_reductions(PositiveInt s1, int o1, PositiveInt s2, int o2, PositiveInt input)
    {
        var first = new FrameReduction(1 + (s1.Get % 8), o1 % 8);
        var second = new FrameReduction(1 + (s2.Get % 8), o2 % 8);
        int x = 64 + (input.Get % 10_000);
        long mid = (long)Math.Floor((double)(x + first.Offset) / first.Stride);
        long expected = (long)Math.Floor((double)(mid + second.Offset) / second.Stride);
        FrameReduction both = first.Then(second);
        long actual = (long)Math.Floor((double)(x + both.Offset) / both.Stride);
        return expected == actual;
    }

    [Fact]
    public void Chain_composes_contract_runs_transform_and_owns_its_parts()
    {
        var encoder = new FakeEncoder(mels: 4, dimension: 2);
        var head = new FakeHead(2);
        using (var chain = new EncoderHeadChain(encoder, head, new AddOne()))
        {
            Assert.Equal(AcousticInputKind.LogMel, chain.InputContract.Kind);
            Assert.Equal(4, chain.FeatureDimension);
            Assert.Equal(FrameReduction.Ceiling(4), chain.InputContract.FrameReduction);
            Assert.Equal(3, chain.InputContract.Classes);
            Assert.Equal(25, chain.GetOutputFrames(100));

            LogProbMatrix result = chain.Run(AcousticFeatures.FromLogMel(new float[4 * 100], 4, 100));
            Assert.Equal(25, result.Frames);
            Assert.Equal(49 + 1, head.LastSeen); // last encoder frame is 49, plus one from the transform
            using EncoderHeadChain plain = chain.WithTransform(null);
            plain.Run(AcousticFeatures.FromLogMel(new float[4 * 100], 4, 100));
            Assert.Equal(49, head.LastSeen);
        }

        Assert.True(encoder.Disposed);
        Assert.True(head.Disposed);
    }

    [Fact]
    public void Chain_refuses_parts_that_do_not_fit()
    {
        var e = Assert.Throws<AcousticModelException>(() => new EncoderHeadChain(new FakeEncoder(4, 2), new FakeHead(3), ownsParts: false));
        Assert.Contains("emits features 2 wide but the head", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Chain_passes_cancellation_to_the_encoder()
    {
        using var chain = new EncoderHeadChain(new FakeEncoder(4, 2), new FakeHead(2));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => chain.Run(AcousticFeatures.FromLogMel(new float[400], 4, 100), cts.Token));
    }

    [Fact]
    public void Metadata_is_parsed_and_malformed_entries_are_named()
    {
        var metadata = AcousticModelMetadata.Parse(
            new Dictionary<string, string>
            {
                ["nko.frontend"] = "whisper-log-mel",
                ["nko.n_mels"] = "80",
                ["nko.sample_rate"] = "16000",
                ["nko.window_samples"] = "240000",
                ["nko.frame_reduction"] = "4",
                ["nko.classes"] = "66",
                ["nko.blank"] = "first",
                ["other"] = "ignored",
            },
            "m.onnx");
        Assert.Equal(AcousticInputKind.LogMel, metadata.InputKind);
        Assert.Equal(FrameReduction.Ceiling(4), metadata.FrameReduction);
        Assert.Equal(CtcBlankPosition.First, metadata.Blank);
        Assert.True(AcousticModelMetadata.Parse(null, "m").IsEmpty);

        var e = Assert.Throws<AcousticModelException>(() => AcousticModelMetadata.Parse(new Dictionary<string, string> { ["nko.n_mels"] = "-3" }, "m.onnx"));
        Assert.Contains("metadata nko.n_mels = '-3' is not valid; expected a positive integer", e.Message, StringComparison.Ordinal);
        var b = Assert.Throws<AcousticModelException>(() => AcousticModelMetadata.Parse(new Dictionary<string, string> { ["nko.blank"] = "middle" }, "m.onnx"));
        Assert.Contains("'first' or 'last'", b.Message, StringComparison.Ordinal);
        Assert.Throws<AcousticModelException>(() => AcousticModelMetadata.Parse(new Dictionary<string, string> { ["nko.frontend"] = "mfcc" }, "m.onnx"));
    }

    [Fact]
    public void Resolve_checks_mels_window_classes_and_blank()
    {
        var metadata = new AcousticModelMetadata { Mels = 80, WindowSamples = 240000, Classes = 66, Blank = CtcBlankPosition.First };
        TimeAxis axis = TimeAxis.Flexible(FrameReduction.Ceiling(4));
        AcousticInputContract ok = AcousticInputContract.Resolve("m", AcousticInputKind.LogMel, 80, axis, metadata, AcousticModelOptions.Default, isCtcModel: true);
        Assert.Equal(1500, ok.WindowFrames);
        Assert.Equal(375, ok.WindowOutputFrames);
        Assert.Equal("log-mel [80 mels, frames] (window 1500 frames)", ok.DescribeInput());

        Assert.Contains("states nko.n_mels = 80 but its input has 128 mel bands", Assert.Throws<AcousticModelException>(
            () => AcousticInputContract.Resolve("m", AcousticInputKind.LogMel, 128, axis, metadata, AcousticModelOptions.Default, true)).Message, StringComparison.Ordinal);
        Assert.Contains("states a window of 240000 samples (1500 frames) but its input is fixed at 3000 frames", Assert.Throws<AcousticModelException>(
            () => AcousticInputContract.Resolve("m", AcousticInputKind.LogMel, 80, TimeAxis.Fixed(3000, 750), metadata, AcousticModelOptions.Default, true)).Message, StringComparison.Ordinal);
        Assert.Contains("states nko.classes = 66 but the vocabulary has 3", Assert.Throws<AcousticModelException>(
            () => AcousticInputContract.Resolve("m", AcousticInputKind.LogMel, 80, axis, metadata, new AcousticModelOptions { Vocabulary = CtcVocabulary.Create("ab", 0) }, true)).Message, StringComparison.Ordinal);
        Assert.Contains("takes features [frames, 80], not log-mel, but the options expect 80 mel bands", Assert.Throws<AcousticModelException>(
            () => AcousticInputContract.Resolve("m", AcousticInputKind.Features, 80, axis, AcousticModelMetadata.Empty, new AcousticModelOptions { Mels = 80 }, true)).Message, StringComparison.Ordinal);
        Assert.Contains("looks like a CTC model, not an encoder", Assert.Throws<AcousticModelException>(
            () => AcousticInputContract.Resolve("m", AcousticInputKind.LogMel, 80, axis, metadata, AcousticModelOptions.Default, false)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_mel_features_have_their_own_layout_and_checks()
    {
        var mel = AcousticFeatures.FromLogMel(new float[80 * 10], 80, 10);
        Assert.Equal(AcousticInputKind.LogMel, mel.Kind);
        Assert.Equal(10, mel.Frames);
        Assert.Equal(80, mel.Dimension);
        Assert.Contains("[80 mels, 11 frames]", Assert.Throws<ArgumentException>(() => AcousticFeatures.FromLogMel(new float[800], 80, 11)).Message, StringComparison.Ordinal);

        float[] values = new float[80 * 10];
        values[(3 * 10) + 7] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => TimeAxis.Flexible(FrameReduction.None).CheckFeatures(AcousticFeatures.FromLogMel(values, 80, 10), AcousticInputKind.LogMel, 80, "m", "x"));
        Assert.Contains("at mel band 3, frame 7", e.Message, StringComparison.Ordinal);
        Assert.Contains("takes encoder features", Assert.Throws<ArgumentException>(
            () => TimeAxis.Flexible(FrameReduction.None).CheckFeatures(mel, 80, "m", "x")).Message, StringComparison.Ordinal);
    }
}
