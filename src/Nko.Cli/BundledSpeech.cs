using Nko.Ranker.Configuration;

namespace Nko.Cli;

/// <summary>
/// The speech files <c>nko transcribe</c> and <c>nko dataset</c> use by default: the trained recogniser
/// (<c>models/nko-tts/nko_tts_ctc.onnx</c>), its ranker config with the language model beside it
/// (<c>models/nko-tts/ranker.json</c> + <c>ranker.nkolm</c>) and the sample utterances (<c>samples/speech</c>).
/// </summary>
/// <remarks>
/// They are copied beside <c>nko</c> at build time (and so are in the .NET tool package; see Nko.Cli.csproj), and looked
/// up there first; then in the current directory and its parents, so a clone works from any folder inside it.
/// </remarks>
internal static class BundledSpeech
{
    /// <summary>The recogniser, relative to the repository root (and to nko's folder).</summary>
    public const string ModelPath = "models/nko-tts/nko_tts_ctc.onnx";

    /// <summary>The recogniser's ranker config, relative to the repository root (and to nko's folder).</summary>
    public const string ConfigPath = "models/nko-tts/ranker.json";

    /// <summary>The sample utterances (WAV files and <c>manifest.jsonl</c>), relative to the repository root (and to nko's folder).</summary>
    public const string SamplesPath = "samples/speech";

    /// <summary>The full path of a bundled file or folder.</summary>
    /// <exception cref="FileNotFoundException">It is neither beside nko nor in the current directory or a parent.</exception>
    public static string Find(string relativePath, string option)
    {
        string beside = Path.Combine(AppContext.BaseDirectory, relativePath);
        if (File.Exists(beside) || Directory.Exists(beside))
        {
            return beside;
        }

        return RankerConfigLocator.FindUpwards(Directory.GetCurrentDirectory(), relativePath)
            ?? throw new FileNotFoundException(
                $"Cannot find the bundled {relativePath} beside nko or in '{Directory.GetCurrentDirectory()}' or its parents; pass {option}.",
                relativePath);
    }

    /// <summary>A description of where a bundled file was found, for messages: its repository-relative name, and whether it is nko's own copy.</summary>
    public static string Describe(string relativePath, string fullPath) =>
        fullPath.StartsWith(AppContext.BaseDirectory, StringComparison.Ordinal) ? $"{relativePath} (bundled with nko)" : fullPath;

    /// <summary>Loads <paramref name="path"/>, or the bundled recogniser config; a config error names the file.</summary>
    /// <returns>The config and where it came from.</returns>
    public static (RankerConfig Config, string Source) LoadConfig(string? path)
    {
        if (!string.IsNullOrEmpty(path))
        {
            return RankerConfigLocator.Load(path);
        }

        string found = Find(ConfigPath, "--config FILE");
        string source = Describe(ConfigPath, found);
        try
        {
            return (RankerConfig.Load(found), source);
        }
        catch (RankerConfigException e)
        {
            throw new CommandLineException($"{source}: {e.Message}", e);
        }
    }
}
