using System.CommandLine;
using System.Reflection;
using Nko.Ranker.Configuration;

namespace Nko.Cli;

/// <summary>
/// Finds the ranker config for <c>correct</c>, <c>eval</c> and <c>demo</c>: <c>--config FILE</c> when given; otherwise the
/// repository's <c>models/candidate_ranker_v1.json</c>, embedded into <c>nko</c> when it existed at build time, else looked
/// up as <c>models/candidate_ranker_v1.json</c> in the current directory and its parents.
/// </summary>
internal static class RankerConfigLocator
{
    /// <summary>The default config's path, relative to the repository root.</summary>
    public const string DefaultRelativePath = "models/candidate_ranker_v1.json";

    /// <summary>The manifest name of the embedded default config (see Nko.Cli.csproj).</summary>
    public const string ResourceName = "Nko.Cli.models.candidate_ranker_v1.json";

    /// <summary><c>--config FILE</c>.</summary>
    public static Option<string?> ConfigOption() => new("--config")
    {
        Description = $"Ranker config (schema-1 or schema-2 JSON; a schema-2 config loads its language model from beside it). Default: {DefaultRelativePath}, as built into nko, else found in the current directory or a parent.",
    };

    /// <summary>Loads the config named by <paramref name="path"/>, or the default one.</summary>
    /// <returns>The config and where it came from, for messages.</returns>
    /// <exception cref="FormatException">The config is invalid (the message names the file and the JSON path).</exception>
    /// <exception cref="FileNotFoundException">No config was given and none can be found.</exception>
    public static (RankerConfig Config, string Source) Load(string? path) => Load(path, Directory.GetCurrentDirectory(), typeof(RankerConfigLocator).Assembly);

    /// <summary>Loads the config as <see cref="Load(string?)"/> does, searching from <paramref name="startDirectory"/> and in <paramref name="assembly"/>'s resources.</summary>
    internal static (RankerConfig Config, string Source) Load(string? path, string startDirectory, Assembly? assembly)
    {
        if (!string.IsNullOrEmpty(path))
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Ranker config '{path}' does not exist.", path);
            }

            return (WithFile(path, () => RankerConfig.Load(path)), path);
        }

        using (Stream? embedded = assembly?.GetManifestResourceStream(ResourceName))
        {
            if (embedded is not null)
            {
                return (WithFile(DefaultRelativePath + " (built into nko)", () => RankerConfig.Load(embedded)), DefaultRelativePath + " (built into nko)");
            }
        }

        string? found = FindUpwards(startDirectory, DefaultRelativePath);
        if (found is null)
        {
            throw new FileNotFoundException(
                $"No ranker config: nko was built without {DefaultRelativePath} and none was found in '{startDirectory}' or its parents. Pass --config FILE.",
                DefaultRelativePath);
        }

        return (WithFile(found, () => RankerConfig.Load(found)), found);
    }

    /// <summary>The first <c>dir/relativePath</c> that exists, for <c>dir</c> = <paramref name="startDirectory"/> and its parents.</summary>
    public static string? FindUpwards(string startDirectory, string relativePath)
    {
        for (DirectoryInfo? dir = new(Path.GetFullPath(startDirectory)); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(candidate) || Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    // A config error names the JSON path; say which file it is in too.
    private static RankerConfig WithFile(string source, Func<RankerConfig> load)
    {
        try
        {
            return load();
        }
        catch (RankerConfigException e)
        {
            throw new CommandLineException($"{source}: {e.Message}", e);
        }
    }
}
