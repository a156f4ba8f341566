using Nko.Ctc;
using Nko.Asr;
using Xunit.Abstractions;

namespace Nko.Asr.Onnx.Tests;

/// <summary>Parity with PyTorch for the tiny CTC head (copied into Fixtures/).</summary>
public sealed class TinyHeadParityTests(ITestOutputHelper output)
{
    private static readonly string Model = TestPaths.Fixture("ctc_head_tiny.onnx");

    [Fact]
    public void Matches_pytorch_log_probs_and_greedy_ids()
    {
        using var model = new OnnxAcousticModel(Model);
        AcousticFeatures features = TestData.Features(TestPaths.Fixture("features_T200.npy"));
        float[] expected = TestData.Floats(TestPaths.Fixture("expected_log_probs_T200.npy"));

        LogProbMatrix result = model.Run(features);

        Assert.Equal(50, result.Frames);
        Assert.Equal(66, result.Classes);
        float maxAbs = TestData.MaxAbsDiff(result.Span, expected);
        output.WriteLine($"tiny head T_in=200: max abs diff vs PyTorch = {maxAbs:E3}");
        Assert.True(maxAbs <= 1e-4f, $"max abs diff {maxAbs}");
        Assert.Equal(
            TestData.GreedyIdsJson(TestPaths.Fixture("expected_greedy_T200.json")),
            TestData.Greedy(result.Span, result.Classes, model.Vocabulary.BlankIndex));
    }

    [Fact]
    public void Matches_pytorch_with_a_single_intra_op_thread_and_no_graph_optimisation()
    {
        using var model = new OnnxAcousticModel(
            Model,
            sessionOptions: new OnnxSessionOptions { IntraOpThreads = 1, GraphOptimization = OnnxGraphOptimization.Disabled });
        AcousticFeatures features = TestData.Features(TestPaths.Fixture("features_T200.npy"));
        float[] expected = TestData.Floats(TestPaths.Fixture("expected_log_probs_T200.npy"));

        float maxAbs = TestData.MaxAbsDiff(model.Run(features).Span, expected);

        Assert.True(maxAbs <= 1e-4f, $"max abs diff {maxAbs}");
    }

    [Fact]
    public void Loads_from_bytes_like_from_a_file()
    {
        using var fromFile = new OnnxAcousticModel(Model);
        using var fromBytes = new OnnxAcousticModel(File.ReadAllBytes(Model));
        AcousticFeatures features = TestData.Features(TestPaths.Fixture("features_T200.npy"));

        Assert.Equal(fromFile.Run(features).Span.ToArray(), fromBytes.Run(features).Span.ToArray());
    }

    [Fact]
    public void Reads_the_signature_and_infers_the_frame_reduction()
    {
        using var model = new OnnxAcousticModel(Model);

        Assert.Equal("features", model.InputName);
        Assert.Equal("log_probs", model.OutputName);
        Assert.Equal(1280, model.FeatureDimension);
        Assert.Equal(66, model.Classes);
        Assert.False(model.InputIsFloat16);
        Assert.False(model.OutputIsFloat16);
        Assert.Null(model.FixedInputFrames);
        Assert.Equal(FrameReduction.Ceiling(4), model.FrameReduction);
        Assert.Equal(375, model.GetOutputFrames(1500));
        Assert.Equal(50, model.GetOutputFrames(200));
        Assert.Equal(1, model.GetOutputFrames(1));
        Assert.Same(CtcVocabulary.NkoBlankFirst, model.Vocabulary);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(201)]
    [InlineData(333)]
    public void Runs_any_length_on_the_dynamic_time_axis(int frames)
    {
        using var model = new OnnxAcousticModel(Model);
        float[] data = TestData.RandomFloats(frames * 1280, seed: frames);

        LogProbMatrix result = model.Run(AcousticFeatures.FromSingle(data, frames, 1280));

        Assert.Equal((frames + 3) / 4, result.Frames);
        result.Validate(model.Vocabulary);
        for (int t = 0; t < result.Frames; t++)
        {
            double sum = 0;
            foreach (float v in result.Row(t))
            {
                sum += Math.Exp(v);
            }

            Assert.Equal(1.0, sum, 4);
        }
    }

    [Fact]
    public void Half_features_give_the_result_of_their_float32_values()
    {
        using var model = new OnnxAcousticModel(Model);
        float[] original = TestData.Floats(TestPaths.Fixture("features_T200.npy"));
        Half[] half = original.Select(v => (Half)v).ToArray();
        float[] widened = half.Select(h => (float)h).ToArray();

        LogProbMatrix fromHalf = model.Run(AcousticFeatures.FromHalf(half, 200, 1280));
        LogProbMatrix fromSingle = model.Run(AcousticFeatures.FromSingle(widened, 200, 1280));

        Assert.Equal(fromSingle.Span.ToArray(), fromHalf.Span.ToArray());
    }

    [Fact]
    public void An_explicit_frame_reduction_skips_the_probe_and_is_used()
    {
        using var model = new OnnxAcousticModel(Model, new AcousticModelOptions { FrameReduction = FrameReduction.Ceiling(4) });
        Assert.Equal(FrameReduction.Ceiling(4), model.FrameReduction);
        Assert.Equal(50, model.Run(TestData.Features(TestPaths.Fixture("features_T200.npy"))).Frames);
    }

    [Fact]
    public void A_wrong_explicit_frame_reduction_fails_the_run_with_a_clear_error()
    {
        using var model = new OnnxAcousticModel(Model, new AcousticModelOptions { FrameReduction = FrameReduction.Ceiling(2) });

        var e = Assert.Throws<AcousticModelException>(() => model.Run(TestData.Features(TestPaths.Fixture("features_T200.npy"))));

        Assert.Contains("ctc_head_tiny.onnx", e.Message, StringComparison.Ordinal);
        Assert.Contains("[100, 66]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_logits_option_on_a_log_prob_head_changes_nothing_beyond_rounding()
    {
        // log_softmax is idempotent: normalising log-probs again must give them back.
        using var plain = new OnnxAcousticModel(Model);
        using var logits = new OnnxAcousticModel(Model, new AcousticModelOptions { OutputKind = AcousticOutputKind.Logits });
        AcousticFeatures features = TestData.Features(TestPaths.Fixture("features_T200.npy"));

        Assert.True(TestData.MaxAbsDiff(plain.Run(features).Span, logits.Run(features).Span) <= 1e-5f);
    }

    [Fact]
    public void A_probabilities_option_on_a_log_prob_head_is_caught_as_NaN()
    {
        using var model = new OnnxAcousticModel(Model, new AcousticModelOptions { OutputKind = AcousticOutputKind.Probabilities });

        var e = Assert.Throws<InvalidLogProbsException>(() => model.Run(TestData.Features(TestPaths.Fixture("features_T200.npy"))));

        Assert.Equal(0, e.Frame);
        Assert.True(float.IsNaN(e.Value));
    }
}
