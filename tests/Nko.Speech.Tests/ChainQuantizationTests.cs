using Nko.Asr;
using Nko.Asr.Onnx;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.TurboQuant;
using Nko.Testing;

namespace Nko.Speech.Tests;

/// <summary>The quantisation round trip between an encoder and a head, supplied by Nko.Speech to an Nko.Asr chain.</summary>
public sealed class ChainQuantizationTests
{
    private static string Shared(params string[] parts) => Path.GetFullPath(Path.Combine([RepositoryPaths.Root, "..", "shared", .. parts]));

    [Fact]
    public async Task Pipeline_quantises_between_encoder_and_head()
    {
        string encoderPath = Shared("models", "whisper_like_encoder_tiny.onnx");
        string headPath = Shared("models", "ctc_head_d64.onnx");
        string melPath = Shared("data", "whisper-frontend", "ref", "fr_7s.mel128.npy");
        foreach (string path in (string[])[encoderPath, headPath, melPath])
        {
            Assert.True(File.Exists(path), $"Needs {path} (../shared beside the repository).");
        }

        using var chain = new EncoderHeadChain(new OnnxAcousticEncoder(encoderPath), new OnnxAcousticModel(headPath));
        var mel = AcousticFeatures.FromLogMel(NpyFile.Read(melPath).ToSingleArray(), 128, 3000);
        QuantOptions quant = QuantOptions.Affine(bits: 4);
        var pipeline = new SpeechCorrectionPipeline(
            chain,
            new CorrectionPipeline(RankerConfig.Load(Path.Combine(RepositoryPaths.Root, "models", "candidate_ranker_v1.json"))),
            new SpeechPipelineOptions { Quantization = quant });

        // By hand: encoder, round trip, head.
        AcousticFeatures encoded = chain.Encoder.Encode(mel);
        float[] values = encoded.Single.ToArray();
        new QuantizationTransform(quant).Transform(values, encoded.Frames, encoded.Dimension, CancellationToken.None);
        Assert.NotEqual(encoded.Single.ToArray(), values); // 4-bit moves the features
        LogProbMatrix expected = chain.Head.Run(AcousticFeatures.FromSingle(values, encoded.Frames, encoded.Dimension));

        SpeechCorrectionResult result = pipeline.Correct(mel);
        Assert.Equal(expected.Span.ToArray(), result.LogProbs.Span.ToArray());
        SpeechCorrectionResult async = await pipeline.CorrectAsync(mel);
        Assert.Equal(result.Text, async.Text);

        // Without quantisation the chain's own output.
        var plain = new SpeechCorrectionPipeline(chain, new CorrectionPipeline(RankerConfig.Load(Path.Combine(RepositoryPaths.Root, "models", "candidate_ranker_v1.json"))));
        Assert.Equal(chain.Run(mel).Span.ToArray(), plain.Correct(mel).LogProbs.Span.ToArray());

        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Correct(mel, null, cts.Token));
    }
}
