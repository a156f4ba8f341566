using System.Text;
using Nko.Ranker.Configuration;
using Nko.Ranker.Features;
using Nko.Ranker.Tests.Support;
using Nko.Testing;

namespace Nko.Ranker.Tests.Configuration;

/// <summary>Schema 2: a config with a language model, referenced by a relative path and its SHA-256.</summary>
public sealed class SchemaTwoTests
{
    [Fact]
    public void A_schema_2_config_saves_loads_and_saves_byte_for_byte_with_its_language_model()
    {
        string path = LmFixture.SaveToTemporaryFolder();
        byte[] saved = File.ReadAllBytes(path);
        RankerConfig loaded = RankerConfig.Load(path);
        Assert.Equal(saved, loaded.ToUtf8Json());
        Assert.Equal(2, loaded.Schema);
        Assert.NotNull(loaded.LanguageModel);
        Assert.Equal(LmFixture.Lm.Order, loaded.LanguageModel!.Order);
        Assert.Equal(new LanguageModelReference("hand.nkolm", LanguageModelReference.HashOf(LmFixture.LmBytes()), LmFixture.Lm.Order), loaded.LanguageModelReference);
        string json = Encoding.UTF8.GetString(saved);
        Assert.Contains("\"schema_version\": 2,", json, StringComparison.Ordinal);
        Assert.Contains("\"language_model\": {\n    \"path\": \"hand.nkolm\",\n    \"sha256\": \"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_1_config_stays_schema_1()
    {
        Assert.Equal(1, HandConfig.Config.Schema);
        Assert.Null(HandConfig.Config.LanguageModel);
        Assert.Contains("\"schema_version\": 1,", Encoding.UTF8.GetString(HandConfig.Config.ToUtf8Json()), StringComparison.Ordinal);
        Assert.DoesNotContain("language_model", Encoding.UTF8.GetString(HandConfig.Config.ToUtf8Json()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_language_model_file_is_rejected_naming_the_hash()
    {
        string path = LmFixture.SaveToTemporaryFolder();
        string lm = Path.Combine(Path.GetDirectoryName(path)!, "hand.nkolm");
        byte[] bytes = File.ReadAllBytes(lm);
        bytes[^1] ^= 1;
        File.WriteAllBytes(lm, bytes);
        var e = Assert.Throws<RankerConfigException>(() => RankerConfig.Load(path));
        Assert.Equal("$.language_model.sha256", e.JsonPath);
        Assert.Contains("SHA-256", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_language_model_file_is_rejected_naming_the_path()
    {
        string path = LmFixture.SaveToTemporaryFolder();
        File.Delete(Path.Combine(Path.GetDirectoryName(path)!, "hand.nkolm"));
        var e = Assert.Throws<RankerConfigException>(() => RankerConfig.Load(path));
        Assert.Equal("$.language_model.path", e.JsonPath);
        Assert.Contains("hand.nkolm", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_2_config_from_a_stream_needs_its_folder()
    {
        string path = LmFixture.SaveToTemporaryFolder();
        using (var stream = File.OpenRead(path))
        {
            Assert.Equal("$.language_model.path", Assert.Throws<RankerConfigException>(() => RankerConfig.Load(stream)).JsonPath);
        }

        using (var stream = File.OpenRead(path))
        {
            Assert.NotNull(RankerConfig.Load(stream, Path.GetDirectoryName(path)).LanguageModel);
        }
    }

    [Theory]
    [InlineData("\"order\": 4", "\"order\": 5", "$.language_model.order")]
    [InlineData("\"path\": \"hand.nkolm\"", "\"path\": \"\"", "$.language_model.path")]
    [InlineData("\"sha256\": \"", "\"sha256\": \"X", "$.language_model.sha256")]
    [InlineData("\"schema_version\": 2", "\"schema_version\": 1", "$.language_model")]
    public void A_bad_reference_is_rejected_with_its_path(string from, string to, string jsonPath)
    {
        string path = LmFixture.SaveToTemporaryFolder();
        string json = File.ReadAllText(path);
        Assert.Contains(from, json, StringComparison.Ordinal);
        File.WriteAllText(path, json.Replace(from, to, StringComparison.Ordinal));
        Assert.Equal(jsonPath, Assert.Throws<RankerConfigException>(() => RankerConfig.Load(path)).JsonPath);
    }

    [Fact]
    public void Lm_features_without_a_language_model_are_rejected_naming_the_feature()
    {
        RankerConfig hand = HandConfig.Config;
        var e = Assert.Throws<RankerConfigException>(() => new RankerConfig(
            "x", hand.Confusions, [FeatureNames.CtcGain, FeatureNames.LmDeltaSentence], [0, 0], [1, 1], [1, 1], 0, hand.Modes, hand.DefaultMode, hand.Generator, hand.MaxRounds));
        Assert.Equal("$.features[1]", e.JsonPath);
    }

    [Fact]
    public void The_pipeline_uses_the_language_model_deterministically_and_a_COPY_still_allocates_only_its_result()
    {
        RankerConfig inMemory = LmFixture.Config();
        RankerConfig loaded = RankerConfig.Load(LmFixture.SaveToTemporaryFolder());
        var a = new CorrectionPipeline(inMemory);
        var b = new CorrectionPipeline(loaded);
        var plain = new CorrectionPipeline(HandConfig.Config);
        var data = TestData.Dev50;
        int differ = 0;
        for (int i = 0; i < 20; i++)
        {
            CorrectionResult x = a.Correct(data.GetLogProbs(i), data.Rows[i].Hypothesis, "low", TestData.AsrScore(data.Rows[i]));
            CorrectionResult y = b.Correct(data.GetLogProbs(i), data.Rows[i].Hypothesis, "low", TestData.AsrScore(data.Rows[i]));
            Assert.Equal(x.Text, y.Text);
            Assert.Equal(x.Edits.Select(e => e.Probability), y.Edits.Select(e => e.Probability));
            differ += plain.Correct(data.GetLogProbs(i), data.Rows[i].Hypothesis, "low", TestData.AsrScore(data.Rows[i])).Text != x.Text ? 1 : 0;
        }

        Assert.True(differ > 0, "the LM features changed no correction");
        long bytes = 0;
        var thread = new Thread(() =>
        {
            CorrectionResult Copy() => a.Correct(new CorrectionRequest(data.GetLogProbs(3)) { Hypothesis = data.Rows[3].Hypothesis, Mode = "never" });
            for (int w = 0; w < 3; w++)
            {
                Copy();
            }

            bytes = AllocationProbe.Fewest(() => Copy());
        });
        thread.Start();
        thread.Join();
        Assert.InRange(bytes, 1, 64);
    }
}
