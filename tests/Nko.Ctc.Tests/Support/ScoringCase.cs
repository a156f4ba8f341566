using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Nko.Ctc;

namespace Nko.Ctc.Tests.Support;

/// <summary>
/// A log-prob matrix and a target for the scorer's properties, drawn by <see cref="ScoringCases"/>. A failing case
/// shrinks: frames drop from the end, labels from the target, and the matrix flattens, while the case keeps its shape
/// (minimum length, how far the target may outrun the frames).
/// </summary>
internal sealed class ScoringCase
{
    internal ScoringCase(int frames, int classes, int blank, int[] target, float[] logProbs, double sharpness, ScoringCaseShape shape)
    {
        Frames = frames;
        Classes = classes;
        Blank = blank;
        Target = target;
        LogProbs = logProbs;
        Sharpness = sharpness;
        Shape = shape;
    }

    public int Frames { get; }

    public int Classes { get; }

    public int Blank { get; }

    /// <summary>Labels in [0, C), never the blank.</summary>
    public int[] Target { get; }

    /// <summary>Row-major [T, C] log-probs (log-softmax of the logits; −∞ where a class was zeroed).</summary>
    public float[] LogProbs { get; }

    /// <summary>The logits' standard deviation (0.05 flat … 25 peaked).</summary>
    public double Sharpness { get; }

    internal ScoringCaseShape Shape { get; }

    public LogProbMatrix Matrix => new(LogProbs, Frames, Classes);

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"T={Frames} C={Classes} blank={Blank} sharpness={Sharpness} target [{string.Join(",", Target)}] zeros {LogProbs.Count(float.IsNegativeInfinity)}");

    /// <summary>Smaller cases of the same shape: fewer frames, fewer labels.</summary>
    internal IEnumerable<ScoringCase> Shrink()
    {
        if (Frames > 1 && Target.Length <= Frames - 1 + Shape.ExtraLength)
        {
            yield return new ScoringCase(Frames - 1, Classes, Blank, Target, LogProbs[..((Frames - 1) * Classes)], Sharpness, Shape);
        }

        if (Target.Length > Shape.MinLength)
        {
            yield return new ScoringCase(Frames, Classes, Blank, Target[..^1], LogProbs, Sharpness, Shape);
            for (int i = 0; i < Target.Length - 1; i++)
            {
                yield return new ScoringCase(Frames, Classes, Blank, [.. Target[..i], .. Target[(i + 1)..]], LogProbs, Sharpness, Shape);
            }
        }
    }
}

/// <summary>What a property asks of its cases.</summary>
/// <param name="MaxFrames">Frames are 1 to this.</param>
/// <param name="MinClasses">Fewest classes (blank included, at least 2).</param>
/// <param name="MaxClasses">Most classes.</param>
/// <param name="MinLength">Shortest target.</param>
/// <param name="ExtraLength">How many labels the target may have beyond T (longer targets cannot be aligned).</param>
/// <param name="BlankLast">Whether the blank may be the last class (else it is class 0).</param>
/// <param name="ZeroChance">The chance that a case zeroes classes (about 40 % of each frame's, one class always kept).</param>
/// <param name="Repeats">Whether a label may repeat the one before it (one in three does).</param>
/// <param name="SometimesNoRepeats">Whether half the cases have no repeats even when <paramref name="Repeats"/> is set.</param>
/// <param name="Sharpness">One sharpness for every case (else one of 0.05, 1, 4, 25).</param>
/// <param name="QuantisedChance">The chance that a case's log-probs are 0, −1 or −2 instead (not normalised: many exact ties).</param>
internal sealed record ScoringCaseShape(
    int MaxFrames,
    int MinClasses,
    int MaxClasses,
    int MinLength = 0,
    int ExtraLength = 0,
    bool BlankLast = true,
    double ZeroChance = 0,
    bool Repeats = true,
    bool SometimesNoRepeats = false,
    double? Sharpness = null,
    double QuantisedChance = 0);

/// <summary>FsCheck generators of <see cref="ScoringCase"/>s, shrinking by <see cref="ScoringCase.Shrink"/>.</summary>
internal static class ScoringCases
{
    private static readonly double[] Sharpnesses = [0.05, 1.0, 4.0, 25.0];

    public static Arbitrary<ScoringCase> Of(ScoringCaseShape shape) => Arb.From(Cases(shape), c => c.Shrink());

    public static Gen<ScoringCase> Cases(ScoringCaseShape shape) =>
        from frames in Gen.Choose(1, shape.MaxFrames)
        from classes in Gen.Choose(shape.MinClasses, shape.MaxClasses)
        from blankLast in shape.BlankLast ? Gen.Elements(false, true) : Gen.Constant(false)
        from sharpness in shape.Sharpness is { } fixedSharpness ? Gen.Constant(fixedSharpness) : Gen.Elements(Sharpnesses)
        from quantised in Gen.Choose(0, 999).Select(i => i < shape.QuantisedChance * 1000)
        from normals in Gen.ArrayOf(Normal(), frames * classes)
        from zeroed in Gen.Choose(0, 999).Select(i => i < shape.ZeroChance * 1000)
        from zeros in Gen.ArrayOf(Gen.Choose(0, 9), frames * classes)
        from keep in Gen.ArrayOf(Gen.Choose(0, classes - 1), frames)
        from length in Gen.Choose(shape.MinLength, Math.Max(shape.MinLength, frames + shape.ExtraLength))
        from repeats in shape.SometimesNoRepeats ? Gen.Elements(false, shape.Repeats) : Gen.Constant(shape.Repeats)
        from picks in Gen.ArrayOf(repeats ? Gen.Frequency((1, Gen.Constant(-1)), (2, Gen.Choose(0, classes - 2))) : Gen.Choose(0, classes - 2), length)
        select Build(shape, frames, classes, blankLast ? classes - 1 : 0, sharpness, normals, zeroed ? zeros : null, keep, picks, quantised ? zeros : null);

    // A standard normal deviate (Box–Muller from two uniform draws), as the seeded matrices of TestMatrices.
    private static Gen<double> Normal() =>
        from a in Gen.Choose(1, 1 << 30)
        from b in Gen.Choose(0, 1 << 30)
        select Math.Sqrt(-2 * Math.Log(a / (double)(1 << 30))) * Math.Cos(2 * Math.PI * b / (1 << 30));

    private static ScoringCase Build(ScoringCaseShape shape, int frames, int classes, int blank, double sharpness, double[] normals, int[]? zeros, int[] keep, int[] picks, int[]? quantised)
    {
        float[] logits = [.. normals.Select(x => (float)(sharpness * x))];
        float[] lp = new float[logits.Length];
        LogProbMatrix.LogSoftmax(logits, lp, classes);
        if (quantised is not null)
        {
            for (int i = 0; i < lp.Length; i++)
            {
                lp[i] = -(quantised[i] % 3);
            }
        }
        else if (zeros is not null)
        {
            for (int i = 0; i < lp.Length; i++)
            {
                if (i % classes != keep[i / classes] && zeros[i] < 4)
                {
                    lp[i] = float.NegativeInfinity;
                }
            }
        }

        // A pick of -1 repeats the label before (a third of the picks when repeats are on); others name a non-blank class.
        int first = blank == 0 ? 1 : 0;
        int[] target = new int[picks.Length];
        for (int i = 0; i < picks.Length; i++)
        {
            target[i] = picks[i] < 0 ? (i > 0 ? target[i - 1] : first) : picks[i] + first;
        }

        return new ScoringCase(frames, classes, blank, target, lp, sharpness, shape);
    }
}
