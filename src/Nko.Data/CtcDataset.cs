using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Nko.Ctc;

namespace Nko.Data;

/// <summary>
/// A dataset folder: <c>rows.jsonl</c> (one utterance per line) and <c>logprobs.npy</c> (<c>[N, T, C]</c> float16 or float32).
/// </summary>
/// <remarks>The whole log-prob tensor is converted to float32 once at load; rows are views into it. Immutable and thread-safe.</remarks>
public sealed class CtcDataset
{
    private readonly float[] _logProbs;

    private CtcDataset(string directory, ImmutableArray<CtcDatasetRow> rows, float[] logProbs, int frames, int classes)
    {
        Directory = directory;
        Rows = rows;
        _logProbs = logProbs;
        Frames = frames;
        Classes = classes;
    }

    /// <summary>The folder the dataset was read from.</summary>
    public string Directory { get; }

    /// <summary>The rows, in file order.</summary>
    public ImmutableArray<CtcDatasetRow> Rows { get; }

    /// <summary>Frames per utterance T.</summary>
    public int Frames { get; }

    /// <summary>Classes C.</summary>
    public int Classes { get; }

    /// <summary>Number of rows.</summary>
    public int Count => Rows.Length;

    /// <summary>The log-prob matrix of row <paramref name="row"/> (a view, no copy).</summary>
    public LogProbMatrix GetLogProbs(int row)
    {
        if ((uint)row >= (uint)Rows.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"Row must be in [0, {Rows.Length}).");
        }

        int size = Frames * Classes;
        return new LogProbMatrix(_logProbs.AsMemory(Rows[row].Index * size, size), Frames, Classes);
    }

    /// <summary>Loads the dataset in <paramref name="directory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder or one of its two files is missing.</exception>
    /// <exception cref="DatasetFormatException">A row is malformed (the message names the line), or rows and log-probs disagree.</exception>
    /// <exception cref="NpyFormatException"><c>logprobs.npy</c> is corrupt.</exception>
    public static CtcDataset Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string rowsPath = Path.Combine(directory, "rows.jsonl");
        string npyPath = Path.Combine(directory, "logprobs.npy");
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Dataset folder '{directory}' does not exist.");
        }

        foreach (string p in new[] { rowsPath, npyPath })
        {
            if (!File.Exists(p))
            {
                throw new DirectoryNotFoundException($"Dataset folder '{directory}' has no {Path.GetFileName(p)}; a dataset needs rows.jsonl and logprobs.npy.");
            }
        }

        NpyArray array = NpyFile.Read(npyPath);
        if (array.Shape.Length != 3)
        {
            throw new DatasetFormatException($"{npyPath}: expected shape [N, T, C], found ({string.Join(", ", array.Shape)}).");
        }

        int n = array.Shape[0], frames = array.Shape[1], classes = array.Shape[2];
        if (frames < 1 || classes < 2)
        {
            throw new DatasetFormatException($"{npyPath}: shape ({n}, {frames}, {classes}) has no frames or fewer than two classes.");
        }

        var rows = ReadRows(rowsPath, n);
        return new CtcDataset(directory, rows, array.ToSingleArray(), frames, classes);
    }

    /// <summary>Reads and validates the rows of a <c>rows.jsonl</c> file whose indices must be in [0, <paramref name="matrices"/>).</summary>
    public static ImmutableArray<CtcDatasetRow> ReadRows(string path, int matrices)
    {
        var rows = ImmutableArray.CreateBuilder<CtcDatasetRow>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            CtcDatasetRow row;
            try
            {
                row = ParseRow(line, rows.Count);
            }
            catch (JsonException e)
            {
                throw new DatasetFormatException(path, lineNumber, $"not valid JSON ({e.Message}).", e);
            }
            catch (FormatException e) when (e is not DatasetFormatException)
            {
                throw new DatasetFormatException(path, lineNumber, e.Message, e);
            }

            if ((uint)row.Index >= (uint)matrices)
            {
                throw new DatasetFormatException(path, lineNumber, string.Create(
                    CultureInfo.InvariantCulture,
                    $"index {row.Index} is outside the {matrices} matrices of logprobs.npy."));
            }

            rows.Add(row);
        }

        if (rows.Count == 0)
        {
            throw new DatasetFormatException($"{path}: no rows.");
        }

        return rows.ToImmutable();
    }

    private static CtcDatasetRow ParseRow(string line, int position)
    {
        using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 8 });
        JsonElement root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("a row must be a JSON object.");
        }

        string hyp = RequireString(root, "asr_hyp");
        string? reference = root.TryGetProperty("ref", out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        string featId = root.TryGetProperty("feat_id", out JsonElement f) && f.ValueKind == JsonValueKind.String
            ? f.GetString()!
            : position.ToString(CultureInfo.InvariantCulture);
        int index = position;
        if (root.TryGetProperty("index", out JsonElement ie))
        {
            if (ie.ValueKind != JsonValueKind.Number || !ie.TryGetInt32(out index) || index < 0)
            {
                throw new FormatException("\"index\" must be a non-negative integer.");
            }
        }

        double score = double.NaN;
        if (root.TryGetProperty("asr_score", out JsonElement se))
        {
            if (se.ValueKind != JsonValueKind.Number || !double.IsFinite(score = se.GetDouble()))
            {
                throw new FormatException("\"asr_score\" must be a finite number.");
            }
        }

        int speech = -1;
        if (root.TryGetProperty("speech_frames", out JsonElement sf) && (sf.ValueKind != JsonValueKind.Number || !sf.TryGetInt32(out speech)))
        {
            throw new FormatException("\"speech_frames\" must be an integer.");
        }

        return new CtcDatasetRow(index, featId, hyp, reference, score, speech);
    }

    private static string RequireString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out JsonElement e) || e.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"\"{name}\" is missing or not a string.");
        }

        return e.GetString()!;
    }
}
