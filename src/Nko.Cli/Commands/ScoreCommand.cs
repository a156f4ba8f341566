using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Nko.Ctc;
using Nko.Data;
using Nko.Cli.Output;
using Nko.IO;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko score --data DIR --targets FILE [--out FILE] [--blank first|last]</c>: the exact CTC log-likelihood of target
/// texts against dataset rows.
/// </summary>
/// <remarks>
/// <para>Each line of the targets file is <c>{"index": i, "text": "…"}</c>, where <c>i</c> is the 0-based position of a row
/// in the dataset's rows.jsonl (other fields are ignored, so <c>nko greedy</c> output is a valid targets file). Blank lines
/// are skipped. Output lines are <c>{"index", "text", "logp"}</c> in the order of the targets, <c>logp</c> being the natural
/// log of the CTC likelihood; a target that cannot be aligned in T frames has <c>"logp": null, "infeasible": true</c>.</para>
/// <para>Every target line is validated before anything is scored or written: bad JSON, a missing or non-integer index, an
/// index outside the dataset, a missing text, or a character outside the vocabulary stops the command with the file, the
/// 1-based line and the problem (for a character: the character, its code point and its position in the text).</para>
/// <para>Targets are grouped by row, and each row's matrix is loaded into one <see cref="CtcScorer"/> once for all its targets.
/// A −∞ from the fast scorer is confirmed with the log-space reference (see <see cref="Score"/>).</para>
/// </remarks>
internal static class ScoreCommand
{
    public static Command Create()
    {
        Option<string> data = CliOptions.Data();
        var targets = new Option<string>("--targets")
        {
            Description = "JSON lines {\"index\": i, \"text\": \"<target>\"}; i is the 0-based row of the dataset.",
            Required = true,
        };
        Option<string?> output = CliOptions.Out("the scores");
        Option<string> blank = CliOptions.Blank();
        var command = new Command("score", "Exact CTC log-likelihood of target texts: one JSON line {\"index\", \"text\", \"logp\"} per target (logp null and \"infeasible\": true when the target cannot fit the frames).")
        {
            data, targets, output, blank,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            string? outPath = parseResult.GetValue(output);
            CommandRunner.CheckOutput(outPath, "--out");
            CtcVocabulary vocabulary = CliOptions.Vocabulary(parseResult.GetValue(blank)!);
            CtcDataset dataset = CliOptions.LoadDataset(parseResult.GetRequiredValue(data), vocabulary);
            List<ScoreTarget> list = ReadTargets(parseResult.GetRequiredValue(targets), dataset.Count, vocabulary);
            double[] logp = Score(dataset, vocabulary, list);
            using var json = new JsonLinesWriter();
            Write(list, logp, json);
            CommandRunner.WriteOutput(parseResult, outPath, json.WriteTo);
            return 0;
        }));
        return command;
    }

    /// <summary>Reads and validates a targets file against a dataset of <paramref name="rows"/> rows.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">A line is malformed; the message names the file and the 1-based line.</exception>
    internal static List<ScoreTarget> ReadTargets(string path, int rows, CtcVocabulary vocabulary)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Targets file '{path}' does not exist.", path);
        }

        var list = new List<ScoreTarget>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                list.Add(ParseTarget(line, lineNumber, rows, vocabulary));
            }
            catch (JsonException e)
            {
                throw new DatasetFormatException(path, lineNumber, $"not valid JSON ({JsonErrorText.Describe(e)}).", e);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or CommandLineException && e is not DatasetFormatException)
            {
                throw new DatasetFormatException(path, lineNumber, e.Message, e);
            }
        }

        return list;
    }

    private static ScoreTarget ParseTarget(string line, int lineNumber, int rows, CtcVocabulary vocabulary)
    {
        using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 8 });
        JsonElement root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new CommandLineException("a target must be a JSON object {\"index\": i, \"text\": \"...\"}.");
        }

        if (!root.TryGetProperty("index", out JsonElement ie))
        {
            throw new CommandLineException("\"index\" is missing.");
        }

        if (ie.ValueKind != JsonValueKind.Number || !ie.TryGetInt32(out int index) || index < 0)
        {
            throw new CommandLineException($"\"index\" must be a non-negative integer, not {Excerpt(ie.GetRawText())}.");
        }

        if (index >= rows)
        {
            throw new CommandLineException(string.Create(
                CultureInfo.InvariantCulture,
                $"index {index} is outside the dataset's {rows} rows (0..{rows - 1})."));
        }

        if (!root.TryGetProperty("text", out JsonElement te) || te.ValueKind != JsonValueKind.String)
        {
            throw new CommandLineException("\"text\" is missing or not a string.");
        }

        string text = te.GetString()!;
        int[] labels;
        try
        {
            labels = vocabulary.Encode(text);
        }
        catch (OutOfVocabularyException e)
        {
            throw new CommandLineException(DescribeOutOfVocabulary(text, e.Position));
        }

        return new ScoreTarget(lineNumber, index, text, labels);
    }

    /// <summary>Scores every target, loading each dataset row into the scorer once.</summary>
    internal static double[] Score(CtcDataset dataset, CtcVocabulary vocabulary, IReadOnlyList<ScoreTarget> targets)
    {
        int[] order = new int[targets.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        // Stable: by row, then by position in the file.
        Array.Sort(order, (a, b) => targets[a].Row != targets[b].Row ? targets[a].Row.CompareTo(targets[b].Row) : a.CompareTo(b));
        var scorer = new CtcScorer();
        double[] result = new double[targets.Count];
        int current = -1;
        LogProbMatrix matrix = default;
        foreach (int k in order)
        {
            ScoreTarget target = targets[k];
            if (target.Row != current)
            {
                matrix = CliOptions.ValidatedLogProbs(dataset, target.Row, vocabulary);
                scorer.Reset(matrix, vocabulary.BlankIndex);
                current = target.Row;
            }

            double logp = scorer.LogLikelihood(target.Labels);
            if (double.IsNegativeInfinity(logp))
            {
                // The fast scorer keeps one scale per frame, so a target whose best alignment lies more than ~700 nats
                // below the frame's leading state underflows to −∞ although it is feasible. The log-space reference has
                // no such limit; only a truly impossible target (too long for T, or needing a −∞ class) stays −∞.
                logp = CtcForward.LogSpaceLogLikelihood(matrix, vocabulary.BlankIndex, target.Labels);
            }

            result[k] = logp;
        }

        return result;
    }

    /// <summary>Writes one line per target, in the targets' order.</summary>
    internal static void Write(IReadOnlyList<ScoreTarget> targets, ReadOnlySpan<double> logp, JsonLinesWriter json)
    {
        for (int i = 0; i < targets.Count; i++)
        {
            json.StartObject();
            json.Number("index", targets[i].Row);
            json.String("text", targets[i].Text);
            if (!json.NumberOrNull("logp", logp[i]))
            {
                json.Boolean("infeasible", true);
            }

            json.EndObject();
        }
    }

    /// <summary>"character 'x' (U+0078) at position 3 of "text" is not in the vocabulary", naming whole code points.</summary>
    internal static string DescribeOutOfVocabulary(string text, int position)
    {
        bool whole = Rune.DecodeFromUtf16(text.AsSpan(position), out Rune rune, out _) == System.Buffers.OperationStatus.Done;
        int codePoint = whole ? rune.Value : text[position];
        string shown = whole && IsVisible(rune) ? $"'{rune}' " : string.Empty;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"\"text\" has character {shown}(U+{codePoint:X4}) at position {position}, which is not in the N'Ko vocabulary (U+07C0..U+07FF and space).");
    }

    // Controls, spaces other than ' ', invisible format characters and unassigned code points are named by code point only.
    private static bool IsVisible(Rune rune) => Rune.GetUnicodeCategory(rune) is not (
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
        or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
        or UnicodeCategory.ParagraphSeparator);

    private static string Excerpt(string raw) => raw.Length <= 40 ? raw : raw[..40] + "…";
}

/// <summary>One validated line of a targets file.</summary>
/// <param name="Line">1-based line in the file.</param>
/// <param name="Row">0-based dataset row.</param>
/// <param name="Text">The target text.</param>
/// <param name="Labels">The text's class ids.</param>
internal sealed record ScoreTarget(int Line, int Row, string Text, int[] Labels);
