using System.Globalization;
using System.Text;
using Nko.Ranker.Training;

namespace Nko.Cli.Output;

/// <summary>Writes <c>nko train</c>'s optional outputs: the features CSV and the report folder (README.md and sweep.png).</summary>
internal static class TrainingReportWriter
{
    /// <summary>The report's summary, in the report folder.</summary>
    public const string ReadmeName = "README.md";

    /// <summary>The report's plot, in the report folder.</summary>
    public const string PlotName = "sweep.png";

    /// <summary>Checks the outputs of <c>--report</c> before training (see <see cref="OutputFile.Check"/>).</summary>
    public static void Check(string folder)
    {
        OutputFile.Check(Path.Combine(folder, ReadmeName), "--report");
        OutputFile.Check(Path.Combine(folder, PlotName), "--report");
    }

    /// <summary>Writes the training matrix as CSV, all-or-nothing.</summary>
    public static void WriteFeaturesCsv(TrainingResult result, string path) => OutputFile.WriteText(path, writer => WriteFeaturesCsv(result, writer));

    private static void WriteFeaturesCsv(TrainingResult result, TextWriter writer)
    {
        writer.WriteLine(string.Join(",", result.FeatureColumns) + ",label");
        int d = result.FeatureColumns.Length;
        var line = new StringBuilder();
        for (int r = 0; r < result.Labels.Length; r++)
        {
            line.Clear();
            for (int k = 0; k < d; k++)
            {
                line.Append(result.FeatureMatrix[(r * d) + k].ToString("R", CultureInfo.InvariantCulture)).Append(',');
            }

            line.Append(result.Labels[r]);
            writer.WriteLine(line);
        }
    }

    /// <summary>Writes the report folder (README.md, sweep.png), each file all-or-nothing.</summary>
    public static void Write(TrainingResult result, string folder, string trainDir, string devDir)
    {
        string markdown = TrainingReport.Markdown(result, trainDir, devDir);
        OutputFile.WriteText(Path.Combine(folder, ReadmeName), writer => writer.Write(markdown));
        SweepPlot.Save(result, Path.Combine(folder, PlotName));
    }
}
