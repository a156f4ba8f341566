using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;

namespace Nko.Cli;

/// <summary>Runs the correction pipeline over every row of a dataset (shared by <c>correct</c>, <c>eval</c> and <c>demo</c>).</summary>
/// <remarks>
/// Every row is checked first, in row order, so the first bad row is the one reported whatever the thread count. Rows are
/// then corrected in parallel; each result depends only on its row and the config, so the output (in row order) is
/// identical to a sequential run. Each row's hypothesis is its <c>asr_hyp</c> and its self-score its <c>asr_score</c>
/// (estimated from the log-probs when absent).
/// </remarks>
internal static class DatasetCorrection
{
    /// <summary>Loads a dataset for <paramref name="config"/> and checks every row: log-probs finite where they must be, hypothesis in the vocabulary.</summary>
    /// <exception cref="FormatException">A row is malformed; the message names the file, and for rows.jsonl the 1-based line.</exception>
    public static CtcDataset LoadAndValidate(string directory, RankerConfig config, bool requireReferences)
    {
        CtcVocabulary vocabulary = config.Vocabulary;
        CtcDataset dataset = CliOptions.LoadDataset(directory, vocabulary);
        for (int i = 0; i < dataset.Count; i++)
        {
            CtcDatasetRow row = dataset.Rows[i];
            if (requireReferences && row.Reference is null)
            {
                throw RowError(dataset, i, "has no \"ref\"; evaluation needs a reference transcript for every row.");
            }

            int position = FirstOutOfVocabulary(row.Hypothesis, vocabulary);
            if (position >= 0)
            {
                throw RowError(dataset, i, $"\"asr_hyp\" has {DescribeCharacter(row.Hypothesis, position)} at position {position}, which is not in the config's vocabulary.");
            }

            CliOptions.ValidatedLogProbs(dataset, i, vocabulary);
        }

        return dataset;
    }

    /// <summary>Corrects every row in <paramref name="mode"/>; the results are in row order.</summary>
    public static CorrectionResult[] CorrectAll(CtcDataset dataset, CorrectionPipeline pipeline, string mode, int maxDegreeOfParallelism = -1)
    {
        pipeline.Config.GetMode(mode); // an unknown mode fails here, listing the modes
        var results = new CorrectionResult[dataset.Count];
        var errors = new ExceptionDispatchInfo?[dataset.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount };
        Parallel.For(0, dataset.Count, options, i =>
        {
            try
            {
                CtcDatasetRow row = dataset.Rows[i];
                results[i] = pipeline.Correct(new CorrectionRequest(dataset.GetLogProbs(i))
                {
                    Hypothesis = row.Hypothesis,
                    AsrScore = double.IsFinite(row.AsrScore) ? row.AsrScore : null,
                    Mode = mode,
                });
            }
            catch (CorrectionLimitException e)
            {
                // The pipeline checks the limits before any work; the user needs to know which row is too large.
                errors[i] = ExceptionDispatchInfo.Capture(RowError(dataset, i, "is over a limit: " + e.Message));
            }
            catch (Exception e)
            {
                errors[i] = ExceptionDispatchInfo.Capture(e);
            }
        });

        foreach (ExceptionDispatchInfo? error in errors)
        {
            error?.Throw();
        }

        return results;
    }

    /// <summary>The 1-based line of rows.jsonl that holds row <paramref name="row"/> (blank lines are not rows).</summary>
    public static int LineOfRow(CtcDataset dataset, int row)
    {
        int line = 0, seen = -1;
        foreach (string text in File.ReadLines(RowsFile(dataset)))
        {
            line++;
            if (!string.IsNullOrWhiteSpace(text) && ++seen == row)
            {
                return line;
            }
        }

        return 0;
    }

    /// <summary>The dataset's rows.jsonl.</summary>
    public static string RowsFile(CtcDataset dataset) => Path.Combine(dataset.Directory, "rows.jsonl");

    private static DatasetFormatException RowError(CtcDataset dataset, int row, string message) =>
        new(RowsFile(dataset), LineOfRow(dataset, row), string.Create(CultureInfo.InvariantCulture, $"row {row} (feat_id {dataset.Rows[row].FeatId}) {message}"));

    private static int FirstOutOfVocabulary(string text, CtcVocabulary vocabulary)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (!vocabulary.TryGetId(text[i], out _))
            {
                return i;
            }
        }

        return -1;
    }

    // "character 'x' (U+0078)", naming whole code points and showing only visible characters.
    private static string DescribeCharacter(string text, int position)
    {
        bool whole = Rune.DecodeFromUtf16(text.AsSpan(position), out Rune rune, out _) == System.Buffers.OperationStatus.Done;
        int codePoint = whole ? rune.Value : text[position];
        bool visible = whole && Rune.GetUnicodeCategory(rune) is not (
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator);
        return string.Create(CultureInfo.InvariantCulture, $"character {(visible ? $"'{rune}' " : string.Empty)}(U+{codePoint:X4})");
    }
}
