using System.Text;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Evaluation;

namespace Nko.Cli.Output;

/// <summary>
/// The per-utterance file of <c>nko eval --per-utterance FILE.jsonl</c>: one JSON line per mode and row (modes in the
/// config's order, rows in row order within each mode).
/// </summary>
/// <remarks>
/// <para>Each line: <c>{"index", "feat_id", "mode", "ref", "asr_hyp", "text", "decision", "edits": [{"op", "position",
/// "from", "to", "probability", "ctc_gain", "round", "source"}], "ref_chars", "errors_before", "errors_after", "outcome"}</c>.
/// <c>edits</c> are in the order applied, each positioned in the text as it was before it; <c>from</c> is the character
/// replaced or deleted (<c>null</c> for an insertion), <c>to</c> the character written (<c>null</c> for a deletion);
/// <c>source</c> is <c>candidate</c> (a single edit chosen in a round) or <c>revision</c> (part of a beam-revision
/// segment). <c>errors_before</c> and <c>errors_after</c> are the character edit distances of <c>asr_hyp</c> and of
/// <c>text</c> to <c>ref</c>.</para>
/// <para><c>outcome</c> is <c>unchanged</c> when the mode left the text as it was (COPY, or edits that cancel out), else
/// <c>better</c>, <c>same</c> or <c>worse</c> by <c>errors_after</c> against <c>errors_before</c> — the same split as
/// <c>nko eval</c>'s table, whose better/same/worse count only changed rows. For every mode, Σ <c>errors_after</c> /
/// Σ <c>ref_chars</c> is the mode's CER in the table exactly.</para>
/// <para>The bytes depend only on the dataset and the config (numbers in shortest round-trip form).</para>
/// </remarks>
internal static class PerUtteranceWriter
{
    /// <summary>Writes every mode's lines of <paramref name="report"/> to <paramref name="writer"/>.</summary>
    public static void Write(EvalReport report, JsonLinesWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        CtcDataset dataset = report.Dataset;
        CtcVocabulary vocabulary = report.Config.Vocabulary;
        int[] before = new int[dataset.Count];
        for (int i = 0; i < dataset.Count; i++)
        {
            before[i] = EditDistance.Levenshtein(dataset.Rows[i].Reference!, dataset.Rows[i].Hypothesis);
        }

        foreach (ModeResult mode in report.Modes)
        {
            for (int i = 0; i < dataset.Count; i++)
            {
                CtcDatasetRow row = dataset.Rows[i];
                CorrectionResult r = mode.Results[i];
                string reference = row.Reference!;
                bool changed = !string.Equals(r.Text, row.Hypothesis, StringComparison.Ordinal);
                int after = changed ? EditDistance.Levenshtein(reference, r.Text) : before[i];
                writer.StartObject();
                writer.Number("index", i);
                writer.String("feat_id", row.FeatId);
                writer.String("mode", mode.Mode.Name);
                writer.String("ref", reference);
                writer.String("asr_hyp", row.Hypothesis);
                writer.String("text", r.Text);
                writer.String("decision", CliJson.Decision(r.Decision));
                WriteEdits(writer, r, vocabulary);
                writer.Number("ref_chars", reference.Length);
                writer.Number("errors_before", before[i]);
                writer.Number("errors_after", after);
                writer.String("outcome", Outcome(changed, before[i], after));
                writer.EndObject();
            }
        }
    }

    /// <summary><c>unchanged</c>, <c>better</c>, <c>same</c> or <c>worse</c>.</summary>
    public static string Outcome(bool changed, int errorsBefore, int errorsAfter) =>
        !changed ? "unchanged" : errorsAfter < errorsBefore ? "better" : errorsAfter > errorsBefore ? "worse" : "same";

    private static void WriteEdits(JsonLinesWriter writer, CorrectionResult r, CtcVocabulary vocabulary)
    {
        // Replays the edits on the hypothesis to name the character each one replaces or deletes.
        var text = new StringBuilder(r.Hypothesis);
        writer.StartArray("edits");
        foreach (AppliedEdit e in r.Edits)
        {
            LabelEdit edit = e.Edit;
            bool inside = edit.Position >= 0 && edit.Position < text.Length;
            string? from = edit.Kind != EditKind.Insert && inside ? text[edit.Position].ToString() : null;
            string? to = edit.Kind != EditKind.Delete ? vocabulary.GetSymbol(edit.Label).ToString() : null;
            writer.StartElement();
            writer.String("op", CliJson.Operation(edit.Kind));
            writer.Number("position", edit.Position);
            StringOrNull(writer, "from", from);
            StringOrNull(writer, "to", to);
            writer.NumberOrNull("probability", e.Probability);
            writer.NumberOrNull("ctc_gain", e.CtcGain);
            writer.Number("round", e.Round);
            writer.String("source", e.Source == EditSource.BeamRevision ? "revision" : "candidate");
            writer.EndElement();
            Apply(text, edit, to);
        }

        writer.EndArray();
    }

    private static void StringOrNull(JsonLinesWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.Null(name);
        }
        else
        {
            writer.String(name, value);
        }
    }

    private static void Apply(StringBuilder text, LabelEdit edit, string? to)
    {
        switch (edit.Kind)
        {
            case EditKind.Substitute when edit.Position >= 0 && edit.Position < text.Length:
                text.Remove(edit.Position, 1).Insert(edit.Position, to);
                break;
            case EditKind.Delete when edit.Position >= 0 && edit.Position < text.Length:
                text.Remove(edit.Position, 1);
                break;
            case EditKind.Insert when edit.Position >= 0 && edit.Position <= text.Length:
                text.Insert(edit.Position, to);
                break;
        }
    }
}
