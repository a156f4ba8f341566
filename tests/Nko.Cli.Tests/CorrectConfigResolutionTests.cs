using System.Reflection;
using Nko.Ranker.Configuration;

namespace Nko.Cli.Tests;

/// <summary>How correct/eval/demo find their config: --config, the built-in default, or models/ above the current directory.</summary>
public class CorrectConfigResolutionTests
{
    private static readonly Assembly Cli = typeof(RankerConfigLocator).Assembly;

    [Fact]
    public void An_explicit_config_wins()
    {
        (RankerConfig config, string source) = RankerConfigLocator.Load(CorrectionFixtures.ConfigPath, "/", Cli);
        Assert.Equal("fixture-handbuilt-v1", config.Name);
        Assert.Equal(CorrectionFixtures.ConfigPath, source);
    }

    [DefaultConfigFact]
    public void The_repositorys_config_is_built_in()
    {
        using Stream? embedded = Cli.GetManifestResourceStream(RankerConfigLocator.ResourceName);
        Assert.NotNull(embedded);
        using var copy = new MemoryStream();
        embedded.CopyTo(copy);
        Assert.Equal(File.ReadAllBytes(DefaultConfigFactAttribute.ModelsConfig), copy.ToArray());

        (RankerConfig config, string source) = RankerConfigLocator.Load(null, Path.GetTempPath(), Cli);
        Assert.Equal("models/candidate_ranker_v1.json (built into nko)", source);
        Assert.Equal(File.ReadAllBytes(DefaultConfigFactAttribute.ModelsConfig), config.ToUtf8Json());
    }

    [Fact]
    public void Without_a_built_in_config_models_is_found_in_a_parent_of_the_current_directory()
    {
        using var dir = new CliTempDir();
        Directory.CreateDirectory(dir.File("models"));
        File.Copy(CorrectionFixtures.ConfigPath, dir.File("models/candidate_ranker_v1.json"));
        string deep = Directory.CreateDirectory(dir.File("a/b/c")).FullName;
        (RankerConfig config, string source) = RankerConfigLocator.Load(null, deep, assembly: null);
        Assert.Equal("fixture-handbuilt-v1", config.Name);
        Assert.Equal(Path.Combine(dir.Path, "models/candidate_ranker_v1.json"), source);
    }

    [Fact]
    public void Without_any_config_the_error_says_to_pass_config()
    {
        using var dir = new CliTempDir();
        var e = Assert.Throws<FileNotFoundException>(() => RankerConfigLocator.Load(null, dir.Path, assembly: null));
        Assert.Contains("Pass --config FILE", e.Message, StringComparison.Ordinal);
        Assert.Contains("models/candidate_ranker_v1.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_default_config_names_its_file()
    {
        using var dir = new CliTempDir();
        Directory.CreateDirectory(dir.File("models"));
        File.WriteAllText(dir.File("models/candidate_ranker_v1.json"), "{\"schema_version\": 2}");
        var e = Assert.Throws<CommandLineException>(() => RankerConfigLocator.Load(null, dir.Path, assembly: null));
        Assert.Contains(dir.File("models/candidate_ranker_v1.json"), e.Message, StringComparison.Ordinal);
        Assert.Contains("$.schema_version", e.Message, StringComparison.Ordinal);
    }
}

/// <summary>A fact skipped when the clone has no models/candidate_ranker_v1.json (then nko has no built-in config).</summary>
internal sealed class DefaultConfigFactAttribute : FactAttribute
{
    public DefaultConfigFactAttribute()
    {
        if (!File.Exists(ModelsConfig))
        {
            Skip = $"Needs {ModelsConfig} (the shipped default config), which this clone does not have.";
        }
    }

    /// <summary>The repository's models/candidate_ranker_v1.json.</summary>
    public static string ModelsConfig { get; } = Find();

    private static string Find()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nko.sln")))
            {
                return Path.Combine(dir.FullName, "models", "candidate_ranker_v1.json");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "models", "candidate_ranker_v1.json");
    }
}
