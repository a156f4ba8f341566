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
/// <para><b>Validated once.</b> The boundary checks what only it can: the class count once per dataset, and references
/// when evaluating. The pipeline checks each row as it corrects it (NaN/+∞ log-probs, a hypothesis outside the
/// vocabulary, the limits), and its exception is rethrown naming the row, its feat_id and its line of rows.jsonl (kept
/// by the dataset); nothing scans a row twice.</para>
/// <para>Rows are corrected in parallel; each result depends only on its row and the config, so the output (in row
/// order) is identical to a sequential run, and the error reported is the first bad row's whatever the thread count.
/// Each row's hypothesis is its <c>asr_hyp</c> and its self-score its <c>asr_score</c> (estimated from the log-probs when
/// absent).</para>
/// </remarks>
internal static class DatasetCorrection
{
    /// <summary>Loads a dataset for <paramref name="config"/>: its class count must be the config's vocabulary's.</summary>
    /// <exception cref="DatasetFormatException">A row has no reference and <paramref name="requireReferences"/> is set (the message names the line).</exception>
    public static CtcDataset Load(string directory, RankerConfig config, bool requireReferences)
    {
        CtcDataset dataset = CliOptions.LoadDataset(directory, config.Vocabulary);
        if (requireReferences)
        {
            for (int i = 0; i < dataset.Count; i++)
            {
                if (dataset.Rows[i].Reference is null)
                {
                    throw RowError(dataset, i, "has no \"ref\"; evaluation needs a reference transcript for every row.");
                }
            }
        }

        return dataset;
    }

    /// <summary>Corrects every row in <paramref name="mode"/>; the results are in row order.</summary>
    /// <exception cref="FormatException">A row's log-probs hold NaN or +∞, or its hypothesis a character outside the vocabulary, or it is over a limit (the message names the row).</exception>
    public static CorrectionResult[] CorrectAll(CtcDataset dataset, CorrectionPipeline pipeline, OperatingMode mode, int maxDegreeOfParallelism = -1)
    {
        var results = new CorrectionResult[dataset.Count];
        var errors = new ExceptionDispatchInfo?[dataset.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount };
        Parallel.For(0, dataset.Count, options, i =>
        {
            CtcDatasetRow row = dataset.Rows[i];
            try
            {
                results[i] = pipeline.Correct(new CorrectionRequest(dataset.GetLogProbs(i))
                {
                    Hypothesis = row.Hypothesis,
                    AsrScore = double.IsFinite(row.AsrScore) ? row.AsrScore : null,
                    Mode = mode.Name,
                });
            }
            catch (Exception e)
            {
                errors[i] = ExceptionDispatchInfo.Capture(WithRow(dataset, i, e));
            }
        });

        foreach (ExceptionDispatchInfo? error in errors)
        {
            error?.Throw();
        }

        return results;
    }

    // The pipeline's exception for one row, rethrown naming the row (the pipeline sees a matrix, not a dataset).
    private static Exception WithRow(CtcDataset dataset, int i, Exception e)
    {
        CtcDatasetRow row = dataset.Rows[i];
        return e switch
        {
            // The pipeline checks the limits before any work; the user needs to know which row is too large.
            CorrectionLimitException => RowError(dataset, i, "is over a limit: " + e.Message),
            InvalidLogProbsException => new DatasetFormatException(
                string.Create(CultureInfo.InvariantCulture, $"{dataset.LogProbsPath}: dataset row {i} (feat_id {row.FeatId}): {e.Message}"), e),
            OutOfVocabularyException o when o.Position < row.Hypothesis.Length && row.Hypothesis[o.Position] == o.Character =>
                RowError(dataset, i, $"\"asr_hyp\" has {DescribeCharacter(row.Hypothesis, o.Position)} at position {o.Position}, which is not in the config's vocabulary."),
            _ => e,
        };
    }

    private static DatasetFormatException RowError(CtcDataset dataset, int row, string message) =>
        new(dataset.RowsPath, dataset.Rows[row].Line, string.Create(CultureInfo.InvariantCulture, $"row {row} (feat_id {dataset.Rows[row].FeatId}) {message}"));

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
