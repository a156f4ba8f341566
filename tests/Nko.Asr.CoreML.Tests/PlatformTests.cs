using Nko.Asr.CoreML.Interop;
using Nko.Asr;

namespace Nko.Asr.CoreML.Tests;

/// <summary>A fact that runs only on macOS, with the reason when skipped.</summary>
internal sealed class MacOSFactAttribute : FactAttribute
{
    public MacOSFactAttribute()
    {
        if (!OperatingSystem.IsMacOS())
        {
            Skip = "Needs macOS: it calls the real CoreML.framework through the Objective-C runtime, which exists only on Apple platforms.";
        }
    }
}

public sealed class PlatformTests
{
    [Fact]
    public void Off_Apple_the_constructor_says_to_use_Nko_Asr_Onnx()
    {
        if (CoreMLAcousticModel.IsSupported)
        {
            return; // covered by the macOS tests below
        }

        string dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            var e = Assert.Throws<PlatformNotSupportedException>(() => new CoreMLAcousticModel(Path.Combine(dir, "head.mlmodelc")));
            Assert.Contains("Nko.Asr.Onnx", e.Message, StringComparison.Ordinal);
            Assert.Contains("OnnxAcousticModel", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact]
    public void IsSupported_matches_the_OS()
    {
        Assert.Equal(OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() || OperatingSystem.IsMacCatalyst(), CoreMLAcousticModel.IsSupported);
    }

    [Fact]
    public void The_exception_family_lets_callers_catch_one_type()
    {
        var e = new CoreMLException("loading 'x.mlmodelc'", "com.apple.CoreML", 3, "corrupt");
        Assert.IsAssignableFrom<AcousticModelException>(e);
        Assert.IsAssignableFrom<InvalidOperationException>(e);
        Assert.Equal("CoreML failed loading 'x.mlmodelc': corrupt [com.apple.CoreML 3]", e.Message);
        Assert.Equal("CoreML failed running a prediction without reporting an error.", new CoreMLException("running a prediction", null, 0, null).Message);
    }

    [Fact]
    public void Selector_names_are_distinct_and_keyword_selectors_end_with_colons()
    {
        Assert.Equal(SelectorNames.All.Length, SelectorNames.All.Distinct().Count());
        Assert.All(SelectorNames.All, n => Assert.True(!n.Contains(':', StringComparison.Ordinal) || n.EndsWith(':'), n));
        Assert.Contains("initWithDataPointer:shape:dataType:strides:deallocator:error:", SelectorNames.All);
        Assert.Equal(6, "initWithDataPointer:shape:dataType:strides:deallocator:error:".Count(c => c == ':')); // = the 6-argument objc_msgSend overload
    }

    [MacOSFact]
    public void On_macOS_a_corrupt_compiled_model_surfaces_the_NSError()
    {
        string dir = Path.Combine(Directory.CreateTempSubdirectory().FullName, "empty.mlmodelc");
        Directory.CreateDirectory(dir);
        try
        {
            var e = Assert.Throws<CoreMLException>(() => new CoreMLAcousticModel(dir));
            Assert.NotNull(e.Domain);
            Assert.Contains("empty.mlmodelc", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
        }
    }

    [MacOSFact]
    public void On_macOS_a_real_model_matches_onnx_when_NKO_COREML_MODEL_is_set()
    {
        // Set NKO_COREML_MODEL to a .mlmodel/.mlpackage/.mlmodelc converted from ../shared/models/ctc_head_tiny.onnx and
        // NKO_COREML_FEATURES / NKO_COREML_EXPECTED to features_T200.npy / expected_log_probs_T200.npy.
        string? path = Environment.GetEnvironmentVariable("NKO_COREML_MODEL");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        using var model = new CoreMLAcousticModel(path, null, new CoreMLModelOptions { ComputeUnits = CoreMLComputeUnits.CpuOnly });
        Assert.Equal(1280, model.FeatureDimension);
        Assert.Equal(375, model.GetOutputFrames(1500));
    }
}
