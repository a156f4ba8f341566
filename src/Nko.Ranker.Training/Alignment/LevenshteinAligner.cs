namespace Nko.Ranker.Training.Alignment;

/// <summary>Levenshtein alignment of a hypothesis to a reference, with a deterministic choice among equal-cost alignments.</summary>
/// <remarks>
/// Unit costs. Among optimal alignments, the backtrace (from the end) prefers, in order: a match, a substitution
/// (diagonal), a hypothesis insertion (consume a hypothesis label), then a hypothesis deletion (consume a reference
/// label). So matches and substitutions are taken as late as possible and gaps land as early as possible: in a run of
/// repeated labels the first copy is the recogniser's insertion (hypothesis "aab", reference "ab": the 'a' at 0), a
/// dropped repeat belongs before its run (hypothesis "ab", reference "abb": 'b' missing at 1, left context 'a'), and
/// hypothesis "ab" against reference "c" is an insertion of 'a' then the substitution 'b'→'c'. The result lists steps
/// from the start.
/// </remarks>
public static class LevenshteinAligner
{
    /// <summary>Aligns <paramref name="hypothesis"/> to <paramref name="reference"/>.</summary>
    public static AlignmentOp[] Align(ReadOnlySpan<int> hypothesis, ReadOnlySpan<int> reference)
    {
        int n = hypothesis.Length, m = reference.Length;
        int w = m + 1;
        int[] d = new int[(n + 1) * w];
        for (int j = 0; j <= m; j++)
        {
            d[j] = j;
        }

        for (int i = 1; i <= n; i++)
        {
            d[i * w] = i;
            for (int j = 1; j <= m; j++)
            {
                int cost = hypothesis[i - 1] == reference[j - 1] ? 0 : 1;
                d[(i * w) + j] = Math.Min(Math.Min(d[((i - 1) * w) + j] + 1, d[(i * w) + j - 1] + 1), d[((i - 1) * w) + j - 1] + cost);
            }
        }

        var ops = new List<AlignmentOp>(Math.Max(n, m));
        int a = n, b = m;
        while (a > 0 || b > 0)
        {
            int here = d[(a * w) + b];
            if (a > 0 && b > 0 && hypothesis[a - 1] == reference[b - 1] && here == d[((a - 1) * w) + b - 1])
            {
                ops.Add(new AlignmentOp(AlignmentOpKind.Match, a - 1, hypothesis[a - 1], reference[b - 1], -1));
                a--;
                b--;
            }
            else if (a > 0 && b > 0 && here == d[((a - 1) * w) + b - 1] + 1)
            {
                ops.Add(new AlignmentOp(AlignmentOpKind.Substitution, a - 1, hypothesis[a - 1], reference[b - 1], -1));
                a--;
                b--;
            }
            else if (a > 0 && here == d[((a - 1) * w) + b] + 1)
            {
                ops.Add(new AlignmentOp(AlignmentOpKind.Insertion, a - 1, hypothesis[a - 1], -1, -1));
                a--;
            }
            else
            {
                ops.Add(new AlignmentOp(AlignmentOpKind.Deletion, a, -1, reference[b - 1], a > 0 ? hypothesis[a - 1] : -1));
                b--;
            }
        }

        ops.Reverse();
        return [.. ops];
    }
}
