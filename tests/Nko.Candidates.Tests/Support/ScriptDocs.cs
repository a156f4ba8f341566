using System.Text;
using Nko.Candidates.Script;

namespace Nko.Candidates.Tests.Support;

/// <summary>Renders the script tables of the package README from the library's data, so a test can check the README.</summary>
internal static class ScriptDocs
{
    public static string CharacterTable()
    {
        var sb = new StringBuilder();
        sb.Append("| code point | char | Unicode name | class | features | Latin |\n");
        sb.Append("|---|---|---|---|---|---|\n");
        foreach (NkoCharInfo info in NkoScript.Block.Append(Info(' ')))
        {
            string shown = info.Character == ' ' ? "␠" : (info.Features & NkoFeatures.Combining) != 0 ? "◌" + info.Character : info.Name.Length == 0 ? string.Empty : info.Character.ToString();
            string name = info.Name.Length == 0 ? "(unassigned)" : info.Name;
            string features = info.Features == NkoFeatures.None ? string.Empty : info.Features.ToString();
            string latin = info.Latin == " " ? string.Empty : info.Latin;
            sb.Append($"| U+{(int)info.Character:X4} | {shown} | {name} | {info.Class} | {features} | {latin} |\n");
        }

        return sb.ToString();
    }

    public static string PairTable()
    {
        var sb = new StringBuilder();
        sb.Append("| kind | pairs |\n");
        sb.Append("|---|---|\n");
        foreach (NkoPairKind kind in Enum.GetValues<NkoPairKind>())
        {
            if (kind == NkoPairKind.None)
            {
                continue;
            }

            var pairs = new List<(NkoCharInfo, NkoCharInfo)>();
            foreach (NkoCharInfo a in NkoScript.Block)
            {
                foreach (NkoCharInfo b in NkoScript.Block)
                {
                    if (a.Character < b.Character && (NkoScript.GetPairKind(a.Character, b.Character) & kind) != 0)
                    {
                        pairs.Add((a, b));
                    }
                }
            }

            sb.Append($"| {kind} | {Describe(kind, pairs)} |\n");
        }

        return sb.ToString();
    }

    // A kind whose pairs are all the pairs of a set of characters reads "any two of …"; otherwise the pairs are listed.
    private static string Describe(NkoPairKind kind, List<(NkoCharInfo A, NkoCharInfo B)> pairs)
    {
        List<NkoCharInfo> members = [.. pairs.SelectMany(p => new[] { p.A, p.B }).Distinct().OrderBy(i => i.Character)];
        if (members.Count > 2 && pairs.Count == members.Count * (members.Count - 1) / 2)
        {
            return "any two of " + string.Join(", ", members.Select(Short));
        }

        return string.Join(", ", pairs.Select(p => $"{Short(p.A)}/{Short(p.B)}"));
    }

    private static string Short(NkoCharInfo info) => info.Name
        .Replace("NKO LETTER ", string.Empty, StringComparison.Ordinal)
        .Replace("NKO COMBINING ", string.Empty, StringComparison.Ordinal);

    private static NkoCharInfo Info(char c) => NkoScript.TryGetInfo(c, out NkoCharInfo info) ? info : throw new InvalidOperationException();
}
