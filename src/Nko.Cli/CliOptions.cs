using System.CommandLine;
using System.Globalization;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker.Configuration;

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
    public static Option<string> Blank() => Choice(
        "--blank",
        "Where the CTC blank is: 'first' (class 0; letters U+07C0..U+07FF at 1..64, space 65) or 'last' (letters 0..63, space 64, blank 65).",
        "first",
        "last");

    /// <summary>An option that takes one of <paramref name="values"/>, the first by default.</summary>
    public static Option<string> Choice(string name, string description, params string[] values)
    {
        string first = values[0];
        var option = new Option<string>(name)
        {
            Description = description,
            DefaultValueFactory = _ => first,
        };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    /// <summary>The N'Ko vocabulary for a <c>--blank</c> value.</summary>
    public static CtcVocabulary Vocabulary(string blank) =>
        blank == "last" ? CtcVocabulary.NkoBlankLast : CtcVocabulary.NkoBlankFirst;

    /// <summary><c>--blank-last</c>: the deprecated spelling of <c>--blank last</c> in <c>asr</c> and <c>quant-gate</c> (hidden from help).</summary>
    public static Option<bool> BlankLastAlias() => new("--blank-last")
    {
        Description = "Deprecated: use --blank last.",
        Hidden = true,
    };

    /// <summary>The vocabulary chosen by <c>--blank</c>, or by the deprecated <c>--blank-last</c>.</summary>
    /// <exception cref="CommandLineException"><c>--blank-last</c> is given with <c>--blank first</c>.</exception>
    public static CtcVocabulary Vocabulary(ParseResult parseResult, Option<string> blank, Option<bool> blankLast)
    {
        string value = parseResult.GetValue(blank)!;
        if (parseResult.GetValue(blankLast))
        {
            if (parseResult.GetResult(blank) is { Implicit: false } && value != "last")
            {
                throw new CommandLineException("--blank-last contradicts --blank first; use --blank alone.");
            }

            value = "last";
        }

        return Vocabulary(value);
    }

    /// <summary><c>--threads N</c>: ONNX Runtime intra-op threads, the same option in every command that runs a model.</summary>
    public static Option<int> Threads() => new("--threads")
    {
        Description = "ONNX Runtime intra-op threads (0: ONNX Runtime's default, one per core).",
        DefaultValueFactory = _ => 0,
    };

    /// <summary>Checks a <c>--threads</c> value: 0 (ONNX Runtime's default) or more.</summary>
    /// <exception cref="CommandLineException">The value is negative.</exception>
    public static int CheckThreads(int threads) => threads >= 0
        ? threads
        : throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"--threads must be 0 or more, not {threads}."));

    /// <summary>The config's mode named <paramref name="name"/> (its default mode when <see langword="null"/>), looked up once at the boundary.</summary>
    /// <exception cref="CommandLineException">The config has no such mode; the message lists its modes.</exception>
    public static OperatingMode Mode(RankerConfig config, string? name)
    {
        try
        {
            return config.GetMode(name);
        }
        catch (ArgumentException e)
        {
            // GetMode documents ArgumentException for an unknown name, which came from --mode.
            throw new CommandLineException(e.Message, e);
        }
    }

    /// <summary>Loads a dataset and checks that its class count matches <paramref name="vocabulary"/>.</summary>
    public static CtcDataset LoadDataset(string directory, CtcVocabulary vocabulary)
    {
        CtcDataset dataset = CtcDataset.Load(directory);
        CheckClasses(dataset, vocabulary);
        return dataset;
    }

    /// <summary>Checks, once per dataset, that its class count matches <paramref name="vocabulary"/>.</summary>
    public static void CheckClasses(CtcDataset dataset, CtcVocabulary vocabulary)
    {
        if (dataset.Classes != vocabulary.Count)
        {
            throw new CommandLineException(string.Create(
                CultureInfo.InvariantCulture,
                $"{dataset.LogProbsPath}: the log-probs have {dataset.Classes} classes; the N'Ko vocabulary has {vocabulary.Count}."));
        }
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
            throw new CommandLineException(string.Create(
                CultureInfo.InvariantCulture,
                $"{dataset.LogProbsPath}: dataset row {row} (feat_id {dataset.Rows[row].FeatId}): {e.Message}"),
                e);
        }

        return matrix;
    }
}
