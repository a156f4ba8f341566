using FsCheck;
using FsCheck.Fluent;

namespace Nko.Ctc.Tests.Support;

/// <summary>
/// The random choices of a walk (which edit next, whether to run something else in between) read from a generated
/// array, so that a failing walk shrinks with it: towards fewer and smaller draws, that is towards the first choice.
/// </summary>
internal sealed class Draws(int[] values)
{
    private int _next;

    /// <summary>Arrays of draws; FsCheck's own, which shrink.</summary>
    public static Arbitrary<int[]> Walks => ArbMap.Default.ArbFor<int[]>();

    /// <summary>The next draw in [0, <paramref name="count"/>) (0 once the draws run out).</summary>
    public int Next(int count) => _next < values.Length ? (int)((uint)Math.Abs((long)values[_next++]) % (uint)count) : 0;

    /// <summary>A target over the classes other than <paramref name="blank"/> (0 or C − 1), with <paramref name="repeats"/> a third of its labels repeating the one before.</summary>
    public int[] Target(int length, int classes, int blank = 0, bool repeats = true)
    {
        int[] target = new int[length];
        int first = blank == 0 ? 1 : 0;
        for (int i = 0; i < length; i++)
        {
            target[i] = repeats && i > 0 && Next(3) == 0 ? target[i - 1] : first + Next(classes - 1);
        }

        return target;
    }
}
