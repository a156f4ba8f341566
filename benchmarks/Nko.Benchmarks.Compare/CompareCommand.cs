using System.Globalization;

namespace Nko.Benchmarks.Compare;

/// <summary>The command line: exit 0 when nothing regresses, 1 on a regression, 2 on unusable input or arguments.</summary>
public static class CompareCommand
{
    /// <summary>Exit code when no benchmark regresses.</summary>
    public const int Ok = 0;

    /// <summary>Exit code when a benchmark is significantly slower beyond the threshold or allocates more.</summary>
    public const int Regression = 1;

    /// <summary>Exit code for unreadable input, unpaired benchmarks or bad arguments.</summary>
    public const int BadInput = 2;

    private const string Usage =
        "usage: Nko.Benchmarks.Compare --baseline PATH [PATH ...] --candidate PATH [PATH ...]\n" +
        "                              [--threshold 0.10|10%] [--alpha 0.01] [--allow-unpaired]\n" +
        "PATH: a BenchmarkDotNet *-report-full*.json (--exporters json) or a folder searched for them; several = rounds, pooled.";

    /// <summary>Runs the comparison described by <paramref name="args"/>, printing the table to <paramref name="output"/>.</summary>
    /// <returns><see cref="Ok"/>, <see cref="Regression"/> or <see cref="BadInput"/>.</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var baseline = new List<string>();
        var candidate = new List<string>();
        double threshold = 0.10, alpha = 0.01;
        bool allowUnpaired = false;
        List<string>? current = null;
        try
        {
            for (int i = 0; i < args.Count; i++)
            {
                switch (args[i])
                {
                    case "--baseline": current = baseline; break;
                    case "--candidate": current = candidate; break;
                    case "--threshold": threshold = ParseRatio(Next(args, ref i)); current = null; break;
                    case "--alpha": alpha = ParseNumber(Next(args, ref i), "--alpha"); current = null; break;
                    case "--allow-unpaired": allowUnpaired = true; current = null; break;
                    case "-h" or "--help": output.WriteLine(Usage); return Ok;
                    default:
                        if (current is null || args[i].StartsWith("--", StringComparison.Ordinal))
                        {
                            throw new ArgumentException($"Unexpected argument '{args[i]}'.");
                        }

                        current.Add(args[i]);
                        break;
                }
            }

            if (baseline.Count == 0 || candidate.Count == 0)
            {
                throw new ArgumentException("Both --baseline and --candidate need at least one path.");
            }

            var options = new ComparisonOptions { Threshold = threshold, Alpha = alpha, AllowUnpaired = allowUnpaired };
            options.Validate();
            ComparisonReport report = BenchmarkComparer.Compare(
                BenchmarkExportReader.Read(baseline), BenchmarkExportReader.Read(candidate), options);
            report.Write(output);
            return report.HasRegression ? Regression : Ok;
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"Nko.Benchmarks.Compare: {e.Message}");
            error.WriteLine(Usage);
            return BadInput;
        }
        catch (BenchmarkExportException e)
        {
            error.WriteLine($"Nko.Benchmarks.Compare: {e.Message}");
            return BadInput;
        }
    }

    private static string Next(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");

    // "0.10" or "10%".
    private static double ParseRatio(string text) =>
        text.EndsWith('%') ? ParseNumber(text[..^1], "--threshold") / 100 : ParseNumber(text, "--threshold");

    private static double ParseNumber(string text, string option) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new ArgumentException($"{option}: '{text}' is not a number.");
}
