using System.Globalization;
using ScottPlot;

namespace Nko.Cli.Output;

/// <summary>
/// Draws <c>nko compare --report</c>'s plot as a PNG (ScottPlot over SkiaSharp): every utterance's change in character
/// errors, B − A, sorted from the largest improvement to the largest loss (green: B better, red: B worse, grey: same).
/// </summary>
internal static class ComparePlot
{
    public const int Width = 1200;
    public const int Height = 600;

    private static readonly Color BetterColor = Color.FromHex("#2ca02c");
    private static readonly Color WorseColor = Color.FromHex("#d62728");
    private static readonly Color SameColor = Color.FromHex("#7f7f7f");

    /// <summary>Writes the plot to <paramref name="path"/> all-or-nothing.</summary>
    /// <exception cref="PlatformNotSupportedException">The native graphics library (SkiaSharp) cannot be loaded on this platform.</exception>
    public static void Save(CompareReport report, string path)
    {
        PlotFile.WritePng(path, () => Build(report).GetImage(Width, Height), "The report's README.md was written.");
    }

    private static Plot Build(CompareReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        int[] order = [.. Enumerable.Range(0, report.Rows).OrderBy(i => report.ErrorsB[i] - report.ErrorsA[i]).ThenBy(i => i)];
        var bars = new List<Bar>(order.Length);
        for (int k = 0; k < order.Length; k++)
        {
            int change = report.ErrorsB[order[k]] - report.ErrorsA[order[k]];
            bars.Add(new Bar
            {
                Position = k,
                Value = change,
                FillColor = change < 0 ? BetterColor : change > 0 ? WorseColor : SameColor,
                LineWidth = 0,
                Size = 0.9,
            });
        }

        var plot = new Plot();
        if (PlotFile.SansFont() is { } font)
        {
            plot.Font.Set(font);
        }

        plot.Add.Bars(bars);
        plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Solid);
        BootstrapText(plot, report, inv);
        plot.XLabel(string.Create(inv, $"utterances, sorted by change ({report.Better} better, {report.Same} same, {report.Worse} worse)"));
        plot.YLabel("character errors, B − A (lower: B better)");
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.SetLimitsX(-1, Math.Max(1, order.Length));
        int low = Math.Min(0, bars.Count == 0 ? 0 : (int)bars.Min(b => b.Value)), high = Math.Max(0, bars.Count == 0 ? 0 : (int)bars.Max(b => b.Value));
        plot.Axes.SetLimitsY(low - 1, high + 1);
        return plot;
    }

    private static void BootstrapText(Plot plot, CompareReport report, CultureInfo inv)
    {
        plot.Title(string.Create(inv, $"B = {report.B.Label} vs A = {report.A.Label}: {report.Interval.Estimate:+0.000;-0.000;0.000} pp CER, 95% CI [{report.Interval.Low:+0.000;-0.000;0.000}, {report.Interval.High:+0.000;-0.000;0.000}], sign test p = {report.SignTestP:G3}"), 14);
    }
}
