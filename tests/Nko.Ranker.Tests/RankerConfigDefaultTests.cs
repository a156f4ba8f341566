using Nko.Ranker.Configuration;
using Nko.Ranker.Tests.Support;

namespace Nko.Ranker.Tests;

/// <summary>The config shipped inside the package is the repository's models/candidate_ranker_v1.json, and says what it was trained on.</summary>
public sealed class RankerConfigDefaultTests
{
    [Fact]
    public void Default_is_the_shipped_file_loaded_once()
    {
        RankerConfig fromFile = RankerConfig.Load(Path.Combine(TestData.RepositoryRoot, "models", "candidate_ranker_v1.json"));
        Assert.Equal(fromFile.ToUtf8Json(), RankerConfig.Default.ToUtf8Json());
        Assert.Same(RankerConfig.Default, RankerConfig.Default);
        Assert.Equal("candidate_ranker_v1", RankerConfig.Default.Name);
    }

    [Fact]
    public void Default_says_it_was_trained_on_simulated_emissions()
    {
        Assert.Contains("SIMULATED", RankerConfig.Default.Provenance.Description, StringComparison.Ordinal);
        var pipeline = new CorrectionPipeline(RankerConfig.Default);
        CorrectionResult r = pipeline.Correct(TestData.Dev50.GetLogProbs(0), TestData.Dev50.Rows[0].Hypothesis);
        Assert.Equal(RankerConfig.Default.DefaultMode, r.Mode);
    }
}
