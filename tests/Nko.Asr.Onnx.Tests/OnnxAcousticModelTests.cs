using Nko.Ctc;
using Nko.Asr;
using Nko.Testing;

namespace Nko.Asr.Onnx.Tests;

/// <summary>Validation, element types, destinations and errors, on synthetic models built for each case.</summary>
public sealed class OnnxAcousticModelTests
{
    private const int C = 66;
    private static readonly string Tiny = TestPaths.Fixture("ctc_head_tiny.onnx");

    private static float[] ExpectedLogSoftmax(float[] logits)
    {
        float[] expected = new float[logits.Length];
        LogProbMatrix.LogSoftmax(logits, expected, C);
        return expected;
    }

    [Fact]
    public void Missing_file_is_a_FileNotFoundException_naming_the_path()
    {
        var e = Assert.Throws<FileNotFoundException>(() => new OnnxAcousticModel("/nonexistent/head.onnx"));
        Assert.Contains("/nonexistent/head.onnx", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_bytes_are_an_AcousticModelException()
    {
        var e = Assert.Throws<AcousticModelException>(() => new OnnxAcousticModel([1, 2, 3, 4]));
        Assert.Contains("cannot load", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void A_vocabulary_of_another_size_is_rejected_at_load()
    {
        var options = new AcousticModelOptions { Vocabulary = CtcVocabulary.Create("abc", 0) };

        var e = Assert.Throws<AcousticModelException>(() => new OnnxAcousticModel(Tiny, options));

        Assert.Contains("66 classes", e.Message, StringComparison.Ordinal);
        Assert.Contains("vocabulary has 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_input_name_lists_the_model_inputs()
    {
        var e = Assert.Throws<AcousticModelException>(() => new OnnxAcousticModel(Tiny, new AcousticModelOptions { InputName = "mel" }));
        Assert.Contains("no input named 'mel'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'features' float32 [1, ?, 1280]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_output_name_lists_the_model_outputs()
    {
        var e = Assert.Throws<AcousticModelException>(() => new OnnxAcousticModel(Tiny, new AcousticModelOptions { OutputName = "logits" }));
        Assert.Contains("'log_probs' float32 [1, ?, 66]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_inputs_need_a_name()
    {
        var e = Assert.Throws<AcousticModelException>(() => new OnnxAcousticModel(SyntheticModels.TwoInputs()));
        Assert.Contains("2 inputs", e.Message, StringComparison.Ordinal);
        Assert.Contains("InputName", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_outputs_are_fine_once_one_is_named()
    {
        Assert.Throws<AcousticModelException>(() => new OnnxAcousticModel(SyntheticModels.TwoOutputs()));
        using var model = new OnnxAcousticModel(SyntheticModels.TwoOutputs(), new AcousticModelOptions { OutputName = "y" });
        float[] x = TestData.RandomFloats(5 * C, 1, 10);

        LogProbMatrix result = model.Run(AcousticFeatures.FromSingle(x, 5, C));

        Assert.True(TestData.MaxAbsDiff(ExpectedLogSoftmax(x), result.Span) <= 1e-5f);
    }

    [Theory]
    [InlineData("int64")]
    [InlineData("rank4")]
    [InlineData("dynamic-width")]
    [InlineData("batch2")]
    public void Unusable_signatures_are_rejected_at_load_with_the_reason(string kind)
    {
        (byte[] bytes, string reason) = kind switch
        {
            "int64" => (SyntheticModels.Int64Input(), "float32 or float16"),
            "rank4" => (SyntheticModels.Rank4(), "rank 4"),
            "dynamic-width" => (SyntheticModels.DynamicWidth(), "dynamic feature width"),
            _ => (SyntheticModels.Batch2(), "fixed batch of 2"),
        };

        var e = Assert.Throws<AcousticModelException>(() => new OnnxAcousticModel(bytes));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Logits_are_caught_when_the_options_say_log_probs()
    {
        using var model = new OnnxAcousticModel(SyntheticModels.Identity());
        float[] logits = TestData.RandomFloats(4 * C, 2, 5);

        var e = Assert.Throws<AcousticModelException>(() => model.Run(AcousticFeatures.FromSingle(logits, 4, C)));

        Assert.Contains("OutputKind", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Logits_are_log_softmaxed_when_the_options_say_so()
    {
        using var model = new OnnxAcousticModel(SyntheticModels.Identity(), new AcousticModelOptions { OutputKind = AcousticOutputKind.Logits });
        float[] logits = TestData.RandomFloats(4 * C, 3, 100); // large logits: the stable path matters

        LogProbMatrix result = model.Run(AcousticFeatures.FromSingle(logits, 4, C));

        Assert.Equal(ExpectedLogSoftmax(logits), result.Span.ToArray());
    }

    [Fact]
    public void Probabilities_are_logged_when_the_options_say_so()
    {
        using var model = new OnnxAcousticModel(SyntheticModels.Identity(), new AcousticModelOptions { OutputKind = AcousticOutputKind.Probabilities });
        float[] logits = TestData.RandomFloats(3 * C, 4, 3);
        float[] logProbs = ExpectedLogSoftmax(logits);
        float[] probabilities = logProbs.Select(MathF.Exp).ToArray();

        LogProbMatrix result = model.Run(AcousticFeatures.FromSingle(probabilities, 3, C));

        Assert.True(TestData.MaxAbsDiff(logProbs, result.Span) <= 1e-5f);
    }

    [Fact]
    public void NaN_output_is_an_InvalidLogProbsException_naming_frame_and_class()
    {
        using var model = new OnnxAcousticModel(SyntheticModels.Log(), new AcousticModelOptions { OutputKind = AcousticOutputKind.LogProbs });
        float[] x = new float[3 * C];
        Array.Fill(x, 1f / C);
        x[(2 * C) + 5] = -1f; // log(-1) = NaN at frame 2, class 5

        var e = Assert.Throws<InvalidLogProbsException>(() => model.Run(AcousticFeatures.FromSingle(x, 3, C)));

        Assert.Equal(2, e.Frame);
        Assert.Equal(5, e.ClassIndex);
    }

    [Fact]
    public void Validation_can_be_switched_off()
    {
        using var model = new OnnxAcousticModel(SyntheticModels.Identity(), new AcousticModelOptions { ValidateOutput = false });
        float[] logits = TestData.RandomFloats(2 * C, 5, 5);

        Assert.Equal(logits, model.Run(AcousticFeatures.FromSingle(logits, 2, C)).Span.ToArray());
    }

    [Theory]
    [InlineData(OnnxModelBuilder.Float, OnnxModelBuilder.Float, 3)]
    [InlineData(OnnxModelBuilder.Float16, OnnxModelBuilder.Float, 3)]
    [InlineData(OnnxModelBuilder.Float, OnnxModelBuilder.Float16, 3)]
    [InlineData(OnnxModelBuilder.Float16, OnnxModelBuilder.Float16, 3)]
    [InlineData(OnnxModelBuilder.Float, OnnxModelBuilder.Float, 2)]
    [InlineData(OnnxModelBuilder.Float16, OnnxModelBuilder.Float16, 2)]
    public void Every_element_type_and_rank_combination_gives_the_log_softmax(int inputType, int outputType, int rank)
    {
        using var model = new OnnxAcousticModel(SyntheticModels.LogSoftmax(inputType, outputType, C, rank));
        Assert.Equal(inputType == OnnxModelBuilder.Float16, model.InputIsFloat16);
        Assert.Equal(outputType == OnnxModelBuilder.Float16, model.OutputIsFloat16);
        Assert.Equal(FrameReduction.None, model.FrameReduction);
        float[] x = TestData.RandomFloats(9 * C, 6, 4);
        Half[] xh = x.Select(v => (Half)v).ToArray();
        float[] expected = ExpectedLogSoftmax(xh.Select(h => (float)h).ToArray());
        float tolerance = outputType == OnnxModelBuilder.Float16 ? 1e-2f : 1e-5f;

        // Both feature types work on every model: the mismatched one is converted once.
        LogProbMatrix fromHalf = model.Run(AcousticFeatures.FromHalf(xh, 9, C));
        LogProbMatrix fromSingle = model.Run(AcousticFeatures.FromSingle(xh.Select(h => (float)h).ToArray(), 9, C));

        Assert.True(TestData.MaxAbsDiff(expected, fromHalf.Span) <= tolerance);
        Assert.Equal(fromHalf.Span.ToArray(), fromSingle.Span.ToArray());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(8)]
    public void The_frame_reduction_of_a_strided_model_is_inferred(int stride)
    {
        using var model = new OnnxAcousticModel(SyntheticModels.StridedLogSoftmax(stride));

        Assert.Equal(FrameReduction.Ceiling(stride), model.FrameReduction);
        float[] x = TestData.RandomFloats(37 * C, stride, 2);
        LogProbMatrix result = model.Run(AcousticFeatures.FromSingle(x, 37, C));
        Assert.Equal((37 + stride - 1) / stride, result.Frames);
        float[] expectedFirstRow = ExpectedLogSoftmax(x.AsSpan(0, C).ToArray());
        Assert.Equal(expectedFirstRow, result.Row(0).ToArray());
    }

    [Fact]
    public void A_fixed_time_axis_accepts_only_its_length()
    {
        using var model = new OnnxAcousticModel(SyntheticModels.Identity(frames: 10), new AcousticModelOptions { OutputKind = AcousticOutputKind.Logits });

        Assert.Equal(10, model.FixedInputFrames);
        Assert.Null(model.FrameReduction);
        Assert.Equal(10, model.GetOutputFrames(10));
        Assert.Equal(10, model.Run(AcousticFeatures.FromSingle(new float[10 * C], 10, C)).Frames);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Run(AcousticFeatures.FromSingle(new float[11 * C], 11, C)));
        Assert.Contains("exactly 10", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Features_of_the_wrong_width_are_an_ArgumentException()
    {
        using var model = new OnnxAcousticModel(Tiny);

        var e = Assert.Throws<ArgumentException>(() => model.Run(AcousticFeatures.FromSingle(new float[4 * 80], 4, 80)));

        Assert.Contains("80 wide", e.Message, StringComparison.Ordinal);
        Assert.Contains("1280", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(float.NaN, false)]
    [InlineData(float.PositiveInfinity, false)]
    [InlineData(float.NegativeInfinity, false)]
    [InlineData(float.NaN, true)]
    [InlineData(float.NegativeInfinity, true)]
    public void Non_finite_features_are_an_ArgumentException_naming_frame_and_feature(float bad, bool half)
    {
        // The tiny head turned such input into finite, meaningless log-probs: it must be refused before the run.
        using var model = new OnnxAcousticModel(Tiny);
        float[] x = TestData.RandomFloats(6 * 1280, 3, 1);
        x[(4 * 1280) + 17] = bad;
        AcousticFeatures features = half
            ? AcousticFeatures.FromHalf(x.Select(v => (Half)v).ToArray(), 6, 1280)
            : AcousticFeatures.FromSingle(x, 6, 1280);

        var e = Assert.Throws<ArgumentException>(() => model.Run(features));
        Assert.Equal("features", e.ParamName);
        Assert.Contains("frame 4, feature 17", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.Run(features, new float[model.GetOutputFrames(6) * C]));
    }

    [Fact]
    public void An_output_too_large_for_an_array_is_an_ArgumentException_not_an_overflow()
    {
        // A configured reduction with a huge offset: T × C no longer fits an int (was OverflowException from checked).
        var options = new AcousticModelOptions { FrameReduction = new FrameReduction(1, 2_000_000_000), OutputKind = AcousticOutputKind.Logits };
        using var model = new OnnxAcousticModel(SyntheticModels.Identity(), options);
        AcousticFeatures features = AcousticFeatures.FromSingle(new float[4 * C], 4, C);

        var e = Assert.Throws<ArgumentException>(() => model.Run(features));
        Assert.Contains("more than the largest array", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.Run(features, new float[16]));
    }

    [Fact]
    public void A_fixed_input_too_large_for_an_array_is_rejected_at_load()
    {
        // [1, 40M, 66] in, output length unstated: probing the output length used to compute 40M × 66 in int.
        byte[] onnx = new OnnxModelBuilder()
            .Input("x", OnnxModelBuilder.Float, 1, 40_000_000, C)
            .Output("y", OnnxModelBuilder.Float, 1, "T", C)
            .Node("Identity", ["x"], ["y"])
            .Build();

        var e = Assert.Throws<AcousticModelException>(() => new OnnxAcousticModel(onnx));
        Assert.Contains("exceeds the largest array", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_features_are_an_ArgumentException()
    {
        using var model = new OnnxAcousticModel(Tiny);
        Assert.Throws<ArgumentException>(() => model.Run(default(AcousticFeatures)));
    }

    [Fact]
    public void Writes_into_a_larger_destination_and_leaves_the_rest_alone()
    {
        using var model = new OnnxAcousticModel(Tiny);
        AcousticFeatures features = TestData.Features(TestPaths.Fixture("features_T200.npy"));
        float[] destination = new float[(50 * C) + 7];
        Array.Fill(destination, 42f);

        int frames = model.Run(features, destination);

        Assert.Equal(50, frames);
        Assert.Equal(model.Run(features).Span.ToArray(), destination.AsSpan(0, 50 * C).ToArray());
        Assert.All(destination.AsSpan(50 * C).ToArray(), v => Assert.Equal(42f, v));
    }

    [Fact]
    public void A_short_destination_is_an_ArgumentException()
    {
        using var model = new OnnxAcousticModel(Tiny);
        AcousticFeatures features = TestData.Features(TestPaths.Fixture("features_T200.npy"));

        var e = Assert.Throws<ArgumentException>(() => model.Run(features, new float[(50 * C) - 1]));

        Assert.Contains("50 frames × 66 classes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Runs_allocate_nothing_proportional_to_the_tensors()
    {
        using var model = new OnnxAcousticModel(Tiny);
        AcousticFeatures features = TestData.Features(TestPaths.Fixture("features_T200.npy")); // 1 MB of input
        float[] destination = new float[50 * C];
        model.Run(features, destination);
        model.Run(features, destination);

        long perRun = AllocationProbe.Fewest(() => model.Run(features, destination));
        Assert.True(perRun < 2048, $"{perRun} bytes per run");
    }

    [Fact]
    public async Task RunAsync_gives_the_result_of_Run()
    {
        using var model = new OnnxAcousticModel(Tiny);
        AcousticFeatures features = TestData.Features(TestPaths.Fixture("features_T200.npy"));

        LogProbMatrix sync = model.Run(features);
        LogProbMatrix async = await model.RunAsync(features);
        float[] destination = new float[50 * C];
        int frames = await model.RunAsync(features, destination);

        Assert.Equal(sync.Span.ToArray(), async.Span.ToArray());
        Assert.Equal(50, frames);
        Assert.Equal(sync.Span.ToArray(), destination);
    }

    [Fact]
    public async Task A_cancelled_token_stops_before_running()
    {
        using var model = new OnnxAcousticModel(Tiny);
        AcousticFeatures features = TestData.Features(TestPaths.Fixture("features_T200.npy"));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await model.RunAsync(features, cts.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => model.Run(features, new float[50 * C], cts.Token));
    }

    [Fact]
    public void A_token_that_is_never_cancelled_changes_nothing()
    {
        using var model = new OnnxAcousticModel(Tiny);
        AcousticFeatures features = TestData.Features(TestPaths.Fixture("features_T200.npy"));
        using var cts = new CancellationTokenSource();

        Assert.Equal(model.Run(features).Span.ToArray(), model.Run(features, cts.Token).Span.ToArray());
    }

    [Fact]
    public void Runs_after_dispose_throw_ObjectDisposedException_and_dispose_is_idempotent()
    {
        var model = new OnnxAcousticModel(Tiny);
        model.Dispose();
        model.Dispose();

        Assert.Throws<ObjectDisposedException>(() => model.Run(AcousticFeatures.FromSingle(new float[4 * 1280], 4, 1280)));
    }

    [Fact]
    public void The_CoreML_provider_off_Apple_says_what_to_use_instead()
    {
        if (OperatingSystem.IsMacOS() || OperatingSystem.IsIOS())
        {
            return;
        }

        var e = Assert.Throws<PlatformNotSupportedException>(
            () => new OnnxAcousticModel(Tiny, sessionOptions: new OnnxSessionOptions { ExecutionProvider = OnnxExecutionProvider.CoreML }));
        Assert.Contains("OnnxExecutionProvider.Cpu", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_configure_hook_sees_the_ORT_session_options()
    {
        bool called = false;
        using var model = new OnnxAcousticModel(
            Tiny,
            sessionOptions: new OnnxSessionOptions
            {
                IntraOpThreads = 1,
                Configure = so =>
                {
                    called = true;
                    Assert.Equal(1, so.IntraOpNumThreads);
                },
            });

        Assert.True(called);
    }

    [Fact]
    public void Options_are_immutable_records_with_documented_defaults()
    {
        OnnxSessionOptions d = OnnxSessionOptions.Default;
        Assert.Equal(0, d.IntraOpThreads);
        Assert.False(d.AllowSpinning);
        Assert.Equal(OnnxGraphOptimization.All, d.GraphOptimization);
        Assert.Equal(OnnxExecutionProvider.Cpu, d.ExecutionProvider);
        Assert.Equal(d with { IntraOpThreads = 2 }, new OnnxSessionOptions { IntraOpThreads = 2 });

        AcousticModelOptions a = AcousticModelOptions.Default;
        Assert.Same(CtcVocabulary.NkoBlankFirst, a.Vocabulary);
        Assert.Equal(AcousticOutputKind.LogProbs, a.OutputKind);
        Assert.Null(a.FrameReduction);
        Assert.True(a.ValidateOutput);
    }

    [Fact]
    public void Negative_thread_counts_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxAcousticModel(Tiny, sessionOptions: new OnnxSessionOptions { IntraOpThreads = -1 }));
    }
}
