using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Nko.Ranker.Configuration;

namespace Nko.Ranker.Training;

/// <summary>Renders a <see cref="TrainingResult"/> as a Markdown summary.</summary>
public static class TrainingReport
{
    /// <summary>The Markdown summary: data sizes, class balance, λ search, weights by feature, the chosen modes and their dev tables.</summary>
    public static string Markdown(TrainingResult result, string trainData, string devData)
    {
        ArgumentNullException.ThrowIfNull(result);
        var c = result.Config;
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"# Training report: {c.Name}");
        sb.AppendLine();
        // What the data was is the caller's to say (TrainerOptions.Description): the same report serves simulated and real data.
        if (!string.IsNullOrWhiteSpace(c.Provenance.Description))
        {
            sb.AppendLine(c.Provenance.Description);
            sb.AppendLine();
        }

        sb.AppendLine("A config describes the recogniser whose output it was trained on: for real use, train on your own recogniser's output with `nko train --train DIR --dev DIR --out FILE` (see the Nko.Ranker.Training README).");
        sb.AppendLine();
        sb.AppendLine("## Data");
        sb.AppendLine();
        sb.AppendLine("| split | folder | utterances | candidate examples | positive | share |");
        sb.AppendLine("|---|---|---|---|---|---|");
        sb.AppendLine(inv, $"| train | `{trainData}` | {result.TrainRows} | {result.Examples} | {result.Positives} | {(double)result.Positives / result.Examples:P1} |");
        sb.AppendLine(inv, $"| dev | `{devData}` | {result.DevRows} | {result.DevExamples} | {result.DevPositives} | {(result.DevExamples == 0 ? 0 : (double)result.DevPositives / result.DevExamples):P1} |");
        sb.AppendLine();
        sb.AppendLine(inv, $"Confusion maps: {c.Confusions.Substitutions.Length} substitutions, {c.Confusions.Deletions.Length} deletions, {c.Confusions.Insertions.Length} insertions (entries with count ≥ {c.Generator.MinCount}).");
        sb.AppendLine();
        sb.AppendLine("## Fit");
        sb.AppendLine();
        sb.AppendLine("L2-regularised logistic regression (Newton/IRLS) on standardised features; λ chosen by dev log-loss.");
        sb.AppendLine();
        sb.AppendLine("| λ | dev log-loss |");
        sb.AppendLine("|---|---|");
        foreach ((double l2, double loss) in result.L2Search)
        {
            sb.AppendLine(inv, $"| {l2:G3}{(l2 == c.Provenance.L2 ? " (chosen)" : string.Empty)} | {loss:F5} |");
        }

        sb.AppendLine();
        sb.AppendLine(inv, $"Chosen λ = {c.Provenance.L2:G3}; {c.Provenance.Iterations} Newton iterations; gradient norm {c.Provenance.GradientNorm:E2}.");
        sb.AppendLine();
        sb.AppendLine("| feature | mean | std | weight (standardised) |");
        sb.AppendLine("|---|---|---|---|");
        foreach (int k in Enumerable.Range(0, c.Features.Length).OrderByDescending(k => Math.Abs(c.Weights[k])))
        {
            sb.AppendLine(inv, $"| `{c.Features[k]}` | {c.Means[k]:G4} | {c.Stds[k]:G4} | {c.Weights[k]:+0.0000;-0.0000} |");
        }

        sb.AppendLine(inv, $"| bias | | | {c.Bias:+0.0000;-0.0000} |");
        sb.AppendLine();
        sb.AppendLine("## Modes (dev)");
        sb.AppendLine();
        sb.AppendLine(inv, $"Baseline CER {result.DevBaselineCer:F4}.");
        sb.AppendLine();
        sb.AppendLine("| mode | threshold | min CTC gain | CER | Δ pp | better/same/worse | changed |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var m in c.Provenance.DevModes)
        {
            OperatingMode mode = c.GetMode(m.Mode);
            string gain = mode.MinCtcGain is { } g ? g.ToString(inv) : "–";
            sb.AppendLine(inv, $"| {m.Mode} | {mode.Threshold} | {gain} | {m.Cer:F4} | {m.DeltaPp:+0.00;-0.00} | {m.Better}/{m.Same}/{m.Worse} | {m.Changed} |");
        }

        sb.AppendLine();
        TrainerOptions o = result.Options;
        sb.AppendLine(inv, $"Rules: aggressive = lowest dev CER; balanced = lowest dev CER with at most {o.BalancedMaxWorseShare * 100:0.##}% of changed utterances worse; conservative = inside the run of consecutive thresholds with zero worse on dev and on train that holds the best zero-worse CER, the strictest threshold keeping {o.ConservativeShare * 100:0.##}% of that reduction and at least {o.ConservativeMarginSteps} grid steps from the run's edges; preservation = stricter, in the same run, the first threshold where ≥ {o.PreservationMinPrecision * 100:0.##}% of accepted edits do not increase the edit distance (else the run's strict margin end).{(o.CalibrateMinCtcGain ? " Conservative and preservation are chosen both on this sweep and on the sweep below, where an edit also needs CTC gain ≥ 0; the gate is kept (min CTC gain 0) only when it gives the lower conservative CER." : string.Empty)}");
        sb.AppendLine();
        sb.AppendLine("![threshold sweep](sweep.png)");
        sb.AppendLine();
        AppendSweep(sb, "## Threshold sweep (dev)", result.DevSweep, result.TrainSweep);
        if (!result.DevSweepGated.IsDefaultOrEmpty)
        {
            sb.AppendLine();
            AppendSweep(sb, "## Threshold sweep with CTC gain ≥ 0 (dev)", result.DevSweepGated, result.TrainSweepGated);
        }

        return sb.ToString();
    }

    private static void AppendSweep(StringBuilder sb, string title, ImmutableArray<SweepPoint> dev, ImmutableArray<SweepPoint> train)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        sb.AppendLine(title);
        sb.AppendLine();
        sb.AppendLine("| threshold | CER | Δ pp | better/same/worse | changed | edits | helpful | not harmful | train worse |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < dev.Length; i++)
        {
            SweepPoint p = dev[i];
            sb.AppendLine(inv, $"| {p.Threshold} | {p.Cer:F4} | {p.DeltaPp:+0.00;-0.00} | {p.Better}/{p.Same}/{p.Worse} | {p.Changed} | {p.AcceptedEdits} | {p.Precision:P1} | {p.Safety:P1} | {train[i].Worse} |");
        }
    }
}
