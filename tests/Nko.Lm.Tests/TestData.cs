using System.Text.Json;
using Nko.Testing;

namespace Nko.Lm.Tests;

/// <summary>The shared fixtures (<c>../shared/data</c> beside the repository, or <c>$NKO_SHARED_DATA</c>) and models loaded once.</summary>
internal static class TestData
{
    public static string Root { get; } = Environment.GetEnvironmentVariable("NKO_SHARED_DATA") is { Length: > 0 } fromEnvironment
        ? fromEnvironment
        : Path.GetFullPath(RepositoryPaths.Combine("..", "shared", "data"));

    public static string Path_(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Char6Arpa => Path_("lm-fixtures", "char6.arpa");

    public static CharLanguageModel Char6 => field ??= CharLanguageModel.LoadArpa(Char6Arpa);

    public static IReadOnlyList<KenLmLine> KenLmLines => field ??= [.. File.ReadLines(Path_("lm-fixtures", "kenlm_char6_dev.jsonl")).Select(KenLmLine.Parse)];

    /// <summary>The <c>ref</c> texts of a nko-ctc-sim split's rows.jsonl.</summary>
    public static string[] References(string split) =>
        [.. File.ReadLines(Path_("nko-ctc-sim", split, "rows.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("ref").GetString()!)];
}

/// <summary>One line of kenlm_char6_dev.jsonl.</summary>
internal sealed record KenLmLine(string Kind, int Index, string Text, string Tokens, double BosEos, double Bos, double None, (double Log10, int Length, bool Oov)[] FullScores)
{
    public static KenLmLine Parse(string json)
    {
        JsonElement e = JsonDocument.Parse(json).RootElement;
        return new KenLmLine(
            e.GetProperty("kind").GetString()!,
            e.GetProperty("index").GetInt32(),
            e.GetProperty("text").GetString()!,
            e.GetProperty("tokens").GetString()!,
            e.GetProperty("log10_bos_eos").GetDouble(),
            e.GetProperty("log10_bos").GetDouble(),
            e.GetProperty("log10_none").GetDouble(),
            [.. e.GetProperty("full_scores").EnumerateArray().Select(s => (s[0].GetDouble(), s[1].GetInt32(), s[2].GetBoolean()))]);
    }

    public string[] TokenStrings => Tokens.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
