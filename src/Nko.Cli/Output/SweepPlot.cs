using System.Collections.Immutable;
using System.Globalization;
using Nko.Ranker.Configuration;
using Nko.Ranker.Training;
using ScottPlot;
using ScottPlot.Plottables;

namespace Nko.Cli.Output;

/// <summary>
/// Draws the threshold sweep of a training run as a PNG (ScottPlot over SkiaSharp): the dev CER change against the
/// threshold on top, the number of utterances made worse (dev and train) below, on a shared threshold axis, with each
/// chosen mode marked by a dashed line and labelled with its dev table.
/// </summary>
/// <remarks>Only the CLI draws: the training library stays free of native dependencies.</remarks>
internal static class SweepPlot
{
    public const int Width = 1200;
    public const int Height = 900;

    private static readonly Color DevColor = Color.FromHex("#1f77b4");
    private static readonly Color TrainColor = Color.FromHex("#ff7f0e");
    private static readonly Color WorseColor = Color.FromHex("#d62728");
    private static readonly Color SafeColor = Color.FromHex("#2ca02c").WithAlpha(0.12);
    private static readonly Color[] ModeColors = [Color.FromHex("#9467bd"), Color.FromHex("#2ca02c"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#17becf")];

    /// <summary>Writes the plot to <paramref name="path"/>.</summary>
    /// <exception cref="PlatformNotSupportedException">The native graphics library (SkiaSharp) cannot be loaded on this platform.</exception>
    public static void Save(TrainingResult result, string path)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(path);
        PlotFile.WritePng(path, () => Build(result).Render(Width, Height), "The config and the report's README.md were written.");
    }

    private static Multiplot Build(TrainingResult result)
    {
        var inv = CultureInfo.InvariantCulture;
        double[] thresholds = [.. result.DevSweep.Select(p => p.Threshold)];
        double[] delta = [.. result.DevSweep.Select(p => p.DeltaPp)];
        double[] devWorse = [.. result.DevSweep.Select(p => (double)p.Worse)];
        double[] trainWorse = [.. result.TrainSweep.Select(p => (double)p.Worse)];

        var top = new Plot();
        var bottom = new Plot();
        string? font = PlotFile.SansFont();
        foreach (Plot p in (Plot[])[top, bottom])
        {
            if (font is not null)
            {
                p.Font.Set(font);
            }

            p.Layout.Fixed(new PixelPadding(80, 30, 55, 45));
            p.Axes.SetLimitsX(0, 1);
        }

        top.Title(string.Create(inv, $"Threshold sweep of {result.Config.Name}: {result.DevRows} dev utterances (baseline CER {result.DevBaselineCer:F4}), {result.TrainRows} train"), 15);
        top.YLabel("dev CER change (pp, lower is better)");
        HorizontalLine zero = top.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Solid);
        zero.ExcludeFromLegend = true;
        Scatter deltaLine = top.Add.ScatterLine(thresholds, delta, DevColor);
        deltaLine.LineWidth = 2;
        deltaLine.MarkerSize = 3;
        deltaLine.MarkerShape = MarkerShape.FilledCircle;
        deltaLine.LegendText = "dev CER change (pp)";

        bottom.YLabel("utterances made worse");
        bottom.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        bottom.XLabel("threshold (minimum ranker probability to apply an edit)");
        Scatter trainLine = bottom.Add.ScatterLine(thresholds, trainWorse, TrainColor);
        trainLine.LineWidth = 2;
        trainLine.LinePattern = LinePattern.Dashed;
        trainLine.LegendText = string.Create(inv, $"train ({result.TrainRows} utterances, in-sample)");
        Scatter devLine = bottom.Add.ScatterLine(thresholds, devWorse, WorseColor);
        devLine.LineWidth = 2;
        devLine.MarkerSize = 3;
        devLine.MarkerShape = MarkerShape.FilledCircle;
        devLine.LegendText = string.Create(inv, $"dev ({result.DevRows} utterances)");
        // Shade the runs of thresholds where no dev and no train utterance gets worse (where conservative and
        // preservation are chosen).
        bool first = true;
        for (int i = 0; i < thresholds.Length; i++)
        {
            if (devWorse[i] != 0 || trainWorse[i] != 0)
            {
                continue;
            }

            int end = i;
            while (end + 1 < thresholds.Length && devWorse[end + 1] == 0 && trainWorse[end + 1] == 0)
            {
                end++;
            }

            HorizontalSpan safe = bottom.Add.HorizontalSpan(thresholds[i], thresholds[end], SafeColor);
            safe.LineWidth = 0;
            safe.LegendText = first ? "zero worse on dev and train" : string.Empty;
            first = false;
            i = end;
        }

        double maxWorse = Math.Max(1, Math.Max(devWorse.DefaultIfEmpty(0).Max(), trainWorse.DefaultIfEmpty(0).Max()));
        bottom.Axes.SetLimitsY(-0.05 * maxWorse, 1.1 * maxWorse);
        double lowDelta = Math.Min(0, delta.DefaultIfEmpty(0).Min()), highDelta = Math.Max(0, delta.DefaultIfEmpty(0).Max());
        double span = Math.Max(0.5, highDelta - lowDelta);
        top.Axes.SetLimitsY(lowDelta - (0.5 * span), highDelta + (0.2 * span));

        // One mark per distinct threshold (modes may share one, e.g. aggressive = balanced): a dashed line on both
        // panels, a diamond on each curve, the mode names at the top of the line and the dev table in the legend.
        // Modes with a CTC-gain gate were chosen on the gated sweep: their markers come from it.
        var groups = result.Config.Modes
            .GroupBy(m => (m.Threshold, Gated: m.MinCtcGain is not null))
            .OrderBy(g => g.Key.Threshold)
            .ToList();
        double labelY = highDelta + (0.08 * span);
        for (int g = 0; g < groups.Count; g++)
        {
            double threshold = groups[g].Key.Threshold;
            bool gated = groups[g].Key.Gated && !result.DevSweepGated.IsDefaultOrEmpty;
            ImmutableArray<SweepPoint> devSweep = gated ? result.DevSweepGated : result.DevSweep;
            ImmutableArray<SweepPoint> trainSweep = gated ? result.TrainSweepGated : result.TrainSweep;
            Color color = ModeColors[g % ModeColors.Length];
            string names = string.Join(" = ", groups[g].Select(m => m.Name)) + (gated ? " (gain ≥ 0)" : string.Empty);
            int index = IndexOf(devSweep, threshold);
            VerticalLine topLine = top.Add.VerticalLine(threshold, 1.5f, color, LinePattern.Dashed);
            VerticalLine bottomLine = bottom.Add.VerticalLine(threshold, 1.5f, color, LinePattern.Dashed);
            bottomLine.ExcludeFromLegend = true;
            topLine.LegendText = index < 0
                ? string.Create(inv, $"{names}: t = {threshold:0.####} (not on the swept grid)")
                : string.Create(inv, $"{names}: t = {threshold:0.####}, {devSweep[index].DeltaPp:+0.00;-0.00} pp, better/same/worse {devSweep[index].Better}/{devSweep[index].Same}/{devSweep[index].Worse} (train worse {trainSweep[index].Worse})");
            if (index >= 0)
            {
                SweepPoint point = devSweep[index];
                top.Add.Marker(threshold, point.DeltaPp, MarkerShape.FilledDiamond, 12, color).LegendText = string.Empty;
                bottom.Add.Marker(threshold, point.Worse, MarkerShape.FilledDiamond, 10, color).LegendText = string.Empty;
            }

            Text text = top.Add.Text(names, threshold, labelY);
            text.LabelFontSize = 13;
            text.LabelFontColor = color;
            text.LabelBold = true;
            text.LabelBackgroundColor = Colors.White.WithAlpha(0.85);
            text.LabelPadding = 2;
            bool right = threshold > 0.8;
            text.LabelAlignment = right ? Alignment.UpperRight : Alignment.UpperLeft;
            text.OffsetX = right ? -5 : 5;
            text.OffsetY = 2 + ((g % 3) * 20);
        }

        top.ShowLegend(Alignment.LowerRight);
        bottom.ShowLegend(Alignment.UpperRight);
        var figure = new Multiplot(top);
        figure.AddPlot(bottom);
        figure.SharedAxes.ShareX([top, bottom]);
        return figure;
    }

    private static int IndexOf(IReadOnlyList<SweepPoint> sweep, double threshold)
    {
        for (int i = 0; i < sweep.Count; i++)
        {
            if (sweep[i].Threshold == threshold)
            {
                return i;
            }
        }

        return -1;
    }
}
