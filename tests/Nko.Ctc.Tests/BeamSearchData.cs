using System.Text.Json;
using Nko.Data;
using Nko.Lm;
using Nko.Testing;

namespace Nko.Ctc.Tests;

/// <summary>The shared data the beam-search tests read (<c>../shared/data</c> beside the repository, or <c>$NKO_SHARED_DATA</c>).</summary>
internal static class BeamSearchData
{
    public static string Root { get; } = Environment.GetEnvironmentVariable("NKO_SHARED_DATA") is { Length: > 0 } fromEnvironment
        ? fromEnvironment
        : Path.GetFullPath(RepositoryPaths.Combine("..", "shared", "data"));

    public static CharLanguageModel Char6 => field ??= CharLanguageModel.LoadArpa(Path.Combine(Root, "lm-fixtures", "char6.arpa"));

    public static CtcDataset TtsDev => field ??= CtcDataset.Load(Path.Combine(Root, "nko-tts-asr", "dev"));

    /// <summary>The reference decoder's texts, by row index, from a <c>*.hyps.jsonl</c> of lm-fixtures.</summary>
    public static string[] ReferenceHyps(string file)
    {
        var lines = File.ReadLines(Path.Combine(Root, "lm-fixtures", file)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        string[] hyps = new string[lines.Count];
        foreach (JsonElement e in lines)
        {
            hyps[e.GetProperty("index").GetInt32()] = e.GetProperty("hyp").GetString()!;
        }

        return hyps;
    }
}
