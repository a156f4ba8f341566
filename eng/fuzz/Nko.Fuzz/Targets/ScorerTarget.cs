using System.Globalization;
using Nko.Ctc;

namespace Nko.Fuzz.Targets;

/// <summary>
/// CtcScorer on hostile matrices: every result must be finite or −∞, agree with the log-space reference
/// (<see cref="CtcForward.LogSpaceLogLikelihood"/>), be −∞ exactly when the reference is, and ScoreEdit must give the
/// same bits as ScoreEdits; misuse must raise the documented exceptions.
/// </summary>
public sealed class ScorerTarget : FuzzTarget
{
    private const double Tolerance = 1e-9; // relative; the scorer documents about 1e-12 inside its domain

    public override string Name => "scorer";

    public override string Description => "CtcScorer Reset/LogLikelihood/SetHypothesis/ScoreEdit(s)/EstimateEdits vs the log-space reference";

    public override void Run(FuzzContext ctx)
    {
        FuzzRandom rng = ctx.Random;

        // --huge: T×L past 2^31 cells (known to overflow the scorer's int buffer sizes and abort the process).
        bool huge = ctx.Settings.Huge && rng.Chance(0.1);
        int classes = huge ? rng.Between(2, 4) : rng.Chance(0.7) ? rng.Between(2, 8) : rng.Between(9, 70);
        int maxFrames = Math.Max(4, ctx.Settings.MaxFrames);
        int frames = huge ? rng.Between(30_000, 70_000) : rng.Pick(1, 2, 3, rng.Between(4, 40), rng.Between(4, maxFrames));
        int blank = rng.Pick(0, classes - 1, rng.Next(classes));
        HostileMatrices.Matrix m = HostileMatrices.Create(rng, frames, classes, blank, ctx.Settings.WithinScorerDomain);
        LogProbMatrix matrix = m.View;
        string shape = string.Create(CultureInfo.InvariantCulture, $"T={frames} C={classes} blank={blank} {m.Kind}");
        var scorer = new CtcScorer();

        if (rng.Chance(0.05))
        {
            ctx.ExpectThrows<InvalidOperationException>("LogLikelihood", "before Reset", () => scorer.LogLikelihood([]));
            ctx.ExpectThrows<InvalidOperationException>("ScoreEdit", "before SetHypothesis", () => scorer.ScoreEdit(LabelEdit.Delete(0)));
        }

        if (rng.Chance(0.03))
        {
            int bad = rng.Pick(-1, classes, int.MaxValue);
            ctx.ExpectThrows<ArgumentException>("Reset", "a blank index out of range", () => scorer.Reset(matrix, bad));
        }

        if (m.HasInvalid)
        {
            ctx.ExpectThrows<InvalidLogProbsException>("Reset", "NaN/+inf", () => scorer.Reset(matrix, blank));
            return;
        }

        if (!ctx.Call("Reset", () => scorer.Reset(matrix, blank)))
        {
            return;
        }

        if (rng.Chance(0.04))
        {
            int[] bad = HostileMatrices.Labels(rng, rng.Between(1, 8), classes, blank);
            bad[rng.Next(bad.Length)] = rng.Pick(blank, classes, -1, int.MinValue);
            ctx.ExpectThrows<ArgumentException>("LogLikelihood", "an invalid label", () => scorer.LogLikelihood(bad));
            ctx.ExpectThrows<ArgumentException>("SetHypothesis", "an invalid label", () => scorer.SetHypothesis(bad));
        }

        int[] hyp = Hypothesis(rng, frames, classes, blank, huge);
        int rounds = huge ? 1 : rng.Between(1, 4);
        for (int round = 0; round < rounds; round++)
        {
            string where = $"{shape} L={hyp.Length} round {round}";
            bool reference = !huge;
            double expected = reference ? CtcForward.LogSpaceLogLikelihood(matrix, blank, hyp) : double.NaN;
            if (ctx.Call("LogLikelihood", () => CheckResult(ctx, "LogLikelihood", scorer.LogLikelihood(hyp), expected, where)))
            {
                Count(ctx, expected);
            }

            double set = double.NaN;
            if (!ctx.Call("SetHypothesis", () => set = scorer.SetHypothesis(hyp)))
            {
                return;
            }

            CheckResult(ctx, "SetHypothesis", set, expected, where);
            ctx.Check(BitEquals(set, scorer.HypothesisLogLikelihood), "HypothesisLogLikelihood differs from SetHypothesis", where);
            if (huge)
            {
                return;
            }

            if (rng.Chance(0.3))
            {
                // Another target scored in between must not disturb the hypothesis' tables.
                int[] other = HostileMatrices.Labels(rng, rng.Between(0, Math.Min(frames + 2, 60)), classes, blank);
                double otherExpected = CtcForward.LogSpaceLogLikelihood(matrix, blank, other);
                ctx.Call("LogLikelihood", () => CheckResult(ctx, "LogLikelihood (between)", scorer.LogLikelihood(other), otherExpected, $"{shape} L={other.Length}"));
            }

            LabelEdit[] edits = Edits(rng, hyp.Length, classes, blank, rng.Between(0, 12));
            ScoreEdits(ctx, scorer, matrix, blank, hyp, edits, where);
            if (rng.Chance(0.1))
            {
                Misuse(ctx, scorer, rng, hyp.Length, classes, blank, edits);
            }

            // Next round: one edit away (the scorer's reuse path for correction rounds) or a fresh hypothesis.
            hyp = edits.Length > 0 && rng.Chance(0.6) ? edits[rng.Next(edits.Length)].Apply(hyp) : Hypothesis(rng, frames, classes, blank, false);
        }
    }

