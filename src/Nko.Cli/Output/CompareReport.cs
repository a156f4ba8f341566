using System.Globalization;
using System.Text;
using System.Text.Json;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Evaluation;

namespace Nko.Cli.Output;

/// <summary>One of the two systems <c>nko compare</c> compares: a config in one mode, and its text for every row.</summary>
/// <param name="Name">The config's name.</param>
/// <param name="Config">Where the config came from.</param>
/// <param name="Mode">The operating mode.</param>
/// <param name="Texts">The output text of every row, in row order.</param>
internal sealed record ComparedSystem(string Name, string Config, string Mode, string[] Texts)
{
    /// <summary>"name (mode)", for tables and the plot.</summary>
    public string Label => $"{Name} ({Mode})";
}

/// <summary>
/// The numbers of <c>nko compare</c>: the aggregate CER of two systems on the same rows, the paired difference B − A in
/// percentage points with its bootstrap interval (<see cref="PairedBootstrap"/>), the sign test (<see cref="SignTest"/>),
/// better/same/worse of B against A per utterance, and the rows that differ most both ways.
/// </summary>
internal sealed class CompareReport
{
    private CompareReport(CtcDataset dataset, ComparedSystem a, ComparedSystem b, int[] refChars, int[] baseline, int[] errorsA, int[] errorsB, BootstrapInterval ci, int top)
    {
        Dataset = dataset;
        A = a;
        B = b;
        RefChars = refChars;
        ErrorsA = errorsA;
        ErrorsB = errorsB;
        Interval = ci;
        TotalRefChars = refChars.Sum(x => (long)x);
        BaselineCer = (double)baseline.Sum(x => (long)x) / TotalRefChars;
        CerA = (double)errorsA.Sum(x => (long)x) / TotalRefChars;
        CerB = (double)errorsB.Sum(x => (long)x) / TotalRefChars;
        for (int i = 0; i < refChars.Length; i++)
        {
            if (errorsB[i] < errorsA[i])
            {
                Better++;
            }
            else if (errorsB[i] > errorsA[i])
            {
                Worse++;
            }
            else
            {
                Same++;
            }

            if (!string.Equals(a.Texts[i], b.Texts[i], StringComparison.Ordinal))
            {
                TextDiffers++;
            }
        }

        SignTestP = SignTest.TwoSidedP(Better, Worse);
        int[] order = [.. Enumerable.Range(0, refChars.Length)];
        MostImproved = [.. order.Where(i => errorsB[i] < errorsA[i]).OrderBy(i => errorsB[i] - errorsA[i]).ThenBy(i => i).Take(top)];
        MostWorsened = [.. order.Where(i => errorsB[i] > errorsA[i]).OrderByDescending(i => errorsB[i] - errorsA[i]).ThenBy(i => i).Take(top)];
    }

    public CtcDataset Dataset { get; }

    public ComparedSystem A { get; }

    public ComparedSystem B { get; }

    public int Rows => RefChars.Length;

    public int[] RefChars { get; }

    public int[] ErrorsA { get; }

    public int[] ErrorsB { get; }

    public long TotalRefChars { get; }

    public double BaselineCer { get; }

    public double CerA { get; }

    public double CerB { get; }

    /// <summary>B − A in percentage points with its 95% interval.</summary>
    public BootstrapInterval Interval { get; }

    public double SignTestP { get; }

    /// <summary>Utterances where B has fewer character errors than A.</summary>
    public int Better { get; }

    /// <summary>Utterances where B and A have the same number of character errors (including identical texts).</summary>
    public int Same { get; }

    /// <summary>Utterances where B has more character errors than A.</summary>
    public int Worse { get; }

    /// <summary>Utterances whose two texts differ.</summary>
    public int TextDiffers { get; }

    /// <summary>The rows B improves most (largest error decrease first, then row order).</summary>
    public int[] MostImproved { get; }

    /// <summary>The rows B worsens most (largest error increase first, then row order).</summary>
    public int[] MostWorsened { get; }

