using System.Globalization;
using Nko.Ranker.Configuration;
using Nko.Ranker.Training.Tests.Support;

namespace Nko.Ranker.Training.Tests;

public sealed class TrainingReportTests
{
    [Fact]
    public void The_summary_has_the_data_the_fit_the_modes_and_the_sweep()
    {
        TrainingResult r = TrainingData.Small;
        RankerConfig c = r.Config;
        string md = TrainingReport.Markdown(r, "data/train", "data/dev");
        string[] lines = md.Split('\n');
        Assert.Equal("# Training report: test_ranker", lines[0].TrimEnd('\r'));

        // The caller's description says what the data was; the report itself claims nothing about it.
        Assert.Contains("unit test", md, StringComparison.Ordinal);
        Assert.DoesNotContain("simulated", md, StringComparison.Ordinal);

        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"| train | `data/train` | 30 | {r.Examples} | {r.Positives} |"), md, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"| dev | `data/dev` | 20 | {r.DevExamples} | {r.DevPositives} |"), md, StringComparison.Ordinal);
        Assert.Single(lines, l => l.Contains("(chosen)", StringComparison.Ordinal));
        Assert.All(c.Features, f => Assert.Contains($"| `{f}` |", md, StringComparison.Ordinal));
        foreach (ModeMetrics m in c.Provenance.DevModes)
        {
            OperatingMode mode = c.GetMode(m.Mode);
            string gain = mode.MinCtcGain is { } g ? g.ToString(CultureInfo.InvariantCulture) : "–";
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"| {m.Mode} | {mode.Threshold} | {gain} | {m.Cer:F4} |"), md, StringComparison.Ordinal);
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"| {m.Better}/{m.Same}/{m.Worse} | {m.Changed} |"), md, StringComparison.Ordinal);
        }

        Assert.Contains("![threshold sweep](sweep.png)", md, StringComparison.Ordinal);
        int sweepRows = lines.SkipWhile(l => !l.StartsWith("## Threshold sweep (dev)", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)).Count(l => l.StartsWith("| 0", StringComparison.Ordinal));
        Assert.Equal(r.DevSweep.Length, sweepRows);
        int gatedRows = lines.SkipWhile(l => !l.StartsWith("## Threshold sweep with CTC gain ≥ 0 (dev)", StringComparison.Ordinal)).Count(l => l.StartsWith("| 0", StringComparison.Ordinal));
        Assert.Equal(r.DevSweepGated.Length, gatedRows);
        Assert.True(gatedRows > 0);
    }
}
