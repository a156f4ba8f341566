
namespace Nko.Ctc.Internal.Scoring;

// How the previous hypothesis' label columns become this one's: the common prefix stays, the common suffix moves by
// the length difference, and the columns between are new.
internal readonly record struct LabelStep(int Prefix, int Suffix, int Shift)
{
    private const int MaxNewColumns = 8; // each new column is a strided pass over every frame; more and a transpose wins

    // False when the texts are equal (setting a hypothesis again recomputes it, as the benchmarks rely on), differ
    // in length by more than one, or differ in more than a few columns.
    public static bool Between(ReadOnlySpan<int> previous, ReadOnlySpan<int> next, out LabelStep step)
    {
        int prefix = previous.CommonPrefixLength(next), shift = next.Length - previous.Length;
        int suffix = 0, room = Math.Min(previous.Length, next.Length) - prefix;
        while (suffix < room && previous[previous.Length - 1 - suffix] == next[next.Length - 1 - suffix])
        {
            suffix++;
        }

        step = new LabelStep(prefix, suffix, shift);
        int fresh = next.Length - prefix - suffix;
        return Math.Abs(shift) <= 1 && fresh <= MaxNewColumns && !(shift == 0 && fresh == 0);
    }
}
