using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Nko.Ctc;
using Nko.Data;
using Nko.Lm;
using Nko.Ranker.Evaluation;
using Nko.Cli.Output;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko decode --data DIR [--lm FILE --alpha A --beta B] [--beam W] [--nbest N] [--out FILE] [--blank first|last]</c>: CTC
/// prefix beam search of every row's stored log-probs, optionally with a character n-gram language model (shallow
/// fusion), one JSON object per row in row order: <c>{"index", "feat_id", "text", "score"}</c>, plus <c>"nbest"</c> when
/// <c>--nbest</c> is above 1.
/// </summary>
/// <remarks>
/// <c>text</c> is the best hypothesis (runs of spaces collapsed, ends trimmed); <c>score</c> its search score
/// (log P_ctc + α · ln P_lm + β · length; <c>null</c> when every alignment has probability zero); <c>nbest</c> lists up to N
/// hypotheses best first, each <c>{"text", "score", "ctc", "lm"}</c> (natural logs; <c>lm</c> includes <c>&lt;/s&gt;</c>,
/// 0 without a model). When every row has a <c>ref</c>, one summary line goes to stderr: the aggregate CER of the beam
/// texts and of the greedy decode of the same matrices (Σ edits / Σ reference characters), rows better/worse than
/// greedy, and the decoding time.
/// </remarks>
internal static class DecodeCommand
{
    public static Command Create()
    {
        Option<string> data = CliOptions.Data();
        var lm = new Option<string?>("--lm")
        {
            Description = "Character n-gram language model for shallow fusion: an ARPA file or an Nko.Lm binary model (.nkolm).",
        };
        var alpha = new Option<double?>("--alpha") { Description = "Language-model weight α (needs --lm; default 0.5)." };
        var beta = new Option<double?>("--beta") { Description = "Length bonus β per character (needs --lm; default 2)." };
        var beam = new Option<int>("--beam") { Description = "Beam width (default 16).", DefaultValueFactory = _ => 16 };
        var nbest = new Option<int>("--nbest") { Description = "Hypotheses per row; above 1 adds an \"nbest\" array (default 1).", DefaultValueFactory = _ => 1 };
        Option<string?> output = CliOptions.Out("the decoded rows");
        Option<string> blank = CliOptions.Blank();
        var command = new Command("decode", "CTC prefix beam search of every row of a dataset, optionally with a character n-gram LM: one JSON line {\"index\", \"feat_id\", \"text\", \"score\"} per row; CER on stderr when rows have references.")
        {
            data, lm, alpha, beta, beam, nbest, output, blank,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            string? lmPath = parseResult.GetValue(lm);
            double? a = parseResult.GetValue(alpha), b = parseResult.GetValue(beta);
            if (lmPath is null && (a is not null || b is not null))
            {
                throw new CommandLineException("--alpha and --beta weigh a language model: give --lm FILE too.");
            }

            BeamSearchOptions options = Checked(() => new BeamSearchOptions
            {
                BeamWidth = parseResult.GetValue(beam),
                NBest = parseResult.GetValue(nbest),
                LmWeight = a ?? BeamSearchOptions.Default.LmWeight,
                LengthBonus = b ?? BeamSearchOptions.Default.LengthBonus,
            });
            string? outPath = parseResult.GetValue(output);
            CommandRunner.CheckOutput(outPath, "--out");
            CtcVocabulary vocabulary = CliOptions.Vocabulary(parseResult.GetValue(blank)!);
            CharLanguageModel? model = lmPath is null ? null : LmCliOptions.LoadModel(lmPath);
            CtcDataset dataset = CliOptions.LoadDataset(parseResult.GetRequiredValue(data), vocabulary);
            using var json = new JsonLinesWriter();
            string? summary = Write(dataset, vocabulary, new CtcBeamSearch(vocabulary, model, options), json);
            CommandRunner.WriteOutput(parseResult, outPath, json.WriteTo);
            if (summary is not null)
            {
                parseResult.InvocationConfiguration.Error.WriteLine(summary);
            }

            return 0;
        }));
        return command;
    }

    /// <summary>The options' own check (made as they are set), with the command-line names in the message.</summary>
    private static BeamSearchOptions Checked(Func<BeamSearchOptions> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentOutOfRangeException e)
        {
            string option = e.ParamName switch
            {
                nameof(BeamSearchOptions.BeamWidth) => "--beam",
                nameof(BeamSearchOptions.NBest) => "--nbest",
                nameof(BeamSearchOptions.LmWeight) => "--alpha",
                nameof(BeamSearchOptions.LengthBonus) => "--beta",
                _ => e.ParamName ?? "an option",
            };
            throw new CommandLineException($"{option}: {e.Message[..e.Message.IndexOf(" (Parameter", StringComparison.Ordinal)]}", e);
        }
    }

    /// <summary>Decodes every row into <paramref name="json"/>; returns the stderr summary when every row has a reference.</summary>
    internal static string? Write(CtcDataset dataset, CtcVocabulary vocabulary, CtcBeamSearch search, JsonLinesWriter json)
    {
        bool nbest = search.Options.NBest > 1;
        bool references = dataset.Count > 0 && dataset.Rows.All(r => r.Reference is not null);
        var tally = new CerTally(); // baseline: the greedy text of the same matrix
        int[] labels = new int[dataset.Frames];
        var clock = Stopwatch.StartNew();
        TimeSpan decoding = TimeSpan.Zero;
        for (int i = 0; i < dataset.Count; i++)
        {
            LogProbMatrix matrix = CliOptions.ValidatedLogProbs(dataset, i, vocabulary);
            long start = Stopwatch.GetTimestamp();
            BeamSearchResult result = search.Decode(matrix);
            decoding += Stopwatch.GetElapsedTime(start);
            BeamHypothesis? best = result.Best;
            json.StartObject();
            json.Number("index", i);
            json.String("feat_id", dataset.Rows[i].FeatId);
            json.String("text", best?.Text ?? string.Empty);
            json.NumberOrNull("score", best?.Score ?? double.NegativeInfinity);
            if (nbest)
            {
                json.StartArray("nbest");
                foreach (BeamHypothesis h in result.Hypotheses)
                {
                    json.StartElement();
                    json.String("text", h.Text);
                    json.NumberOrNull("score", h.Score);
                    json.NumberOrNull("ctc", h.CtcLogProb);
                    json.NumberOrNull("lm", h.LmLogProb);
                    json.EndElement();
                }

                json.EndArray();
            }

            json.EndObject();
            if (references)
            {
                int n = GreedyDecoder.Decode(matrix, vocabulary.BlankIndex, labels, [], out _);
                tally.Add(dataset.Rows[i].Reference!, vocabulary.Decode(labels.AsSpan(0, n)), best?.Text ?? string.Empty);
            }
        }

        if (!references)
        {
            return null;
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"decode: {dataset.Count} rows, CER {tally.Cer:F4} (greedy {tally.BaselineCer:F4}), {tally.Better} better / {tally.Worse} worse than greedy; search {decoding.TotalMilliseconds / dataset.Count:F3} ms per row ({clock.Elapsed.TotalSeconds:F2} s in all)");
    }
}
