using System.CommandLine;
using System.Globalization;
using Nko.Ctc;
using Nko.Data;

namespace Nko.Cli;

/// <summary>Options and checks shared by the commands that read a dataset folder (<c>greedy</c>, <c>score</c>, …).</summary>
internal static class CliOptions
{
    /// <summary><c>--data DIR</c>: a dataset folder with rows.jsonl and logprobs.npy (required).</summary>
    public static Option<string> Data() => new("--data")
    {
        Description = "Dataset folder: rows.jsonl (one utterance per line) and logprobs.npy ([N, T, C] float16/float32 log-probs).",
        Required = true,
    };

    /// <summary><c>--out FILE</c>: where to write JSON lines (stdout when absent or <c>-</c>).</summary>
    public static Option<string?> Out(string what) => new("--out")
    {
        Description = $"Write {what} to this file (JSON lines, UTF-8) instead of stdout.",
    };

    /// <summary><c>--blank first|last</c>: the vocabulary convention of the log-probs.</summary>
    public static Option<string> Blank()
    {
        var option = new Option<string>("--blank")
        {
            Description = "Where the CTC blank is: 'first' (class 0; letters U+07C0..U+07FF at 1..64, space 65) or 'last' (letters 0..63, space 64, blank 65).",
            DefaultValueFactory = _ => "first",
        };
        option.AcceptOnlyFromAmong("first", "last");
        return option;
    }

    /// <summary>The N'Ko vocabulary for a <c>--blank</c> value.</summary>
    public static CtcVocabulary Vocabulary(string blank) =>
        blank == "last" ? CtcVocabulary.NkoBlankLast : CtcVocabulary.NkoBlankFirst;

    /// <summary>Loads a dataset and checks that its class count matches <paramref name="vocabulary"/>.</summary>
    public static CtcDataset LoadDataset(string directory, CtcVocabulary vocabulary)
    {
        CtcDataset dataset = CtcDataset.Load(directory);
        if (dataset.Classes != vocabulary.Count)
        {
            throw new FormatException(string.Create(
                CultureInfo.InvariantCulture,
                $"{Path.Combine(directory, "logprobs.npy")}: the log-probs have {dataset.Classes} classes; the N'Ko vocabulary has {vocabulary.Count}."));
        }

        return dataset;
    }

    /// <summary>Row <paramref name="row"/>'s log-probs, checked for NaN/+∞ (the error names the row).</summary>
    public static LogProbMatrix ValidatedLogProbs(CtcDataset dataset, int row, CtcVocabulary vocabulary)
    {
        LogProbMatrix matrix = dataset.GetLogProbs(row);
        try
        {
            matrix.Validate(vocabulary);
        }
        catch (InvalidLogProbsException e)
        {
            throw new FormatException(string.Create(
                CultureInfo.InvariantCulture,
                $"{Path.Combine(dataset.Directory, "logprobs.npy")}: dataset row {row} (feat_id {dataset.Rows[row].FeatId}): {e.Message}"),
                e);
        }

        return matrix;
    }
}
