using Nko.Asr.CoreML.Interop;
using Nko.Ctc;
using Nko.Asr;

namespace Nko.Asr.CoreML.Tests;

/// <summary>The back end's logic over a managed fake of CoreML: runs on every OS.</summary>
public sealed class CoreMLAcousticModelTests : IDisposable
{
    private const int C = 66;
    private const int D = 80;
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"nko-coreml-tests-{Guid.NewGuid():N}");

    public CoreMLAcousticModelTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string ModelPath(string name = "head.mlmodelc")
    {
        string path = Path.Combine(_root, name);
        if (name.EndsWith(".mlmodel", StringComparison.Ordinal))
        {
            File.WriteAllBytes(path, [0]);
        }
        else
        {
            Directory.CreateDirectory(path);
        }

        return path;
    }

    private static float[] Features(int frames, int seed, float scale = 3f)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, frames * D).Select(_ => ((float)rng.NextDouble() * 2 - 1) * scale).ToArray();
    }

    private static float MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        }

        return max;
    }

    [Fact]
    public void Runs_a_compiled_model_and_releases_everything()
    {
        var api = new FakeCoreMLApi { Stride = 4 };
        var model = new CoreMLAcousticModel(ModelPath(), null, null, api);
        float[] x = Features(37, 1);

        LogProbMatrix result = model.Run(AcousticFeatures.FromSingle(x, 37, D));

        Assert.Equal(10, result.Frames);
        Assert.Equal(api.Expected(x, 37, D), result.Span.ToArray());
        Assert.Equal(FrameReduction.Ceiling(4), model.FrameReduction);
        Assert.Equal("features", model.InputName);
        Assert.Equal("log_probs", model.OutputName);
        Assert.Equal(D, model.FeatureDimension);
        Assert.Equal(0, api.PoolDepth);
        Assert.Equal(1, api.LiveObjects); // the model itself
        model.Dispose();
        Assert.Equal(0, api.LiveObjects);
        model.Dispose(); // idempotent: no over-release
        Assert.Throws<ObjectDisposedException>(() => model.Run(AcousticFeatures.FromSingle(x, 37, D)));
    }

    [Theory]
    [InlineData(float.NaN, false)]
    [InlineData(float.PositiveInfinity, false)]
    [InlineData(float.NegativeInfinity, true)]
    [InlineData(float.NaN, true)]
    public void Non_finite_features_are_refused_before_the_prediction(float bad, bool half)
    {
        var api = new FakeCoreMLApi();
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);
        float[] x = Features(6, 3);
        x[(5 * D) + 79] = bad;
        AcousticFeatures features = half
            ? AcousticFeatures.FromHalf(x.Select(v => (Half)v).ToArray(), 6, D)
            : AcousticFeatures.FromSingle(x, 6, D);
        api.Inputs.Clear();

        var e = Assert.Throws<ArgumentException>(() => model.Run(features));

        Assert.Equal("features", e.ParamName);
        Assert.Contains("frame 5, feature 79", e.Message, StringComparison.Ordinal);
        Assert.Empty(api.Inputs);
    }

    [Theory]
    [InlineData((long)MultiArrayDataType.Float32, 0, false, 3)]
    [InlineData((long)MultiArrayDataType.Float32, 5, false, 3)]
    [InlineData((long)MultiArrayDataType.Float32, 0, true, 3)]
    [InlineData((long)MultiArrayDataType.Float16, 0, false, 3)]
    [InlineData((long)MultiArrayDataType.Float16, 3, true, 4)]
    [InlineData((long)MultiArrayDataType.Float64, 2, false, 2)]
    public void Reads_any_output_type_and_layout(long typeCode, int padding, bool classMajor, int rank)
    {
        var type = (MultiArrayDataType)typeCode;
        var api = new FakeCoreMLApi { OutputType = type, RowPadding = padding, ClassMajorOutput = classMajor, OutputRank = rank, Stride = 2 };
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);
        float[] x = Features(21, 2);

        LogProbMatrix result = model.Run(AcousticFeatures.FromSingle(x, 21, D));

        float tolerance = type == MultiArrayDataType.Float16 ? 2e-2f : 1e-6f;
        Assert.True(MaxAbsDiff(api.Expected(x, 21, D), result.Span) <= tolerance);
    }

    [Fact]
    public void Float32_features_for_a_float32_model_are_wrapped_without_a_copy()
    {
        var api = new FakeCoreMLApi();
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);
        float[] x = GC.AllocateArray<float>(6 * D, pinned: true);
        Features(6, 3).CopyTo(x, 0);
        api.Inputs.Clear();

        model.Run(AcousticFeatures.FromSingle(x, 6, D));

        unsafe
        {
            fixed (float* p = x)
            {
                Assert.Equal((nint)p, api.Inputs.Single().Data);
            }
        }

        Assert.Equal(MultiArrayDataType.Float32, api.Inputs.Single().Type);
        Assert.Equal([1L, 6, D], api.Inputs.Single().Shape);
    }

    [Fact]
    public void Half_features_for_a_float16_model_are_wrapped_without_a_copy()
    {
        var api = new FakeCoreMLApi();
        api.Description = api.Description with
        {
            Inputs = [new CoreMLFeatureDescription("features", true, MultiArrayDataType.Float16, [1, -1, D])],
        };
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);
        Half[] x = GC.AllocateArray<Half>(6 * D, pinned: true);
        float[] source = Features(6, 4);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (Half)source[i];
        }

        api.Inputs.Clear();
        LogProbMatrix result = model.Run(AcousticFeatures.FromHalf(x, 6, D));

        unsafe
        {
            fixed (Half* p = x)
            {
                Assert.Equal((nint)p, api.Inputs.Single().Data);
            }
        }

        Assert.True(MaxAbsDiff(api.Expected(x.Select(h => (float)h).ToArray(), 6, D), result.Span) <= 1e-6f);
    }

    [Theory]
    [InlineData((long)MultiArrayDataType.Float32, true)]
    [InlineData((long)MultiArrayDataType.Float16, false)]
    [InlineData((long)MultiArrayDataType.Float64, false)]
    [InlineData((long)MultiArrayDataType.Float64, true)]
    public void Mismatched_feature_types_are_converted_to_the_model_type(long typeCode, bool halfFeatures)
    {
        var inputType = (MultiArrayDataType)typeCode;
        var api = new FakeCoreMLApi();
        api.Description = api.Description with
        {
            Inputs = [new CoreMLFeatureDescription("features", true, inputType, [1, -1, D])],
        };
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);
        float[] x = Features(5, 5).Select(v => (float)(Half)v).ToArray();
        AcousticFeatures features = halfFeatures
            ? AcousticFeatures.FromHalf(x.Select(v => (Half)v).ToArray(), 5, D)
            : AcousticFeatures.FromSingle(x, 5, D);
        api.Inputs.Clear();

        LogProbMatrix result = model.Run(features);

        Assert.Equal(inputType, api.Inputs.Single().Type);
        Assert.True(MaxAbsDiff(api.Expected(x, 5, D), result.Span) <= 1e-6f);
    }

    [Fact]
    public void A_prediction_error_becomes_a_CoreMLException_and_leaks_nothing()
    {
        var api = new FakeCoreMLApi();
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);
        api.PredictError = ("com.apple.CoreML", 0, "Failed to evaluate model 0 in pipeline");

        var e = Assert.Throws<CoreMLException>(() => model.Run(AcousticFeatures.FromSingle(Features(4, 6), 4, D)));

        Assert.Equal("com.apple.CoreML", e.Domain);
        Assert.Equal(0, e.Code);
        Assert.Contains("Failed to evaluate model 0 in pipeline", e.Message, StringComparison.Ordinal);
        Assert.Contains("running a prediction", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<AcousticModelException>(e);
        Assert.Equal(0, api.PoolDepth);
        Assert.Equal(1, api.LiveObjects);
    }

    [Fact]
    public void A_load_error_becomes_a_CoreMLException_and_leaks_nothing()
    {
        var api = new FakeCoreMLApi { LoadError = ("com.apple.CoreML", 3, "The model is corrupt.") };

        var e = Assert.Throws<CoreMLException>(() => new CoreMLAcousticModel(ModelPath(), null, null, api));

        Assert.Contains("The model is corrupt. [com.apple.CoreML 3]", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, api.PoolDepth);
        Assert.Equal(0, api.LiveObjects);
    }

    [Fact]
    public void An_uncompiled_model_is_compiled_and_the_temporary_copy_deleted_on_dispose()
    {
        var api = new FakeCoreMLApi();
        var model = new CoreMLAcousticModel(ModelPath("head.mlpackage"), null, null, api);

        Assert.Equal(["compile head.mlpackage", "load head.mlmodelc"], api.Calls);
        Assert.True(Directory.Exists(api.LastCompiledPath));
        model.Dispose();
        Assert.False(Directory.Exists(api.LastCompiledPath));
    }

    [Fact]
    public void A_compiled_model_directory_keeps_the_compiled_model()
    {
        var api = new FakeCoreMLApi();
        string keep = Path.Combine(_root, "compiled");
        var model = new CoreMLAcousticModel(ModelPath("head.mlmodel"), null, new CoreMLModelOptions { CompiledModelDirectory = keep }, api);
        model.Dispose();

        Assert.True(Directory.Exists(Path.Combine(keep, "head.mlmodelc")));
        Assert.Equal("load head.mlmodelc", api.Calls[^1]);
    }

    [Fact]
    public void A_compile_error_names_the_model()
    {
        var api = new FakeCoreMLApi { CompileError = ("com.apple.CoreML", 1, "Unsupported spec version.") };

        var e = Assert.Throws<CoreMLException>(() => new CoreMLAcousticModel(ModelPath("x.mlmodel"), null, null, api));

        Assert.Contains("compiling", e.Message, StringComparison.Ordinal);
        Assert.Contains("x.mlmodel", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, api.PoolDepth);
    }

    [Fact]
    public void Compute_units_and_precision_reach_the_configuration()
    {
        var api = new FakeCoreMLApi();
        var options = new CoreMLModelOptions { ComputeUnits = CoreMLComputeUnits.CpuAndNeuralEngine, AllowLowPrecisionAccumulationOnGpu = true };
        using var model = new CoreMLAcousticModel(ModelPath(), null, options, api);

        Assert.Equal(options, api.LoadedWith);
        Assert.Equal(CoreMLComputeUnits.CpuAndGpu, CoreMLModelOptions.Default.ComputeUnits);
        Assert.False(CoreMLModelOptions.Default.AllowLowPrecisionAccumulationOnGpu);
    }

    [Fact]
    public void Missing_and_unknown_paths_are_clear_errors()
    {
        var api = new FakeCoreMLApi();
        Assert.Throws<FileNotFoundException>(() => new CoreMLAcousticModel(Path.Combine(_root, "none.mlmodelc"), null, null, api));
        File.WriteAllBytes(Path.Combine(_root, "head.onnx"), [0]);
        var e = Assert.Throws<AcousticModelException>(() => new CoreMLAcousticModel(Path.Combine(_root, "head.onnx"), null, null, api));
        Assert.Contains(".mlmodelc", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("classes", "vocabulary has 66")]
    [InlineData("two-inputs", "2 inputs")]
    [InlineData("int32", "float32, float16 or float64")]
    [InlineData("rank4", "rank 4")]
    [InlineData("batch2", "fixed batch of 2")]
    [InlineData("flexible-width", "flexible feature width")]
    [InlineData("not-array", "must both be multi-arrays")]
    public void Unusable_descriptions_are_rejected_at_load_and_the_model_released(string kind, string reason)
    {
        var api = new FakeCoreMLApi();
        CoreMLFeatureDescription input = api.Description.Inputs[0];
        CoreMLFeatureDescription output = api.Description.Outputs[0];
        api.Description = kind switch
        {
            "classes" => api.Description with { Outputs = [output with { Shape = [1, -1, 50] }] },
            "two-inputs" => api.Description with { Inputs = [input, input with { Name = "mask" }] },
            "int32" => api.Description with { Inputs = [input with { DataType = MultiArrayDataType.Int32 }] },
            "rank4" => api.Description with { Inputs = [input with { Shape = [1, 1, -1, D] }] },
            "batch2" => api.Description with { Inputs = [input with { Shape = [2, -1, D] }] },
            "flexible-width" => api.Description with { Inputs = [input with { Shape = [1, -1, -1] }] },
            _ => api.Description with { Outputs = [output with { IsMultiArray = false }] },
        };

        var e = Assert.Throws<AcousticModelException>(() => new CoreMLAcousticModel(ModelPath(), null, null, api));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Contains("head.mlmodelc", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, api.LiveObjects);
        Assert.Equal(0, api.PoolDepth);
    }

    [Fact]
    public void Named_inputs_and_outputs_are_picked_and_wrong_names_listed()
    {
        var api = new FakeCoreMLApi();
        CoreMLFeatureDescription input = api.Description.Inputs[0];
        api.Description = api.Description with { Inputs = [input with { Name = "mask" }, input] };

        using var model = new CoreMLAcousticModel(ModelPath(), new AcousticModelOptions { InputName = "features" }, null, api);
        Assert.Equal("features", model.InputName);

        var e = Assert.Throws<AcousticModelException>(() => new CoreMLAcousticModel(ModelPath(), new AcousticModelOptions { InputName = "features", OutputName = "logits" }, null, api));
        Assert.Contains("'log_probs' float32 [1, ?, 66]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_frame_reduction_is_reported_with_the_fix()
    {
        var api = new FakeCoreMLApi { Stride = 4 };
        using var model = new CoreMLAcousticModel(ModelPath(), new AcousticModelOptions { FrameReduction = FrameReduction.Ceiling(2) }, null, api);

        var e = Assert.Throws<AcousticModelException>(() => model.Run(AcousticFeatures.FromSingle(Features(40, 7), 40, D)));

        Assert.Contains("returned 10 frames for 40 input frames, but 20 were expected", e.Message, StringComparison.Ordinal);
        Assert.Contains("FrameReduction", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, api.PoolDepth);
        Assert.Equal(1, api.LiveObjects);
    }

    [Fact]
    public void A_fixed_time_axis_needs_no_probe()
    {
        var api = new FakeCoreMLApi();
        api.Description = new CoreMLModelDescription(
            [new CoreMLFeatureDescription("features", true, MultiArrayDataType.Float32, [1, 12, D])],
            [new CoreMLFeatureDescription("log_probs", true, MultiArrayDataType.Float32, [1, 12, C])]);
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);

        Assert.Equal(12, model.FixedInputFrames);
        Assert.Null(model.FrameReduction);
        Assert.Empty(api.Inputs);
        Assert.Equal(12, model.Run(AcousticFeatures.FromSingle(Features(12, 8), 12, D)).Frames);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Run(AcousticFeatures.FromSingle(Features(11, 8), 11, D)));
    }

    [Fact]
    public void Logits_are_normalised_and_caught_when_undeclared()
    {
        var api = new FakeCoreMLApi { EmitLogits = true };
        float[] x = Features(3, 9);
        using (var strict = new CoreMLAcousticModel(ModelPath(), null, null, api))
        {
            Assert.Throws<AcousticModelException>(() => strict.Run(AcousticFeatures.FromSingle(x, 3, D)));
        }

        using var model = new CoreMLAcousticModel(ModelPath(), new AcousticModelOptions { OutputKind = AcousticOutputKind.Logits }, null, api);
        float[] expected = api.Expected(x, 3, D);
        LogProbMatrix.LogSoftmax(expected, expected, C);

        Assert.Equal(expected, model.Run(AcousticFeatures.FromSingle(x, 3, D)).Span.ToArray());
    }

    [Fact]
    public void Destination_and_feature_checks_come_before_CoreML()
    {
        var api = new FakeCoreMLApi();
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);
        api.Inputs.Clear();

        Assert.Throws<ArgumentException>(() => model.Run(AcousticFeatures.FromSingle(Features(4, 1), 4, D), new float[(4 * C) - 1]));
        var e = Assert.Throws<ArgumentException>(() => model.Run(AcousticFeatures.FromSingle(new float[4 * 40], 4, 40)));
        Assert.Contains("40 wide", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.Run(default(AcousticFeatures)));
        Assert.Empty(api.Inputs);
    }

    [Fact]
    public void Writes_only_T_times_C_values_into_the_destination()
    {
        var api = new FakeCoreMLApi();
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);
        float[] x = Features(4, 10);
        float[] destination = Enumerable.Repeat(9f, (4 * C) + 3).ToArray();

        Assert.Equal(4, model.Run(AcousticFeatures.FromSingle(x, 4, D), destination));

        Assert.Equal(api.Expected(x, 4, D), destination.AsSpan(0, 4 * C).ToArray());
        Assert.Equal([9f, 9f, 9f], destination.AsSpan(4 * C).ToArray());
    }

    [Fact]
    public async Task Concurrent_callers_are_serialised_and_correct()
    {
        var api = new FakeCoreMLApi { Stride = 3 };
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);
        float[][] inputs = Enumerable.Range(0, 6).Select(i => Features(10 + i, 20 + i)).ToArray();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (int round = 0; round < 5; round++)
            {
                int i = (w + round) % inputs.Length;
                AcousticFeatures f = AcousticFeatures.FromSingle(inputs[i], 10 + i, D);
                LogProbMatrix r = (round & 1) == 0 ? model.Run(f) : await model.RunAsync(f);
                Assert.Equal(api.Expected(inputs[i], 10 + i, D), r.Span.ToArray());
            }
        })));

        Assert.Equal(1, api.MaxConcurrentPredictions);
        Assert.Equal(0, api.PoolDepth);
        Assert.Equal(1, api.LiveObjects);
    }

    [Fact]
    public async Task A_cancelled_token_stops_before_the_prediction()
    {
        var api = new FakeCoreMLApi();
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        api.Inputs.Clear();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await model.RunAsync(AcousticFeatures.FromSingle(Features(2, 1), 2, D), cts.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => model.Run(AcousticFeatures.FromSingle(Features(2, 1), 2, D), cts.Token));
        Assert.Empty(api.Inputs);
    }

    [Fact]
    public void A_blank_last_vocabulary_is_carried_through()
    {
        var api = new FakeCoreMLApi();
        using var model = new CoreMLAcousticModel(ModelPath(), new AcousticModelOptions { Vocabulary = CtcVocabulary.NkoBlankLast }, null, api);
        Assert.Equal(65, model.Vocabulary.BlankIndex);
    }
}
