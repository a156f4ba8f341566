namespace Nko.Cli.Tests;

/// <summary>A fact skipped when the clone has no models/candidate_ranker_v1.json (the file the built-in default was embedded from).</summary>
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
