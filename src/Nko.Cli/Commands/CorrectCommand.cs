using System.Buffers;
using System.CommandLine;
using System.Text.Json;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Cli.Output;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko correct --data DIR [--config FILE] [--mode M] --out FILE</c>: corrects every row of a dataset and writes one
/// JSON object per row, in row order:
/// <c>{"index", "feat_id", "asr_hyp", "text", "decision", "edits": [{"op", "position", "label", "description", "probability", "ctc_gain", "round", "source"}]}</c>; <c>source</c> is <c>candidate</c> (a single edit) or <c>revision</c> (part of a beam-revision segment).
/// </summary>
/// <remarks>
/// <para><c>index</c> is the row's 0-based position in rows.jsonl; <c>decision</c> is <c>COPY</c> or <c>CORRECTED</c>;
/// <c>edits</c> are in the order applied, each positioned in the text as it was before it (<c>op</c> <c>SUB</c>, <c>DEL</c>
/// or <c>INS</c>; <c>label</c> the new character, <c>null</c> for a deletion). Probabilities and gains are written in
/// shortest round-trip form.</para>
/// <para>The hypothesis is the row's <c>asr_hyp</c> and the self-score its <c>asr_score</c>. Rows are corrected in parallel;
/// the output is byte-identical to a sequential run. Nothing is written when any row fails.</para>
/// </remarks>
internal static class CorrectCommand
{
    public static Command Create()
    {
        Option<string> data = CliOptions.Data();
        Option<string?> config = RankerConfigLocator.ConfigOption();
        var mode = new Option<string?>("--mode") { Description = "Operating mode (e.g. conservative); default: the config's default mode." };
        var output = new Option<string>("--out") { Description = "Where to write the JSON lines ('-' for stdout).", Required = true };
        var command = new Command("correct", "Correct every row of a dataset: one JSON line per row with the text, COPY/CORRECTED and the applied edits.")
        {
            data, config, mode, output,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            string outPath = parseResult.GetRequiredValue(output);
            CommandRunner.CheckOutput(outPath, "--out");
            (RankerConfig cfg, _) = RankerConfigLocator.Load(parseResult.GetValue(config));
            OperatingMode operatingMode = CliOptions.Mode(cfg, parseResult.GetValue(mode)); // looked up once: an unknown mode fails here, listing the modes
            CtcDataset dataset = DatasetCorrection.Load(parseResult.GetRequiredValue(data), cfg, requireReferences: false);
            CorrectionResult[] results = DatasetCorrection.CorrectAll(dataset, new CorrectionPipeline(cfg), operatingMode);
            var buffer = new ArrayBufferWriter<byte>(1 << 16);
            Write(dataset, results, cfg.Vocabulary, buffer);
            CommandRunner.WriteOutput(parseResult, outPath, writer => CliJson.WriteUtf8(buffer.WrittenSpan, writer));
            return 0;
        }));
        return command;
    }

    /// <summary>Writes one JSON line per row.</summary>
    internal static void Write(CtcDataset dataset, IReadOnlyList<CorrectionResult> results, CtcVocabulary vocabulary, IBufferWriter<byte> destination)
    {
        using var json = CliJson.CreateWriter(destination);
        for (int i = 0; i < results.Count; i++)
        {
            CorrectionResult r = results[i];
            json.WriteStartObject();
            json.WriteNumber("index", i);
            CliJson.WriteString(json, "feat_id", dataset.Rows[i].FeatId);
            CliJson.WriteString(json, "asr_hyp", r.Hypothesis);
            CliJson.WriteString(json, "text", r.Text);
            CliJson.WriteString(json, "decision", CliJson.Decision(r.Decision));
            json.WriteStartArray("edits");
            foreach (AppliedEdit e in r.Edits)
            {
                json.WriteStartObject();
                CliJson.WriteEditProperties(json, e, vocabulary, e.Round);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.Flush();
            json.Reset();
            destination.Write("\n"u8);
        }
    }
}
