using System.Globalization;
using System.Text.Json;

namespace Nko.Cli;

/// <summary>
/// A manifest of recordings for the speech commands: JSON lines <c>{"audio": PATH, "ref": TEXT, "feat_id": ID}</c>
/// (<c>"file"</c> is accepted for <c>"audio"</c>, as in the nko-tts-asr <c>dev-wav/manifest.jsonl</c>; <c>ref</c> and
/// <c>feat_id</c> are optional; other fields are ignored). Paths are relative to the manifest's folder unless absolute.
/// Blank lines are skipped.
/// </summary>
internal static class SpeechManifest
{
    /// <summary>Reads and checks a manifest.</summary>
    /// <exception cref="FileNotFoundException">The manifest does not exist.</exception>
    /// <exception cref="FormatException">A line is malformed (the message names the file and the 1-based line), or there are no entries.</exception>
    public static List<SpeechManifestEntry> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Manifest '{path}' does not exist.", path);
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var entries = new List<SpeechManifestEntry>();
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
                JsonElement root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new CommandLineException("a line must be a JSON object.");
                }

                string audio = (root.TryGetProperty("audio", out JsonElement a) || root.TryGetProperty("file", out a)) && a.ValueKind == JsonValueKind.String && a.GetString() is { Length: > 0 } s
                    ? s
                    : throw new CommandLineException("\"audio\" (or \"file\") must be a non-empty string: the recording's path, relative to the manifest.");
                string? reference = OptionalString(root, "ref");
                string? featId = OptionalString(root, "feat_id");
                entries.Add(new SpeechManifestEntry(line, audio, Path.GetFullPath(Path.Combine(folder, audio)), reference, featId));
            }
            catch (Exception e) when (e is JsonException or FormatException or CommandLineException)
            {
                throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"{path}:{line}: {e.Message}"), e);
            }
        }

        if (entries.Count == 0)
        {
            throw new CommandLineException($"{path}: no entries (the file is empty or blank).");
        }

        return entries;
    }

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return e.ValueKind == JsonValueKind.String ? e.GetString() : throw new CommandLineException($"\"{name}\" must be a string.");
    }
}

/// <summary>One recording of a <see cref="SpeechManifest"/>.</summary>
/// <param name="Line">Its 1-based line in the manifest.</param>
/// <param name="Audio">The path as written in the manifest.</param>
/// <param name="FullPath">The path resolved against the manifest's folder.</param>
/// <param name="Reference">The reference text, when given.</param>
/// <param name="FeatId">The utterance id, when given.</param>
internal sealed record SpeechManifestEntry(int Line, string Audio, string FullPath, string? Reference, string? FeatId);
