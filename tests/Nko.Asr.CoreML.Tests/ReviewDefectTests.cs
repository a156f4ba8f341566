using Nko.Asr;
using Nko.Asr.CoreML.Interop;
using Nko.Ctc;

namespace Nko.Asr.CoreML.Tests;

/// <summary>Issue 19's defects, each exercised through the back end over the fake (which runs the same parsing, reading and deallocation code as the real API).</summary>
public sealed class ReviewDefectTests : IDisposable
{
    private const int C = 66;
    private const int D = 80;
    private readonly string _root = Directory.CreateTempSubdirectory("nko-coreml-review-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string ModelPath()
    {
        string path = Path.Combine(_root, "head.mlmodelc");
        Directory.CreateDirectory(path);
        return path;
    }

    private static AcousticFeatures Features(int frames)
    {
        var rng = new Random(frames);
        return AcousticFeatures.FromSingle(Enumerable.Range(0, frames * D).Select(_ => (float)rng.NextDouble()).ToArray(), frames, D);
    }

    [Fact]
    public void A_model_whose_ranges_are_all_fixed_loads_with_a_fixed_time_axis()
    {
        var api = new FakeCoreMLApi();
        api.Description = new CoreMLModelDescription(
            [new CoreMLFeatureDescription("features", true, MultiArrayDataType.Float32, [1, 12, D])],
            [new CoreMLFeatureDescription("log_probs", true, MultiArrayDataType.Float32, [1, 12, C])]);
        api.RawRanges["features"] = [new(1, 1), new(12, 1), new(D, 1)]; // CoreML's {N, 1} for every fixed dimension

        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);

        Assert.Equal(D, model.FeatureDimension);
        Assert.Equal(12, model.FixedInputFrames);
        Assert.Equal(12, model.Run(Features(12)).Frames);
    }

    [Fact]
    public void A_range_dim_time_axis_is_flexible_and_a_ranged_width_is_refused()
    {
        var api = new FakeCoreMLApi { Stride = 2 };
        api.RawRanges["features"] = [new(1, 1), new(1, 3000), new(D, 1)];
        using (var model = new CoreMLAcousticModel(ModelPath(), null, null, api))
        {
            Assert.Null(model.FixedInputFrames);
            Assert.Equal(FrameReduction.Ceiling(2), model.FrameReduction);
        }

        api.RawRanges["features"] = [new(1, 1), new(1, 3000), new(64, 64)];
        var e = Assert.Throws<AcousticModelException>(() => new CoreMLAcousticModel(ModelPath(), null, null, api));
        Assert.Contains("flexible feature width", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData((long)ShapeConstraintKind.Enumerated)]
    [InlineData((long)ShapeConstraintKind.Unspecified)]
    public void Enumerated_and_unspecified_constraints_give_a_flexible_time_axis(long kind)
    {
        var api = new FakeCoreMLApi { ConstraintKind = (ShapeConstraintKind)kind, Stride = 3 };
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);

        Assert.Null(model.FixedInputFrames);
        Assert.Equal(4, model.Run(Features(10)).Frames);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(5, false)]
    [InlineData(3, true)]
    public void An_output_smaller_than_its_strides_reach_is_refused_and_leaks_nothing(int padding, bool classMajor)
    {
        // The fake's buffer ends with one padding run the strides never reach: cut one byte into the reach itself.
        var api = new FakeCoreMLApi { ByteCountAdjustment = -((padding * sizeof(float)) + 1), RowPadding = padding, ClassMajorOutput = classMajor };
        api.Description = new CoreMLModelDescription( // fixed: no probe at load
            [new CoreMLFeatureDescription("features", true, MultiArrayDataType.Float32, [1, 7, D])],
            [new CoreMLFeatureDescription("log_probs", true, MultiArrayDataType.Float32, [1, 7, C])]);
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);
        float[] destination = Enumerable.Repeat(9f, 7 * C).ToArray();

        var e = Assert.Throws<AcousticModelException>(() => model.Run(Features(7), destination));

