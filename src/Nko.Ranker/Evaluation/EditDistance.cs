namespace Nko.Ranker.Evaluation;

/// <summary>Levenshtein distance (unit-cost insert, delete, substitute) over characters or label ids.</summary>
public static class EditDistance
{
    /// <summary>The edit distance between two sequences.</summary>
    public static int Levenshtein<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        where T : IEquatable<T>
    {
        if (a.Length < b.Length)
        {
            ReadOnlySpan<T> swap = a;
            a = b;
            b = swap;
        }

        int n = b.Length;
        Span<int> row = n <= 1024 ? stackalloc int[n + 1] : new int[n + 1];
        for (int j = 0; j <= n; j++)
        {
            row[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            T ai = a[i - 1];
            for (int j = 1; j <= n; j++)
            {
                int above = row[j];
                int cost = ai.Equals(b[j - 1]) ? 0 : 1;
                row[j] = Math.Min(Math.Min(above + 1, row[j - 1] + 1), diagonal + cost);
                diagonal = above;
            }
        }

        return row[n];
    }

    /// <summary>The edit distance between two strings (UTF-16 code units; N'Ko is in the BMP).</summary>
    public static int Levenshtein(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Levenshtein(a.AsSpan(), b.AsSpan());
    }
}
