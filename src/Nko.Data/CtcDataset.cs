using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Nko.Ctc;
using Nko.IO;

namespace Nko.Data;

/// <summary>
/// A dataset folder: <c>rows.jsonl</c> (one utterance per line) and <c>logprobs.npy</c> (<c>[N, T, C]</c> float16 or float32).
/// </summary>
/// <remarks>The whole log-prob tensor is converted to float32 once at load; rows are views into it. Immutable and thread-safe.</remarks>
public sealed class CtcDataset
{
    /// <summary>The file of a dataset folder that holds the rows.</summary>
    public const string RowsFileName = "rows.jsonl";

    /// <summary>The file of a dataset folder that holds the log-probs.</summary>
    public const string LogProbsFileName = "logprobs.npy";

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

    /// <summary>The dataset's <c>rows.jsonl</c> (<see cref="Directory"/> combined with the file name).</summary>
    public string RowsPath => Path.Combine(Directory, RowsFileName);

    /// <summary>The dataset's <c>logprobs.npy</c> (<see cref="Directory"/> combined with the file name).</summary>
    public string LogProbsPath => Path.Combine(Directory, LogProbsFileName);

    /// <summary>The rows, in file order; each knows its line of <see cref="RowsPath"/> (<see cref="CtcDatasetRow.Line"/>).</summary>
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
    /// <remarks>
    /// Checks that <c>logprobs.npy</c> is <c>[N, T, C]</c> with T ≥ 1 and C ≥ 2, that every row of <c>rows.jsonl</c> is a JSON
    /// object with a string <c>asr_hyp</c>, an integer <c>index</c> in [0, N) (the row's position when absent), a finite
    /// <c>asr_score</c> and integer <c>frames</c>/<c>speech_frames</c> when present, with <c>frames</c> equal to T. Values of
    /// the log-probs are not inspected here; validate a row's matrix with <see cref="LogProbMatrix.Validate(CtcVocabulary)"/>.
    /// </remarks>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no <c>rows.jsonl</c> or no <c>logprobs.npy</c>.</exception>
    /// <exception cref="DatasetFormatException">A row is malformed (the message names the file and 1-based line), or rows and log-probs disagree.</exception>
    /// <exception cref="NpyFormatException"><c>logprobs.npy</c> is truncated, corrupt or of an unsupported kind.</exception>
    public static CtcDataset Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string rowsPath = Path.Combine(directory, RowsFileName);
        string npyPath = Path.Combine(directory, LogProbsFileName);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Dataset folder '{directory}' does not exist.");
        }

        foreach (string p in new[] { rowsPath, npyPath })
        {
            if (!File.Exists(p))
            {
                throw new FileNotFoundException($"Dataset folder '{directory}' has no {Path.GetFileName(p)}; a dataset needs rows.jsonl and logprobs.npy.", p);
            }
        }

        NpyArray array = NpyFile.Read(npyPath);
        if (array.Shape.Length != 3)
        {
            throw new DatasetFormatException($"{npyPath}: expected shape [N, T, C], found {NpyFile.FormatShape(array.Shape.AsSpan())}.");
        }

        int n = array.Shape[0], frames = array.Shape[1], classes = array.Shape[2];
        if (frames < 1 || classes < 2)
        {
            throw new DatasetFormatException($"{npyPath}: shape ({n}, {frames}, {classes}) has no frames or fewer than two classes.");
        }

        var rows = ReadRows(rowsPath, n, frames);
        return new CtcDataset(directory, rows, array.ToSingleArray(), frames, classes);
    }

    /// <summary>Reads and validates the rows of a <c>rows.jsonl</c> file whose indices must be in [0, <paramref name="matrices"/>).</summary>
    /// <exception cref="DatasetFormatException">A row is malformed (the message names the file and 1-based line), or the file has no rows.</exception>
    public static ImmutableArray<CtcDatasetRow> ReadRows(string path, int matrices) => ReadRows(path, matrices, 0);

    /// <summary>
    /// Reads and validates the rows of a <c>rows.jsonl</c> file whose indices must be in [0, <paramref name="matrices"/>)
    /// and whose <c>frames</c> field, when present, must equal <paramref name="frames"/> (0 skips that check).
    /// </summary>
    /// <exception cref="DatasetFormatException">A row is malformed (the message names the file and 1-based line), or the file has no rows.</exception>
    public static ImmutableArray<CtcDatasetRow> ReadRows(string path, int matrices, int frames)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(matrices);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
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
            int rowFrames;
            try
            {
                (row, rowFrames) = ParseRow(line, rows.Count);
            }
            catch (JsonException e)
            {
                throw new DatasetFormatException(path, lineNumber, $"not valid JSON ({JsonErrorText.Describe(e)}).", e);
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

            if (frames > 0 && rowFrames >= 0 && rowFrames != frames)
            {
                throw new DatasetFormatException(path, lineNumber, string.Create(
                    CultureInfo.InvariantCulture,
                    $"\"frames\" is {rowFrames} but logprobs.npy has {frames} frames per row."));
            }

            rows.Add(row with { Line = lineNumber });
        }

        if (rows.Count == 0)
        {
            throw new DatasetFormatException($"{path}: no rows (the file is empty or blank).");
        }

        return rows.ToImmutable();
    }

    private static (CtcDatasetRow Row, int Frames) ParseRow(string line, int position)
    {
        using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 8 });
        JsonElement root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("a row must be a JSON object.");
        }

        string hyp = RequireString(root, "asr_hyp");
        string? reference = OptionalString(root, "ref");
        string featId = OptionalString(root, "feat_id") ?? position.ToString(CultureInfo.InvariantCulture);
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
            if (se.ValueKind != JsonValueKind.Number || !se.TryGetDouble(out score) || !double.IsFinite(score))
            {
                throw new FormatException("\"asr_score\" must be a finite number.");
            }
        }

        int speech = -1;
        if (root.TryGetProperty("speech_frames", out JsonElement sf) && (sf.ValueKind != JsonValueKind.Number || !sf.TryGetInt32(out speech)))
        {
            throw new FormatException("\"speech_frames\" must be an integer.");
        }

        int frames = -1;
        if (root.TryGetProperty("frames", out JsonElement fr) && (fr.ValueKind != JsonValueKind.Number || !fr.TryGetInt32(out frames) || frames < 1))
        {
            throw new FormatException("\"frames\" must be a positive integer.");
        }

        return (new CtcDatasetRow(index, featId, hyp, reference, score, speech), frames);
    }

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return e.ValueKind == JsonValueKind.String ? e.GetString() : throw new FormatException($"\"{name}\" must be a string.");
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
