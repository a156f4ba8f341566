using Nko.Asr.Onnx;
using Nko.Ctc;
using Nko.Asr;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Testing;
using Nko.TurboQuant;

namespace Nko.Speech.Tests;

public class SpeechCorrectionPipelineTests
{
    private static string Root => RepositoryPaths.Root;

    private static readonly Lazy<RankerConfig> Config = new(() => RankerConfig.Load(Path.Combine(Root, "models", "candidate_ranker_v1.json")));

    /// <summary>An acoustic model that returns stored log-probs, ignoring the feature values (for composition tests).</summary>
    private sealed class StoredLogProbsModel(LogProbMatrix logProbs) : IAcousticModel
    {
        public CtcVocabulary Vocabulary => CtcVocabulary.NkoBlankFirst;

        public int FeatureDimension => 4;

        public int Calls { get; private set; }

        public int GetOutputFrames(int inputFrames) => logProbs.Frames;

        public LogProbMatrix Run(AcousticFeatures features)
        {
            Calls++;
            return logProbs;
        }

        public int Run(AcousticFeatures features, Span<float> destination)
        {
            logProbs.Span.CopyTo(destination);
            return logProbs.Frames;
        }

        public ValueTask<LogProbMatrix> RunAsync(AcousticFeatures features, CancellationToken cancellationToken = default) => new(Run(features));

        public void Dispose()
        {
        }
    }

    [Fact]
    public void Features_in_gives_the_same_correction_as_log_probs_in()
    {
        CtcDataset data = CtcDataset.Load(Path.Combine(Root, "samples", "dev50"));
        var correction = new CorrectionPipeline(Config.Value);
        for (int row = 0; row < 10; row++)
        {
            LogProbMatrix m = data.GetLogProbs(row);
            using var model = new StoredLogProbsModel(m);
            var speech = new SpeechCorrectionPipeline(model, correction);
            SpeechCorrectionResult viaFeatures = speech.Correct(AcousticFeatures.FromSingle(new float[8], 2, 4), "conservative");
            CorrectionResult direct = correction.Correct(m, mode: "conservative");
            Assert.Equal(direct.Text, viaFeatures.Text);
            Assert.Equal(direct.Hypothesis, viaFeatures.Correction.Hypothesis);
            Assert.Equal(direct.Edits.Length, viaFeatures.Correction.Edits.Length);
            Assert.Equal(1, model.Calls);
        }
    }

    [Fact]
    public void Vocabulary_mismatch_is_rejected()
    {
        using var model = new StoredLogProbsModel(new LogProbMatrix(new float[66], 1, 66));
        var lastConfig = Config.Value;
        var otherVocabulary = RankerConfig.Parse(System.Text.Encoding.UTF8.GetString(lastConfig.ToUtf8Json()).Replace("\"blank_index\": 0", "\"blank_index\": 65", StringComparison.Ordinal));
        var e = Assert.Throws<ArgumentException>(() => new SpeechCorrectionPipeline(model, new CorrectionPipeline(otherVocabulary)));
        Assert.Contains("vocabulary", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData(QuantCodec.Affine, 8)]
    [InlineData(QuantCodec.Affine, 4)]
    [InlineData(QuantCodec.Turbo, 4)]
    public void Onnx_head_with_optional_quantisation_runs_end_to_end(QuantCodec? codec, int bits)
    {
        NpyArray features = NpyFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "features_T200.npy"));
        float[] values = features.ToSingleArray();
        using var model = new OnnxAcousticModel(Path.Combine(AppContext.BaseDirectory, "Fixtures", "ctc_head_tiny.onnx"));
        var options = codec is null ? SpeechPipelineOptions.Default : new SpeechPipelineOptions
        {
            Quantization = codec == QuantCodec.Affine ? QuantOptions.Affine(bits) : QuantOptions.Turbo(bits),
        };
        var speech = new SpeechCorrectionPipeline(model, new CorrectionPipeline(Config.Value), options);
        SpeechCorrectionResult result = speech.Correct(AcousticFeatures.FromSingle(values, 200, 1280));
        Assert.Equal(50, result.LogProbs.Frames);
        Assert.Equal(66, result.LogProbs.Classes);
        string greedy = CtcVocabulary.NkoBlankFirst.Decode(GreedyDecoder.Decode(result.LogProbs, 0).Labels.AsSpan());
        Assert.Equal(greedy, result.Correction.Hypothesis);
        if (codec is null)
        {
            // Without quantisation the pipeline sees exactly the model's output.
            LogProbMatrix direct = model.Run(AcousticFeatures.FromSingle(values, 200, 1280));
            Assert.True(direct.Span.SequenceEqual(result.LogProbs.Span));
        }
    }

    [Fact]
    public void Concurrent_callers_get_sequential_results()
    {
        NpyArray features = NpyFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "features_T200.npy"));
        float[] values = features.ToSingleArray();
        using var model = new OnnxAcousticModel(Path.Combine(AppContext.BaseDirectory, "Fixtures", "ctc_head_tiny.onnx"));
        var speech = new SpeechCorrectionPipeline(model, new CorrectionPipeline(Config.Value), new SpeechPipelineOptions { Quantization = QuantOptions.Affine(8) });
        string expected = speech.Correct(AcousticFeatures.FromSingle(values, 200, 1280)).Text;
        string[] results = new string[16];
        Parallel.For(0, results.Length, i => results[i] = speech.Correct(AcousticFeatures.FromSingle(values, 200, 1280)).Text);
        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
