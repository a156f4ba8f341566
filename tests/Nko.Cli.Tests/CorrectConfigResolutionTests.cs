using Nko.Ranker.Configuration;

namespace Nko.Cli.Tests;

/// <summary>How correct/eval/demo/compare find their config: --config, else the built-in default.</summary>
public class CorrectConfigResolutionTests
{
    [Fact]
    public void An_explicit_config_wins()
    {
        (RankerConfig config, string source) = RankerConfigLocator.Load(CorrectionFixtures.ConfigPath);
        Assert.Equal("fixture-handbuilt-v1", config.Name);
        Assert.Equal(CorrectionFixtures.ConfigPath, source);
    }

    [Fact]
    public void Without_config_the_built_in_default_is_the_repositorys_config()
    {
        (RankerConfig config, string source) = RankerConfigLocator.Load(null);
        Assert.Equal("models/candidate_ranker_v1.json (built into nko)", source);
        Assert.Same(RankerConfig.Default, config);
        Assert.Equal(File.ReadAllBytes(Path.Combine(RepositoryRoot(), "models", "candidate_ranker_v1.json")), config.ToUtf8Json());
    }

    [Fact]
    public void A_missing_config_file_is_named()
    {
        using var dir = new CliTempDir();
        var e = Assert.Throws<FileNotFoundException>(() => RankerConfigLocator.Load(dir.File("nope.json")));
        Assert.Contains(dir.File("nope.json"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_config_names_its_file_and_the_json_path()
    {
        using var dir = new CliTempDir();
        File.WriteAllText(dir.File("bad.json"), "{\"schema_version\": 2}");
        var e = Assert.Throws<CommandLineException>(() => RankerConfigLocator.Load(dir.File("bad.json")));
        Assert.Contains(dir.File("bad.json"), e.Message, StringComparison.Ordinal);
        Assert.Contains("$.schema_version", e.Message, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nko.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Nko.sln not found above " + AppContext.BaseDirectory);
    }
}
