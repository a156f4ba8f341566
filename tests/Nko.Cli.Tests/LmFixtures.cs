using System.Text.Json;

namespace Nko.Cli.Tests;

/// <summary>
/// A fact skipped when the LM fixtures are absent: ../shared/data/lm-fixtures and nko-ctc-sim's train references, found
/// beside nko-ctc-sim/dev (see <see cref="SharedDataFactAttribute"/>).
/// </summary>
internal sealed class LmFixtureFactAttribute : FactAttribute
{
    public LmFixtureFactAttribute()
    {
        if (Root is null)
        {
            Skip = "Needs ../shared/data/lm-fixtures and ../shared/data/nko-ctc-sim/train (or NKO_SHARED_DATA pointing at nko-ctc-sim).";
        }
    }

    /// <summary>The shared data folder (holding lm-fixtures and nko-ctc-sim), or null.</summary>
    public static string? Root { get; } = Find();

    public static string Char6Arpa => Path.Combine(Root!, "lm-fixtures", "char6.arpa");

    public static string KenLmScores => Path.Combine(Root!, "lm-fixtures", "kenlm_char6_dev.jsonl");

    /// <summary>The <c>ref</c> of every row of a nko-ctc-sim split, in file order: the text lmplz was trained on for char6.arpa.</summary>
    public static string[] References(string split) =>
        [.. File.ReadLines(Path.Combine(Root!, "nko-ctc-sim", split, "rows.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("ref").GetString()!)];

    private static string? Find()
    {
        if (SharedDataFactAttribute.Dev is not { } dev)
        {
            return null;
        }

        string root = Path.GetFullPath(Path.Combine(dev, "..", ".."));
        return File.Exists(Path.Combine(root, "lm-fixtures", "char6.arpa")) && File.Exists(Path.Combine(root, "nko-ctc-sim", "train", "rows.jsonl"))
            ? root
            : null;
    }
}
