using System.Globalization;
using System.Text;
using Nko.Ranker.Training;

namespace Nko.Cli;

/// <summary>Writes <c>nko train</c>'s optional outputs: the features CSV and the report folder (README.md and sweep.png).</summary>
internal static class TrainingReportWriter
{
    public static void WriteFeaturesCsv(TrainingResult result, string path)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
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

    public static void Write(TrainingResult result, string folder, string trainDir, string devDir)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "README.md"), TrainingReport.Markdown(result, trainDir, devDir), new UTF8Encoding(false));
        SweepPlot.Save(result, Path.Combine(folder, "sweep.png"));
    }
}
