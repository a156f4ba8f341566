using Nko.Ranker.Configuration;

namespace Nko.Fuzz;

/// <summary>The repository's shipped ranker config (models/candidate_ranker_v1.json), found from the working folder or the binary's.</summary>
public static class ShippedConfig
{
    private static readonly Lazy<string> s_path = new(Find);
    private static readonly Lazy<RankerConfig> s_config = new(() => RankerConfig.Load(Path));

    public static string Path => s_path.Value;

    public static RankerConfig Config => s_config.Value;

    private static string Find()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string candidate = System.IO.Path.Combine(dir.FullName, "models", "candidate_ranker_v1.json");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException("models/candidate_ranker_v1.json not found above the working folder or the binary; run from the repository.");
    }
}
