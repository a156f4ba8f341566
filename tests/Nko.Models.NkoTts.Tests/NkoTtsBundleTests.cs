using System.Text.Json;
using Nko.Asr.Onnx;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Speech;
using Nko.Testing;

namespace Nko.Models.NkoTts.Tests;

/// <summary>The embedded bundle against the repository's <c>models/nko-tts/</c> files it was built from.</summary>
public sealed class NkoTtsBundleTests
{
    private static string BundleFile(string name) => RepositoryPaths.Combine("models", "nko-tts", name);

    private static IEnumerable<string> SampleWavs => File.ReadLines(RepositoryPaths.Combine("samples", "speech", "manifest.jsonl"))
        .Where(static l => l.Length > 0)
        .Select(static l =>
        {
            using JsonDocument doc = JsonDocument.Parse(l);
            return RepositoryPaths.Combine("samples", "speech", doc.RootElement.GetProperty("audio").GetString()!);
        });

    [Fact]
    public void The_embedded_files_are_the_repositorys_bytes()
    {
        Assert.Equal(File.ReadAllBytes(BundleFile("nko_tts_ctc.onnx")), NkoTtsBundle.ReadModelBytes());
        using Stream config = typeof(NkoTtsBundle).Assembly.GetManifestResourceStream(NkoTtsBundle.ConfigResource)!;
        using var copy = new MemoryStream();
        config.CopyTo(copy);
        Assert.Equal(File.ReadAllBytes(BundleFile("ranker.json")), copy.ToArray());
        using Stream lm = NkoTtsBundle.OpenReference("ranker.nkolm")!;
        using var lmCopy = new MemoryStream();
        lm.CopyTo(lmCopy);
        Assert.Equal(File.ReadAllBytes(BundleFile("ranker.nkolm")), lmCopy.ToArray());
        Assert.Null(NkoTtsBundle.OpenReference("other.nkolm"));
    }

    [Fact]
    public void The_config_equals_the_file_load_and_is_cached()
    {
        RankerConfig fromFile = RankerConfig.Load(BundleFile("ranker.json"));
        RankerConfig bundled = NkoTtsBundle.Config;
        Assert.Same(bundled, NkoTtsBundle.Config);
        Assert.NotSame(bundled, NkoTtsBundle.LoadRankerConfig());
        Assert.Equal(3, bundled.Schema);
        Assert.Equal("nko_tts_ranker", bundled.Name);
        Assert.NotNull(bundled.LanguageModel);
        Assert.Equal(fromFile.ToUtf8Json(), bundled.ToUtf8Json());
        Assert.Equal(fromFile.LanguageModelReference, bundled.LanguageModelReference);
        Assert.Equal(fromFile.LanguageModel!.ScoreSentence("ߊߦߌ ߞߎߣߎߣ ߣߍ ߕߎߣ"), bundled.LanguageModel!.ScoreSentence("ߊߦߌ ߞߎߣߎߣ ߣߍ ߕߎߣ"));
    }

    [Fact]
    public void The_model_states_the_bundles_contract()
    {
        using OnnxAcousticModel model = NkoTtsBundle.CreateAcousticModel(new OnnxSessionOptions { IntraOpThreads = 1 });
        Assert.Equal(66, model.Classes);
        Assert.Equal(80, model.FeatureDimension);
        Assert.Equal(NkoTtsBundle.Config.Vocabulary, model.Vocabulary);
    }

    [Fact]
    public void The_bundle_transcribes_the_sample_wavs_as_the_repositorys_files_do_in_every_mode()
    {
        var session = new OnnxSessionOptions { IntraOpThreads = 1 };
        using OnnxAcousticModel bundledModel = NkoTtsBundle.CreateAcousticModel(session);
        using var fileModel = new OnnxAcousticModel(BundleFile("nko_tts_ctc.onnx"), sessionOptions: session);
        SpeechCorrectionPipeline bundled = NkoTtsBundle.CreateSpeechPipeline(bundledModel);
        SpeechCorrectionPipeline files = SpeechCorrectionPipeline.Create(fileModel, BundleFile("ranker.json"));
        int wavs = 0, corrected = 0;
        foreach (string wav in SampleWavs)
        {
            foreach (string? mode in new[] { null, "balanced", "aggressive" })
            {
                var options = new TranscriptionOptions { Mode = mode };
                SpeechTranscription expected = files.Transcribe(wav, options);
                SpeechTranscription actual = bundled.Transcribe(wav, options);
                Assert.Equal(expected.Hypothesis, actual.Hypothesis);
                Assert.Equal(expected.Text, actual.Text);
                Assert.Equal(expected.EditCount, actual.EditCount);
                Assert.Equal(expected.Windows[0].LogProbs.Span.ToArray(), actual.Windows[0].LogProbs.Span.ToArray());
                corrected += actual.Text != actual.Hypothesis ? 1 : 0;
            }

            wavs++;
        }

        Assert.Equal(5, wavs);

        // The samples README: dev_032 is corrected in the default mode, the others in balanced and aggressive, so the
        // comparison covers corrected text, not only copies of the hypothesis.
        Assert.True(corrected >= 5, $"only {corrected} of {wavs * 3} transcriptions were corrected");
    }

    [Fact]
    public void A_null_model_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => NkoTtsBundle.CreateSpeechPipeline(null!));
    }
}
