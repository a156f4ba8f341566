using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Ctc;
using Nko.Ctc.Acoustics;

namespace Nko.Asr.Onnx.Tests;

/// <summary>The back-end-independent pieces in Nko.Ctc.Acoustics that the back ends rely on.</summary>
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