        Assert.Contains("reaches byte", e.Message, StringComparison.Ordinal);
        Assert.IsType<FormatException>(e.InnerException);
        Assert.All(destination, v => Assert.Equal(9f, v)); // nothing read past the buffer, nothing written
        Assert.Equal(0, api.PoolDepth);
        Assert.Equal(1, api.LiveObjects);
    }

    [Fact]
    public void An_output_with_exactly_the_bytes_its_strides_reach_is_read()
    {
        // Padding after the last row is not needed: the fake's buffer ends at the last row's padding, so shave it off.
        var api = new FakeCoreMLApi { RowPadding = 4, ByteCountAdjustment = -4 * sizeof(float) };
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);
        AcousticFeatures features = Features(5);

        LogProbMatrix result = model.Run(features);

        Assert.Equal(api.Expected(features.Single.Span, 5, D), result.Span.ToArray());
    }

    [Theory]
    [InlineData((int)ApplePlatform.MacOS, "12.6")]
    [InlineData((int)ApplePlatform.IOS, "15.7")]
    [InlineData((int)ApplePlatform.MacCatalyst, "15.4")]
    public void The_Neural_Engine_only_value_is_refused_before_CoreML_on_older_systems(int platform, string version)
    {
        var api = new FakeCoreMLApi { Platform = (ApplePlatform)platform, OSVersion = Version.Parse(version) };
        var options = new CoreMLModelOptions { ComputeUnits = CoreMLComputeUnits.CpuAndNeuralEngine };

        var e = Assert.Throws<CoreMLException>(() => new CoreMLAcousticModel(ModelPath(), null, options, api));

        Assert.Contains("macOS 13.0, iOS 16.0 or Mac Catalyst 16.0", e.Message, StringComparison.Ordinal);
        Assert.Empty(api.Calls); // nothing reached CoreML
        Assert.Equal(0, api.LiveObjects);

        using var ok = new CoreMLAcousticModel(ModelPath(), null, new CoreMLModelOptions { ComputeUnits = CoreMLComputeUnits.All }, api);
        api.OSVersion = new Version(16, 0);
        using var later = new CoreMLAcousticModel(ModelPath(), null, options, api);
    }

    [Fact]
    public void An_undefined_compute_units_value_is_an_argument_error()
    {
        var api = new FakeCoreMLApi();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CoreMLAcousticModel(ModelPath(), null, new CoreMLModelOptions { ComputeUnits = (CoreMLComputeUnits)7 }, api));
        Assert.Equal(nameof(CoreMLModelOptions.ComputeUnits), e.ParamName);
        Assert.Empty(api.Calls);
    }

    [Theory]
    [InlineData((long)MultiArrayDataType.Float32, false)] // the caller's memory, pinned
    [InlineData((long)MultiArrayDataType.Float16, false)] // a pooled, converted copy
    [InlineData((long)MultiArrayDataType.Float64, true)]
    public void Every_input_is_unpinned_by_its_deallocator(long typeCode, bool half)
    {
        var api = new FakeCoreMLApi();
        api.Description = api.Description with { Inputs = [new CoreMLFeatureDescription("features", true, (MultiArrayDataType)typeCode, [1, -1, D])] };
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);
        AcousticFeatures features = Features(6);
        if (half)
        {
            features = AcousticFeatures.FromHalf(features.Single.ToArray().Select(v => (Half)v).ToArray(), 6, D);
        }

        api.Deallocations.Clear();
        model.Run(features);
        model.Run(features);

        Assert.Equal([true, true], api.Deallocations);
        Assert.Equal(0, model.InputsHeldByCoreML);
    }

    [Fact]
    public void An_input_CoreML_still_holds_stays_leased_until_its_deallocator_runs()
    {
        var api = new FakeCoreMLApi();
        using var model = new CoreMLAcousticModel(ModelPath(), null, null, api);
        int before = model.InputsHeldByCoreML; // the probes at load were released
        api.HoldInputs = true;
        api.Deallocations.Clear();
        AcousticFeatures features = Features(4);

        LogProbMatrix result = model.Run(features);

        Assert.Equal(api.Expected(features.Single.Span, 4, D), result.Span.ToArray());
        Assert.Equal(before + 1, model.InputsHeldByCoreML);
        Assert.Empty(api.Deallocations);
        Assert.True(InputLease.Outstanding >= 1);

        api.ReleaseHeldInputs();
        Assert.Equal([true], api.Deallocations);
    }

    [Fact]
    public void Dispose_releases_the_model_inside_an_autorelease_pool()
    {
        var api = new FakeCoreMLApi(); // its Release refuses to run without a pool
        var model = new CoreMLAcousticModel(ModelPath(), null, null, api);

        model.Dispose();

        Assert.Equal(0, api.LiveObjects);
        Assert.Equal(0, api.PoolDepth);
    }

    [Fact]
    public void A_declared_input_larger_than_any_array_is_refused_at_load()
    {
        var api = new FakeCoreMLApi();
        api.Description = api.Description with { Inputs = [new CoreMLFeatureDescription("features", true, MultiArrayDataType.Float32, [1, 3_000_000_000L, D])] };

        var e = Assert.Throws<AcousticModelException>(() => new CoreMLAcousticModel(ModelPath(), null, null, api));

        Assert.Contains("more values than one array holds", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, api.LiveObjects);
    }
}