    private static void ScoreEdits(FuzzContext ctx, CtcScorer scorer, LogProbMatrix matrix, int blank, int[] hyp, LabelEdit[] edits, string where)
    {
        double[] batch = new double[edits.Length + ctx.Random.Next(3)];
        if (!ctx.Call("ScoreEdits", () => scorer.ScoreEdits(edits, batch)))
        {
            return;
        }

        for (int i = 0; i < edits.Length; i++)
        {
            LabelEdit edit = edits[i];
            double expected = CtcForward.LogSpaceLogLikelihood(matrix, blank, edit.Apply(hyp));
            if (!CheckResult(ctx, "ScoreEdits", batch[i], expected, $"{where} {edit}"))
            {
                // Triage: a fresh full forward of the edited target tells a wrong splice from a wrong forward.
                ctx.Count($"ScoreEdits mismatch; full forward {(Close(CtcForward.LogLikelihood(matrix, blank, edit.Apply(hyp)), expected) ? "agrees" : "also differs")}");
            }

            double single = double.NaN;
            if (ctx.Call("ScoreEdit", () => single = scorer.ScoreEdit(edit)))
            {
                ctx.Check(BitEquals(single, batch[i]), "ScoreEdit and ScoreEdits differ in bits", $"{where} {edit}: {single:R} vs {batch[i]:R}");
            }
        }

        LabelEdit[] estimable = [.. edits.Where(e => e.Kind != EditKind.Delete)];
        double[] estimates = new double[estimable.Length];
        if (ctx.Call("EstimateEdits", () => scorer.EstimateEdits(estimable, estimates)))
        {
            foreach (double e in estimates)
            {
                ctx.Check(!double.IsNaN(e) && !double.IsPositiveInfinity(e), "EstimateEdits: NaN or +inf", $"{where}: {e}");
            }
        }
    }

