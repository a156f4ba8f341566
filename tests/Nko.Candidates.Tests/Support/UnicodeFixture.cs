using System.Globalization;

namespace Nko.Candidates.Tests.Support;

/// <summary>The Python-generated table of Unicode names and categories in Fixtures/nko-unicode.tsv.</summary>
internal static class UnicodeFixture
{
    public static IReadOnlyList<(char Character, string Category, string Name)> Rows { get; } = Load();

    private static List<(char, string, string)> Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nko-unicode.tsv");
        var rows = new List<(char, string, string)>();
        foreach (string line in File.ReadAllLines(path))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            string[] parts = line.Split('\t');
            rows.Add(((char)int.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), parts[1], parts[2]));
        }

        return rows;
    }
}
