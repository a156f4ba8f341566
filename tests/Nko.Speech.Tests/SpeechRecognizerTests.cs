using Nko.Asr;
using Nko.Asr.Onnx;
using Nko.Ctc;
using Nko.Data;
using Nko.TurboQuant;

namespace Nko.Speech.Tests;

/// <summary><see cref="SpeechRecognizer"/>: model → (round trip) → greedy, as the pipeline runs it, without correction.</summary>
public sealed class SpeechRecognizerTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void Without_quantisation_it_is_the_model_and_the_greedy_decode()
    {
        float[] values = NpyFile.Read(Fixture("features_T200.npy")).ToSingleArray();
        using var model = new OnnxAcousticModel(Fixture("ctc_head_tiny.onnx"));
        SpeechRecognition r = new SpeechRecognizer(model).Recognize(AcousticFeatures.FromSingle(values, 200, 1280));
        LogProbMatrix direct = model.Run(AcousticFeatures.FromSingle(values, 200, 1280));
        Assert.True(direct.Span.SequenceEqual(r.LogProbs.Span));
        Assert.Equal(CtcVocabulary.NkoBlankFirst.Decode(GreedyDecoder.Decode(direct, 0).Labels.AsSpan()), r.Hypothesis);
    }

    [Theory]
    [InlineData(QuantCodec.Affine, 8)]
    [InlineData(QuantCodec.Affine, 4)]
    [InlineData(QuantCodec.Turbo, 4)]
    public void Float16_features_are_dequantised_straight_to_float16(QuantCodec codec, int bits)
    {
        Half[] values = NpyFile.Read(Fixture("features_T200.npy")).ToHalfArray();
        QuantOptions options = codec == QuantCodec.Affine ? QuantOptions.Affine(bits) : QuantOptions.Turbo(bits);
        using var model = new OnnxAcousticModel(Fixture("ctc_head_tiny.onnx"));

        // By hand: quantise the float16 values, dequantise to float16, run the model on them.
        var quantizer = new Quantizer(options, 1280);
        byte[] packed = new byte[quantizer.GetEncodedLength(200)];
        quantizer.Quantize(values, packed);
        var restored = new Half[values.Length];
        quantizer.Dequantize(packed, restored);
        Assert.NotEqual(values, restored);
        LogProbMatrix expected = model.Run(AcousticFeatures.FromHalf(restored, 200, 1280));

        SpeechRecognition r = new SpeechRecognizer(model, options).Recognize(AcousticFeatures.FromHalf(values, 200, 1280));
        Assert.True(expected.Span.SequenceEqual(r.LogProbs.Span));
        Assert.Equal(new SpeechRecognizer(model).Decode(expected), r.Hypothesis);
    }

    [Fact]
    public void Float32_features_round_trip_in_float32_as_the_transform_does()
    {
        float[] values = NpyFile.Read(Fixture("features_T200.npy")).ToSingleArray();
        using var model = new OnnxAcousticModel(Fixture("ctc_head_tiny.onnx"));
        QuantOptions options = QuantOptions.Affine(4);
        float[] restored = (float[])values.Clone();
        new QuantizationTransform(options).Transform(restored, 200, 1280, CancellationToken.None);
        LogProbMatrix expected = model.Run(AcousticFeatures.FromSingle(restored, 200, 1280));
        SpeechRecognition r = new SpeechRecognizer(model, options).Recognize(AcousticFeatures.FromSingle(values, 200, 1280));
        Assert.True(expected.Span.SequenceEqual(r.LogProbs.Span));
    }

    [Fact]
    public void Quantising_log_mel_for_a_single_model_is_refused()
    {
        using var model = new OnnxAcousticModel(Fixture("ctc_head_tiny.onnx"));
        var recognizer = new SpeechRecognizer(model, QuantOptions.Affine(8));
        Assert.Throws<ArgumentException>(() => recognizer.Run(AcousticFeatures.FromLogMel(new float[80 * 10], 80, 10)));
    }
}
