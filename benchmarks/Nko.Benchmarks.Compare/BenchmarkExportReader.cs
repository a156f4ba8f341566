using System.Text.Json;

namespace Nko.Benchmarks.Compare;

/// <summary>
/// Reads BenchmarkDotNet full JSON exports (<c>--exporters json</c> writes <c>*-report-full-compressed.json</c>,
/// <c>--exporters fulljson</c> <c>*-report-full.json</c>; both carry the per-iteration <c>Measurements</c>).
/// </summary>
public static class BenchmarkExportReader
{
    private const string FilePattern = "*-report-full*.json";

    /// <summary>
    /// Reads every export under <paramref name="paths"/> (files, or folders searched recursively for
    /// <c>*-report-full*.json</c>) and pools each benchmark's measurements over them (one export per round).
    /// Two files of the same run (same <c>Title</c>, e.g. both JSON flavours) count once.
    /// </summary>
    /// <returns>The samples keyed by benchmark full name.</returns>
    /// <exception cref="BenchmarkExportException">A path is missing, holds no export, or an export is malformed,
    /// lacks result measurements or allocation data, or names one benchmark twice.</exception>
    public static IReadOnlyDictionary<string, BenchmarkSample> Read(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var times = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        var rounds = new Dictionary<string, int>(StringComparer.Ordinal);
        var titles = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in Expand(paths))
        {
            using JsonDocument doc = Parse(file);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("Benchmarks", out JsonElement benchmarks) || benchmarks.ValueKind != JsonValueKind.Array)
            {
                throw new BenchmarkExportException($"{file}: not a BenchmarkDotNet full JSON export (no \"Benchmarks\" array).");
            }

            string title = root.TryGetProperty("Title", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : file;
            if (!titles.Add(title))
            {
                continue;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonElement benchmark in benchmarks.EnumerateArray())
            {
                string name = RequiredString(benchmark, "FullName", file);
                if (!seen.Add(name))
                {
                    throw new BenchmarkExportException(
                        $"{file}: {name} appears twice (several jobs?); export one job per run so the sides pair by name.");
                }

                List<double> perOp = ResultTimes(benchmark, name, file);
                long allocated = Allocated(benchmark, name, file);
                if (times.TryGetValue(name, out List<double>? pooled))
                {
                    pooled.AddRange(perOp);
                    bytes[name] = Math.Min(bytes[name], allocated);
                    rounds[name]++;
                }
                else
                {
                    times[name] = perOp;
                    bytes[name] = allocated;
                    rounds[name] = 1;
                }
            }
        }

        var samples = new Dictionary<string, BenchmarkSample>(StringComparer.Ordinal);
        foreach ((string name, List<double> perOp) in times)
        {
            samples[name] = new BenchmarkSample(name, perOp, bytes[name], rounds[name]);
        }

        return samples;
    }

    private static IEnumerable<string> Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                string[] found = Directory.GetFiles(path, FilePattern, SearchOption.AllDirectories);
                if (found.Length == 0)
                {
                    throw new BenchmarkExportException(
                        $"{path}: no {FilePattern} inside (run BenchmarkDotNet with --exporters json, or fulljson).");
                }

                Array.Sort(found, StringComparer.Ordinal);
                files.AddRange(found);
            }
            else
            {
                throw new BenchmarkExportException($"{path}: no such file or folder.");
            }
        }

        if (files.Count == 0)
        {
            throw new BenchmarkExportException("No export given.");
        }

        return files;
    }

    private static JsonDocument Parse(string file)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(file));
        }
        catch (JsonException e)
        {
            throw new BenchmarkExportException($"{file}: not JSON ({e.Message}).", e);
        }
        catch (IOException e)
        {
            throw new BenchmarkExportException($"{file}: cannot be read ({e.Message}).", e);
        }
    }

    private static string RequiredString(JsonElement benchmark, string property, string file) =>
        benchmark.ValueKind == JsonValueKind.Object
        && benchmark.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String
        && value.GetString() is { Length: > 0 } text
            ? text
            : throw new BenchmarkExportException($"{file}: a benchmark without \"{property}\".");

    // BenchmarkDotNet's Workload/Result iterations: actual workload minus overhead, outliers already removed.
    private static List<double> ResultTimes(JsonElement benchmark, string name, string file)
    {
        var perOp = new List<double>();
        if (benchmark.TryGetProperty("Measurements", out JsonElement measurements) && measurements.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement m in measurements.EnumerateArray())
            {
                if (m.ValueKind == JsonValueKind.Object
                    && m.TryGetProperty("IterationMode", out JsonElement mode) && mode.ValueEquals("Workload")
                    && m.TryGetProperty("IterationStage", out JsonElement stage) && stage.ValueEquals("Result")
                    && m.TryGetProperty("Operations", out JsonElement ops) && ops.TryGetInt64(out long operations) && operations > 0
                    && m.TryGetProperty("Nanoseconds", out JsonElement ns) && ns.TryGetDouble(out double nanoseconds)
                    && double.IsFinite(nanoseconds))
                {
                    perOp.Add(nanoseconds / operations);
                }
            }
        }

        return perOp.Count > 0
            ? perOp
            : throw new BenchmarkExportException(
                $"{file}: {name} has no Workload/Result measurements (it failed, or this is not a full export).");
    }

    private static long Allocated(JsonElement benchmark, string name, string file) =>
        benchmark.TryGetProperty("Memory", out JsonElement memory) && memory.ValueKind == JsonValueKind.Object
        && memory.TryGetProperty("BytesAllocatedPerOperation", out JsonElement b) && b.TryGetInt64(out long allocated) && allocated >= 0
            ? allocated
            : throw new BenchmarkExportException(
                $"{file}: {name} has no BytesAllocatedPerOperation (run BenchmarkDotNet with --memory).");
}