    /// <summary>Scores both systems' texts against the references and runs the statistics.</summary>
    public static CompareReport Create(CtcDataset dataset, ComparedSystem a, ComparedSystem b, int resamples, ulong seed, int top)
    {
        int n = dataset.Count;
        int[] refChars = new int[n], baseline = new int[n], errorsA = new int[n], errorsB = new int[n];
        for (int i = 0; i < n; i++)
        {
            CtcDatasetRow row = dataset.Rows[i];
            string reference = row.Reference!;
            refChars[i] = reference.Length;
            baseline[i] = EditDistance.Levenshtein(reference, row.Hypothesis);
            errorsA[i] = Errors(reference, row.Hypothesis, baseline[i], a.Texts[i]);
            errorsB[i] = string.Equals(a.Texts[i], b.Texts[i], StringComparison.Ordinal) ? errorsA[i] : Errors(reference, row.Hypothesis, baseline[i], b.Texts[i]);
        }

        BootstrapInterval ci = PairedBootstrap.CerDifference(refChars, errorsA, errorsB, resamples, seed);
        return new CompareReport(dataset, a, b, refChars, baseline, errorsA, errorsB, ci, top);
    }

    /// <summary>Writes the report as exactly one JSON object (and a newline).</summary>
    public void WriteJson(TextWriter writer)
    {
        CliJson.WriteDocument(writer, json =>
        {
            json.WriteStartObject();
            json.WriteNumber("rows", Rows);
            json.WriteNumber("ref_chars", TotalRefChars);
            json.WriteNumber("baseline_cer", BaselineCer);
            WriteSystem(json, "a", A, CerA, ErrorsA);
            WriteSystem(json, "b", B, CerB, ErrorsB);
            json.WriteNumber("delta_pp", Interval.Estimate);
            json.WriteStartArray("ci95");
            json.WriteNumberValue(Interval.Low);
            json.WriteNumberValue(Interval.High);
            json.WriteEndArray();
            json.WriteStartObject("bootstrap");
            json.WriteNumber("resamples", Interval.Resamples);
            json.WriteNumber("seed", Interval.Seed);
            json.WriteEndObject();
            json.WriteNumber("sign_test_p", SignTestP);
            json.WriteNumber("better", Better);
            json.WriteNumber("same", Same);
            json.WriteNumber("worse", Worse);
            json.WriteNumber("text_differs", TextDiffers);
            WriteRows(json, "most_improved", MostImproved);
            WriteRows(json, "most_worsened", MostWorsened);
            json.WriteEndObject();
        });
    }

