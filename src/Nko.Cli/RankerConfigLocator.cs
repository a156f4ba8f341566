using System.CommandLine;
using Nko.Ranker.Configuration;

namespace Nko.Cli;

/// <summary>
/// Finds the ranker config for <c>correct</c>, <c>eval</c>, <c>demo</c> and <c>compare</c>: <c>--config FILE</c> when
/// given, else <see cref="RankerConfig.Default"/> (the repository's <c>models/candidate_ranker_v1.json</c>, embedded in
/// Nko.Ranker; one copy for the library and the tool).
/// </summary>
internal static class RankerConfigLocator
{
    /// <summary>The default config's path, relative to the repository root.</summary>
    public const string DefaultRelativePath = "models/candidate_ranker_v1.json";

    /// <summary>How messages and report headers name the built-in default.</summary>
    public const string DefaultSource = DefaultRelativePath + " (built into nko)";

    /// <summary><c>--config FILE</c>.</summary>
    public static Option<string?> ConfigOption() => new("--config")
    {
        Description = $"Ranker config (schema 1, 2 or 3 JSON; a schema-2/3 config loads its language model from beside it). Default: {DefaultRelativePath}, built into nko.",
    };

    /// <summary>Loads the config named by <paramref name="path"/>, or the built-in default.</summary>
    /// <returns>The config and where it came from, for messages.</returns>
    /// <exception cref="FileNotFoundException"><paramref name="path"/> does not exist.</exception>
    /// <exception cref="CommandLineException">The config is invalid (the message names the file and the JSON path).</exception>
    public static (RankerConfig Config, string Source) Load(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return (RankerConfig.Default, DefaultSource);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Ranker config '{path}' does not exist.", path);
        }

        try
        {
            return (RankerConfig.Load(path), path);
        }
        catch (RankerConfigException e)
        {
            // A config error names the JSON path; say which file it is in too.
            throw new CommandLineException($"{path}: {e.Message}", e);
        }
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
}
