using System.Diagnostics;
using System.Text.Json.Nodes;
using Nko.Candidates;
using Nko.Ctc;
using Nko.Ranker.Configuration;
using Nko.Ranker.Features;
using Nko.Ranker.Tests.Support;

namespace Nko.Ranker.Tests.Configuration;

/// <summary>
/// The vocabulary cap (<see cref="RankerConfig.MaxClasses"/>): the evaluator's tables grow with the square of the class
/// count, so a config that loads must also be one that can run. Every way in rejects a larger vocabulary up front.
/// </summary>
public sealed class VocabularySizeLimitTests
{
    [Fact]
    public void The_cap_leaves_room_for_nko_and_keeps_the_evaluator_tables_modest()
    {
        Assert.True(RankerConfig.MaxClasses >= 66);

        // The two quadratic tables: 3 (C + 1) C prior memos of 24 bytes and C² pair flags — about 18.3 MiB at the cap.
        long bytes = (3L * (RankerConfig.MaxClasses + 1) * RankerConfig.MaxClasses * 24) + ((long)RankerConfig.MaxClasses * RankerConfig.MaxClasses);
        Assert.True(bytes < 32L << 20, $"{bytes:N0} bytes per evaluator");
    }

    [Fact]
    public void A_config_with_the_most_labels_allowed_loads()
    {
        RankerConfig config = RankerConfig.Parse(WithLabels(RankerConfig.MaxClasses - 1));
        Assert.Equal(RankerConfig.MaxClasses, config.Vocabulary.Count);
    }

    [Theory]
    [InlineData(RankerConfig.MaxClasses)]
    [InlineData(5_000)]
    [InlineData(30_000)]
    [InlineData(65_535)]
    public void A_config_with_more_labels_is_rejected_at_load_with_its_path(int labels)
    {
        string json = WithLabels(labels);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        RankerConfigException e = Assert.Throws<RankerConfigException>(() => RankerConfig.Parse(json));
        watch.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("$.vocabulary.labels", e.JsonPath);
        Assert.Contains($"at most {RankerConfig.MaxClasses - 1} labels", e.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.True(allocated < 64L << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_config_built_in_code_over_a_larger_vocabulary_is_rejected()
    {
        CtcVocabulary big = Vocabulary(RankerConfig.MaxClasses);
        RankerConfig hand = HandConfig.Config;
        RankerConfigException e = Assert.Throws<RankerConfigException>(() => new RankerConfig(
            "big", ConfusionMap.Empty(big), hand.Features, hand.Means, hand.Stds, hand.Weights, hand.Bias, hand.Modes, hand.DefaultMode, hand.Generator, hand.MaxRounds));
        Assert.Equal("$.vocabulary.labels", e.JsonPath);
    }

    [Fact]
    public void The_evaluator_rejects_a_generator_over_a_larger_vocabulary_before_allocating()
    {
        CtcVocabulary big = Vocabulary(RankerConfig.MaxClasses);
        var generator = new CandidateGenerator(ConfusionMap.Empty(big), GeneratorOptions.Default);
        var evaluator = new CandidateEvaluator();
        evaluator.Reset(Uniform(4, big.Count), big.BlankIndex, asrScore: 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ArgumentException>(() => evaluator.Evaluate(generator, [1, 2, 3], 0));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("generator", e.ParamName);
        Assert.Contains("513 classes", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1L << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void The_evaluator_at_the_cap_allocates_what_the_readme_says()
    {
        CtcVocabulary atCap = Vocabulary(RankerConfig.MaxClasses - 1);
        var generator = new CandidateGenerator(ConfusionMap.Empty(atCap), GeneratorOptions.Default);
        var evaluator = new CandidateEvaluator();
        evaluator.Reset(Uniform(4, atCap.Count), atCap.BlankIndex, asrScore: 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        evaluator.Evaluate(generator, [1, 2, 3], 0);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated is > 18L << 20 and < 24L << 20, $"allocated {allocated:N0} bytes");
    }

    /// <summary>The fixture config with its labels extended (by CJK ideographs, unused by the confusions) to <paramref name="count"/>.</summary>
    private static string WithLabels(int count) => ConfigJson.Mutated(root =>
    {
        JsonArray labels = root["vocabulary"]!["labels"]!.AsArray();
        for (int i = 0; labels.Count < count; i++)
        {
            labels.Add(JsonValue.Create(((char)(0x4E00 + i)).ToString()));
        }
    });

    /// <summary>A vocabulary of <paramref name="labels"/> labels plus the blank (class 0).</summary>
    private static CtcVocabulary Vocabulary(int labels) =>
        CtcVocabulary.Create([.. Enumerable.Range(0, labels).Select(i => (char)(0x4E00 + i))], 0);

    private static LogProbMatrix Uniform(int frames, int classes)
    {
        float[] values = new float[frames * classes];
        Array.Fill(values, -MathF.Log(classes));
        return new LogProbMatrix(values, frames, classes);
    }
}