    /// <summary>Writes the report as text: the header, the two systems, the difference and the extreme rows.</summary>
    public void WriteTable(TextWriter writer, string directory)
    {
        writer.WriteLine(Invariant($"{Rows} rows of {directory} ({TotalRefChars} reference characters, baseline CER {BaselineCer:F4})."));
        writer.WriteLine(Invariant($"A: config '{A.Name}', mode {A.Mode} ({A.Config})"));
        writer.WriteLine(Invariant($"B: config '{B.Name}', mode {B.Mode} ({B.Config})"));
        writer.WriteLine();
        string[] header = ["system", "config", "mode", "CER", "errors"];
        string[][] rows =
        [
            ["A", A.Name, A.Mode, Invariant($"{CerA:F4}"), Invariant($"{ErrorsA.Sum(x => (long)x)}")],
            ["B", B.Name, B.Mode, Invariant($"{CerB:F4}"), Invariant($"{ErrorsB.Sum(x => (long)x)}")],
        ];
        int[] widths = [.. header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length)))];
        writer.WriteLine(string.Join("  ", header.Select((h, c) => c < 3 ? h.PadRight(widths[c]) : h.PadLeft(widths[c]))).TrimEnd());
        foreach (string[] row in rows)
        {
            writer.WriteLine(string.Join("  ", row.Select((h, c) => c < 3 ? h.PadRight(widths[c]) : h.PadLeft(widths[c]))).TrimEnd());
        }

        writer.WriteLine();
        writer.WriteLine(Invariant($"B - A: {Interval.Estimate:+0.000;-0.000;0.000} pp, 95% CI [{Interval.Low:+0.000;-0.000;0.000}, {Interval.High:+0.000;-0.000;0.000}] (paired bootstrap over utterances, {Interval.Resamples} resamples, seed {Interval.Seed})"));
        writer.WriteLine(Invariant($"B against A per utterance: {Better} better, {Same} same, {Worse} worse; sign test p = {SignTestP:G4} (two-sided, exact, over the {Better + Worse} that differ in errors)"));
        WriteExtremes(writer, "Most improved by B", MostImproved);
        WriteExtremes(writer, "Most worsened by B", MostWorsened);
    }

    /// <summary>The markdown summary of <c>--report</c>.</summary>
    public string Markdown(string directory, string plotName)
    {
        var sb = new StringBuilder();
        var w = new StringWriter(sb, CultureInfo.InvariantCulture) { NewLine = "\n" };
        w.WriteLine($"# Comparison: {A.Label} vs {B.Label}");
        w.WriteLine();
        w.WriteLine(Invariant($"{Rows} utterances of `{directory}`, {TotalRefChars} reference characters; baseline (the rows' `asr_hyp`) CER {BaselineCer:F4}."));
        w.WriteLine();
        w.WriteLine("| system | config | file | mode | CER | errors |");
        w.WriteLine("|---|---|---|---|---:|---:|");
        w.WriteLine(Invariant($"| A | {A.Name} | `{A.Config}` | {A.Mode} | {CerA:F4} | {ErrorsA.Sum(x => (long)x)} |"));
        w.WriteLine(Invariant($"| B | {B.Name} | `{B.Config}` | {B.Mode} | {CerB:F4} | {ErrorsB.Sum(x => (long)x)} |"));
        w.WriteLine();
        w.WriteLine(Invariant($"- **B − A: {Interval.Estimate:+0.000;-0.000;0.000} pp**, 95% CI [{Interval.Low:+0.000;-0.000;0.000}, {Interval.High:+0.000;-0.000;0.000}]: percentile interval of a paired bootstrap over utterances ({Interval.Resamples} resamples, seed {Interval.Seed}; each resample draws the utterances with replacement and recomputes Σ errors / Σ reference characters for both)."));
        w.WriteLine(Invariant($"- Per utterance, B against A: **{Better} better, {Same} same, {Worse} worse** (by character errors; {TextDiffers} texts differ)."));
        w.WriteLine(Invariant($"- Sign test over the {Better + Worse} utterances that differ in errors: p = {SignTestP:G4} (exact binomial, two-sided)."));
        w.WriteLine();
        w.WriteLine($"![per-utterance error change]({plotName})");
        MarkdownRows(w, "Most improved by B", MostImproved);
        MarkdownRows(w, "Most worsened by B", MostWorsened);
        w.Flush();
        return sb.ToString();
    }

    private void MarkdownRows(StringWriter w, string title, int[] rows)
    {
        w.WriteLine();
        w.WriteLine($"## {title}");
        w.WriteLine();
        if (rows.Length == 0)
        {
            w.WriteLine("None.");
            return;
        }

        w.WriteLine("| row | feat_id | ref chars | errors A → B | reference | A | B |");
        w.WriteLine("|---:|---|---:|---|---|---|---|");
        foreach (int i in rows)
        {
            w.WriteLine(Invariant($"| {i} | {Cell(Dataset.Rows[i].FeatId)} | {RefChars[i]} | {ErrorsA[i]} → {ErrorsB[i]} | {Cell(Dataset.Rows[i].Reference!)} | {Cell(A.Texts[i])} | {Cell(B.Texts[i])} |"));
        }
    }

    private void WriteExtremes(TextWriter writer, string title, int[] rows)
    {
        writer.WriteLine();
        writer.WriteLine(rows.Length == 0 ? $"{title}: none." : $"{title} (row, feat_id, errors A -> B / reference characters):");
        foreach (int i in rows)
        {
            writer.WriteLine(Invariant($"  {i,5}  {Dataset.Rows[i].FeatId}  {ErrorsA[i]} -> {ErrorsB[i]} / {RefChars[i]}"));
        }
    }

    private void WriteRows(Utf8JsonWriter json, string name, int[] rows)
    {
        json.WriteStartArray(name);
        foreach (int i in rows)
        {
            json.WriteStartObject();
            json.WriteNumber("index", i);
            CliJson.WriteString(json, "feat_id", Dataset.Rows[i].FeatId);
            json.WriteNumber("ref_chars", RefChars[i]);
            json.WriteNumber("errors_a", ErrorsA[i]);
            json.WriteNumber("errors_b", ErrorsB[i]);
            CliJson.WriteString(json, "ref", Dataset.Rows[i].Reference!);
            CliJson.WriteString(json, "text_a", A.Texts[i]);
            CliJson.WriteString(json, "text_b", B.Texts[i]);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteSystem(Utf8JsonWriter json, string name, ComparedSystem system, double cer, int[] errors)
    {
        json.WriteStartObject(name);
        CliJson.WriteString(json, "name", system.Name);
        CliJson.WriteString(json, "config", system.Config);
        CliJson.WriteString(json, "mode", system.Mode);
        json.WriteNumber("cer", cer);
        json.WriteNumber("errors", errors.Sum(x => (long)x));
        json.WriteEndObject();
    }

    private static int Errors(string reference, string hypothesis, int baseline, string text) =>
        string.Equals(hypothesis, text, StringComparison.Ordinal) ? baseline : EditDistance.Levenshtein(reference, text);

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
