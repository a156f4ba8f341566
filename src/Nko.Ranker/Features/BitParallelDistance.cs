namespace Nko.Ranker.Features;

/// <summary>
/// Levenshtein distance by Myers' bit-vector algorithm (Hyyrö's formulation for edit distance) for patterns of at most
/// 64 labels: one pass over the text with a few word operations per label, against a pattern whose per-label match
/// masks were built once. The DP (<see cref="Evaluation.EditDistance"/>) is its slow twin in the tests.
/// </summary>
internal static class BitParallelDistance
{
    /// <summary>The longest pattern the bit-vector path takes.</summary>
    public const int MaxPattern = 64;

    /// <summary>Fills <paramref name="masks"/> (one word per class, cleared first) with the pattern's match positions.</summary>
    public static void Prepare(ReadOnlySpan<int> pattern, Span<ulong> masks)
    {
        masks.Clear();
        for (int i = 0; i < pattern.Length; i++)
        {
            masks[pattern[i]] |= 1UL << i;
        }
    }

    /// <summary>The edit distance between the prepared pattern (length 1..64) and <paramref name="text"/>.</summary>
    public static int Distance(ReadOnlySpan<ulong> masks, int patternLength, ReadOnlySpan<int> text)
    {
        ulong high = 1UL << (patternLength - 1);
        ulong pv = patternLength == 64 ? ulong.MaxValue : (1UL << patternLength) - 1;
        ulong mv = 0;
        int score = patternLength;
        foreach (int label in text)
        {
            ulong eq = masks[label];
            ulong xv = eq | mv;
            ulong xh = (((eq & pv) + pv) ^ pv) | eq;
            ulong ph = mv | ~(xh | pv);
            ulong mh = pv & xh;
            if ((ph & high) != 0)
            {
                score++;
            }
            else if ((mh & high) != 0)
            {
                score--;
            }

            ph = (ph << 1) | 1; // the top row of the DP is 0, 1, 2, …: a horizontal +1 enters at the pattern's start
            mh <<= 1;
            pv = mh | ~(xv | ph);
            mv = ph & xv;
        }

        return score;
    }
}