    // Invalid edits and short destinations must raise ArgumentException and leave nothing half-done.
    private static void Misuse(FuzzContext ctx, CtcScorer scorer, FuzzRandom rng, int length, int classes, int blank, LabelEdit[] valid)
    {
        (LabelEdit bad, string why) = rng.Next(6) switch
        {
            0 => (LabelEdit.Substitute(rng.Pick(length, -1, int.MaxValue), HostileMatrices.Label(rng, classes, blank)), "a position out of range"),
            1 => (LabelEdit.Insert(rng.Pick(length + 1, -1, int.MinValue), HostileMatrices.Label(rng, classes, blank)), "a position out of range"),
            2 => (LabelEdit.Insert(0, blank), "the blank label"),
            3 => (LabelEdit.Substitute(0, rng.Pick(classes, -1, int.MaxValue)), "a label out of range"),
            4 => (new LabelEdit((EditKind)rng.Between(3, 255), 0, HostileMatrices.Label(rng, classes, blank)), "an undefined EditKind"),
            _ => (default, "a short destination"),
        };
        if (why == "a short destination")
        {
            if (valid.Length > 0)
            {
                ctx.ExpectThrows<ArgumentException>("ScoreEdits", why, () => scorer.ScoreEdits(valid, new double[valid.Length - 1]));
            }

            return;
        }

        ctx.ExpectThrows<ArgumentException>("ScoreEdit", why, () => scorer.ScoreEdit(bad));
        ctx.ExpectThrows<ArgumentException>("ScoreEdits", why, () => scorer.ScoreEdits([.. valid, bad], new double[valid.Length + 1]));
        if (bad.Kind != EditKind.Delete)
        {
            ctx.ExpectThrows<ArgumentException>("EstimateEdits", why, () => scorer.EstimateEdits([bad], new double[1]));
        }
    }

    private static int[] Hypothesis(FuzzRandom rng, int frames, int classes, int blank, bool huge)
    {
        int length = huge
            ? frames / 2
            : rng.Next(4) switch
            {
                0 => rng.Between(0, 4),
                1 => Math.Max(0, frames + rng.Between(-3, 2)), // L close to T: feasibility hinges on repeats
                2 => frames / 2,
                _ => rng.Between(0, Math.Min(frames + 3, 120)),
            };
        return HostileMatrices.Labels(rng, length, classes, blank);
    }

    private static LabelEdit[] Edits(FuzzRandom rng, int length, int classes, int blank, int count)
    {
        var edits = new LabelEdit[count];
        for (int i = 0; i < count; i++)
        {
            int kind = length == 0 ? 2 : rng.Next(3);
            edits[i] = kind switch
            {
                0 => LabelEdit.Substitute(rng.Next(length), HostileMatrices.Label(rng, classes, blank)),
                1 => LabelEdit.Delete(rng.Next(length)),
                _ => LabelEdit.Insert(rng.Next(length + 1), HostileMatrices.Label(rng, classes, blank)),
            };
        }

        return edits;
    }

    private static void Count(FuzzContext ctx, double expected) =>
        ctx.Count(double.IsNegativeInfinity(expected) ? "target impossible (reference -inf)" : "target possible");

    /// <summary>Finite or −∞; −∞ exactly when the reference is; within <see cref="Tolerance"/> of it otherwise.</summary>
    private static bool CheckResult(FuzzContext ctx, string api, double actual, double expected, string where)
    {
        int before = ctx.Failures.Count;
        string values = string.Create(CultureInfo.InvariantCulture, $"{where}: got {actual:R}, reference {expected:R}");
        if (double.IsNaN(actual) || double.IsPositiveInfinity(actual))
        {
            ctx.Fail($"{api}: NaN or +inf", values);
        }
        else if (double.IsNaN(expected))
        {
            // No reference (huge sizes): finiteness is all that is checked.
        }
        else if (double.IsNegativeInfinity(expected) != double.IsNegativeInfinity(actual))
        {
            ctx.Fail(double.IsNegativeInfinity(actual) ? $"{api}: -inf for a possible target" : $"{api}: finite for an impossible target", values);
        }
        else if (!Close(actual, expected))
        {
            ctx.Fail($"{api}: differs from the reference", values);
        }

        return ctx.Failures.Count == before;
    }

    private static bool Close(double actual, double expected) =>
        double.IsNegativeInfinity(expected) ? double.IsNegativeInfinity(actual) : Math.Abs(actual - expected) <= Tolerance * Math.Max(1.0, Math.Abs(expected));

    private static bool BitEquals(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);
}
