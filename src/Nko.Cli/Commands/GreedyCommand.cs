using System.CommandLine;
using Nko.Ctc;
using Nko.Data;
using Nko.Cli.Output;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko greedy --data DIR [--out FILE] [--blank first|last]</c>: greedy-decodes every row's stored log-probs and writes one
/// JSON object per row, in row order: <c>{"index", "feat_id", "text", "score"}</c>.
/// </summary>
/// <remarks>
/// <c>index</c> is the row's 0-based position in rows.jsonl (the key <c>nko score</c> targets use, so this output is itself
/// a valid targets file); <c>text</c> is argmax per frame, repeats collapsed, blanks dropped; <c>score</c> is the best path's
/// natural-log score (the sum of the per-frame maxima), <c>null</c> if a frame has no finite value.
/// </remarks>
internal static class GreedyCommand
{
    public static Command Create()
    {
        Option<string> data = CliOptions.Data();
        Option<string?> output = CliOptions.Out("the decoded rows");
        Option<string> blank = CliOptions.Blank();
        var command = new Command("greedy", "Greedy CTC decode of every row of a dataset: one JSON line {\"index\", \"feat_id\", \"text\", \"score\"} per row.")
        {
            data, output, blank,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            string? outPath = parseResult.GetValue(output);
            CommandRunner.CheckOutput(outPath, "--out");
            CtcVocabulary vocabulary = CliOptions.Vocabulary(parseResult.GetValue(blank)!);
            CtcDataset dataset = CliOptions.LoadDataset(parseResult.GetRequiredValue(data), vocabulary);
            using var json = new JsonLinesWriter();
            Write(dataset, vocabulary, json);
            CommandRunner.WriteOutput(parseResult, outPath, json.WriteTo);
            return 0;
        }));
        return command;
    }

    /// <summary>Decodes every row of <paramref name="dataset"/> into <paramref name="json"/>.</summary>
    internal static void Write(CtcDataset dataset, CtcVocabulary vocabulary, JsonLinesWriter json)
    {
        int[] labels = new int[dataset.Frames];
        for (int i = 0; i < dataset.Count; i++)
        {
            LogProbMatrix matrix = CliOptions.ValidatedLogProbs(dataset, i, vocabulary);
            int n = GreedyDecoder.Decode(matrix, vocabulary.BlankIndex, labels, [], out double score);
            json.StartObject();
            json.Number("index", i);
            json.String("feat_id", dataset.Rows[i].FeatId);
            json.String("text", vocabulary.Decode(labels.AsSpan(0, n)));
            json.NumberOrNull("score", score);
            json.EndObject();
        }
    }
}
