using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Ctc;
using Nko.Asr;

namespace Nko.Asr.Tests;

/// <summary>The back-end-independent pieces in Nko.Asr that the back ends rely on.</summary>
public sealed class AcousticsTests
{
    private static long FloorDiv(long a, long b) => (long)Math.Floor((double)a / b);

    [Property(MaxTest = 500)]
    public bool Infer_recovers_any_stride_and_offset(PositiveInt strideSeed, int offsetSeed, PositiveInt startSeed)
    {
        int stride = 1 + (strideSeed.Get % 64);
        int offset = offsetSeed % (4 * stride);
        int start = 1 + (startSeed.Get % 500);
        var rule = FrameReduction.Infer(t => (int)FloorDiv(t + offset, stride), start, maxStride: 64);
        return rule.Stride == stride && rule.Offset == offset;
    }

    [Property(MaxTest = 300)]
    public bool Ceiling_is_ceiling_division(PositiveInt factorSeed, PositiveInt inputSeed)
    {
        int factor = 1 + (factorSeed.Get % 32);
        int input = inputSeed.Get % 100_000 + 1;
        return FrameReduction.Ceiling(factor).GetOutputFrames(input) == (input + factor - 1) / factor;
    }

    [Fact]
    public void Fixed_time_axis_accepts_exactly_its_input_length()
    {
        TimeAxis axis = TimeAxis.Fixed(12, 3);
        Assert.Equal(12, axis.FixedInputFrames);
        Assert.Null(axis.FrameReduction);
        Assert.Equal(3, axis.GetOutputFrames(12, "m"));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => axis.GetOutputFrames(13, "tiny.onnx"));
        Assert.Contains("Model 'tiny.onnx' has a fixed time axis and accepts exactly 12 input frames", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeAxis.Fixed(12, 0));
    }

    [Fact]
    public void Flexible_time_axis_applies_its_reduction_and_checks_features()
    {
        TimeAxis axis = TimeAxis.Flexible(FrameReduction.Ceiling(4));
        Assert.Null(axis.FixedInputFrames);
        Assert.Equal(375, axis.GetOutputFrames(1500, "m"));
        Assert.Equal(375, axis.CheckFeatures(AcousticFeatures.FromSingle(new float[1500 * 2], 1500, 2), 2, "m", "x"));
        var wide = Assert.Throws<ArgumentException>(() => axis.CheckFeatures(AcousticFeatures.FromSingle(new float[10 * 3], 10, 3), 2, "m.onnx", "input [1, T, 2] float"));
        Assert.Contains("Features are 3 wide but model 'm.onnx' takes 2 (input [1, T, 2] float)", wide.Message);
        Assert.Throws<ArgumentException>(() => axis.CheckFeatures(default, 2, "m", "x"));
    }

    [Fact]
    public void Resolve_probes_only_what_the_model_does_not_state()
    {
        int probes = 0;
        int Probe(int t)
        {
            probes++;
            return (t + 3) / 4;
        }

        Assert.Equal(5, TimeAxis.Resolve<IOException>("m", 20, 0, null, Probe).GetOutputFrames(20, "m"));
        Assert.Equal(1, probes);
        Assert.Equal(7, TimeAxis.Resolve<IOException>("m", 20, 7, null, Probe).GetOutputFrames(20, "m"));
        Assert.Equal(FrameReduction.None, TimeAxis.Resolve<IOException>("m", 0, 0, FrameReduction.None, Probe).FrameReduction);
        Assert.Equal(1, probes);
        Assert.Equal(FrameReduction.Ceiling(4), TimeAxis.Resolve<IOException>("m", 0, 0, null, Probe).FrameReduction);
        var none = Assert.Throws<AcousticModelException>(() => TimeAxis.Resolve<IOException>("m.onnx", 20, 0, null, _ => 0));
        Assert.Contains("'m.onnx' gives no output frames", none.Message);
    }

    [Fact]
    public void Resolve_retries_longer_probes_on_back_end_failures_and_names_the_model_when_all_fail()
    {
        // The model needs at least 100 frames: the starts 16 and 64 fail with the back end's exception, 256 works.
        TimeAxis axis = TimeAxis.Resolve<IOException>("m", 0, 0, null, t => t >= 100 ? (t + 1) / 2 : throw new IOException("too short"));
        Assert.Equal(FrameReduction.Ceiling(2), axis.FrameReduction);

        var failed = Assert.Throws<AcousticModelException>(() => TimeAxis.Resolve<IOException>("m.onnx", 0, 0, null, _ => throw new IOException("broken")));
        Assert.Contains("Model 'm.onnx' failed on zero inputs of 16..1024 frames", failed.Message);
        Assert.Contains("broken", failed.Message);
        Assert.IsType<IOException>(failed.InnerException);

        var irregular = Assert.Throws<AcousticModelException>(() => TimeAxis.Resolve<IOException>("m.onnx", 0, 0, null, t => t * 2));
        Assert.Contains("Model 'm.onnx': cannot infer how its time axis is reduced", irregular.Message);

        // Other exceptions are not swallowed.
        Assert.Throws<DivideByZeroException>(() => TimeAxis.Resolve<IOException>("m", 0, 0, null, _ => throw new DivideByZeroException()));
    }

    [Fact]
    public void Two_strided_convolutions_compose_to_ceiling_four()
    {
        // Conv1d k3 s2 p1 twice, as in the test heads: floor((T + 2 - 3) / 2) + 1 per layer.
        static int Conv(int t) => ((t + 2 - 3) / 2) + 1;
        Assert.Equal(FrameReduction.Ceiling(4), FrameReduction.Infer(t => Conv(Conv(t))));
        Assert.Equal(375, FrameReduction.Ceiling(4).GetOutputFrames(1500));
    }

    [Fact]
    public void Unpadded_convolutions_give_a_negative_offset_and_too_short_inputs_are_rejected()
    {
        static int Conv(int t) => ((t - 3) / 2) + 1; // k3 s2 p0, valid for t >= 3
        FrameReduction rule = FrameReduction.Infer(t => Conv(t));
        Assert.Equal(new FrameReduction(2, -1), rule);
        Assert.Equal(1, rule.GetOutputFrames(3));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => rule.GetOutputFrames(2));
        Assert.Contains("longer input", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Upsampling_or_irregular_lengths_are_not_a_reduction()
    {
        Assert.Throws<InvalidOperationException>(() => FrameReduction.Infer(t => 2 * t));
        Assert.Throws<InvalidOperationException>(() => FrameReduction.Infer(t => 5));
        Assert.Throws<InvalidOperationException>(() => FrameReduction.Infer(t => (t * t) / 97));
    }

    [Fact]
    public void Normalize_log_softmaxes_logits_in_place()
    {
        float[] logits = [1000f, 1001f, 999f, -5f, 0f, 5f];
        float[] expected = new float[6];
        LogProbMatrix.LogSoftmax(logits, expected, 3);

        AcousticOutput.Normalize(logits, 3, new AcousticModelOptions { OutputKind = AcousticOutputKind.Logits }, "m");

        Assert.Equal(expected, logits);
    }

    [Fact]
    public void Normalize_rejects_an_unnormalised_first_frame_for_log_probs()
    {
        float[] values = [0f, 0f, 0f];
        var e = Assert.Throws<AcousticModelException>(() => AcousticOutput.Normalize(values, 3, AcousticModelOptions.Default, "head.onnx"));
        Assert.Contains("head.onnx", e.Message, StringComparison.Ordinal);
        Assert.Contains("1.09861", e.Message, StringComparison.Ordinal); // log 3
    }

    [Fact]
    public void Normalize_accepts_fp16_rounding_of_log_probs()
    {
        float[] values = [MathF.Log(0.5f) + 1e-3f, MathF.Log(0.25f) - 1e-3f, MathF.Log(0.25f), float.NegativeInfinity];
        AcousticOutput.Normalize(values, 4, AcousticModelOptions.Default, "m");
    }

    [Fact]
    public void Positive_infinity_is_named()
    {
        float[] values = [-1f, -1f, -1f, float.PositiveInfinity];
        var e = Assert.Throws<InvalidLogProbsException>(() => AcousticOutput.ThrowIfNaNOrPositiveInfinity(values, 2));
        Assert.Equal(1, e.Frame);
        Assert.Equal(1, e.ClassIndex);
    }

    [Fact]
    public void Options_compose_with_with_expressions()
    {
        AcousticModelOptions options = AcousticModelOptions.Default with { Vocabulary = CtcVocabulary.NkoBlankLast, InputName = "x" };
        Assert.Equal(65, options.Vocabulary.BlankIndex);
        Assert.Equal("x", options.InputName);
        Assert.Null(AcousticModelOptions.Default.InputName);
    }
}
