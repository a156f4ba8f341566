using System.CommandLine;
using System.Globalization;
using Nko.Lm;
using Nko.Lm.Training;
using Nko.Cli.Output;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko lm train --text FILE --order N --out FILE.arpa [--binary FILE] [--discount-fallback D1,D2,D3|none]</c>: trains an
/// interpolated modified Kneser–Ney character model with Nko.Lm's <see cref="KneserNeyTrainer"/> (lmplz's estimate) and
/// writes it as ARPA, optionally also in the binary form.
/// </summary>
/// <remarks>
/// The text is one sentence per line, turned into tokens by Nko.Lm's <see cref="CharTokens"/> convention (one token per
/// character, <c>|</c> between words). Both outputs are checked before the text is read; each is written all-or-nothing.
/// A summary (sentences, tokens, n-grams and discounts per order, which orders took the fallback) goes to stderr.
/// </remarks>
internal static class LmTrainCommand
{
    public static Command Create()
    {
        Option<string> text = LmCliOptions.Text("Training text (UTF-8): one sentence per line; each character is a token, '|' between words.");
        var order = new Option<int>("--order") { Description = $"The model's order N (1..{CharLanguageModel.MaxOrder}), as lmplz -o.", Required = true };
        var output = new Option<string>("--out") { Description = "Write the model as ARPA text to this file.", Required = true };
        var binary = new Option<string?>("--binary") { Description = "Also write the model in Nko.Lm's binary form (loads in milliseconds) to this file." };
        var fallback = new Option<string>("--discount-fallback")
        {
            Description = "Discounts D1,D2,D3+ for an order whose counts give no estimate (lmplz --discount_fallback; character unigrams always need it), or 'none' to fail instead.",
            DefaultValueFactory = _ => "0.5,1,1.5",
        };
        var command = new Command("train", "Train an interpolated modified Kneser–Ney character n-gram model as KenLM's lmplz --discount_fallback estimates it, and write it as ARPA.")
        {
            text, order, output, binary, fallback,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            int n = parseResult.GetValue(order);
            if (n < 1 || n > CharLanguageModel.MaxOrder)
            {
                throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"--order must be between 1 and {CharLanguageModel.MaxOrder} (got {n})."));
            }

            var options = new KneserNeyOptions(n) { DiscountFallback = ParseFallback(parseResult.GetValue(fallback)!) };
            string arpaPath = parseResult.GetRequiredValue(output);
            string? binaryPath = parseResult.GetValue(binary);
            OutputFile.Check(arpaPath, "--out");
            if (binaryPath is not null)
            {
                OutputFile.Check(binaryPath, "--binary");
                LmCliOptions.CheckDistinct(arpaPath, "--out", binaryPath, "--binary");
            }

            string textPath = parseResult.GetRequiredValue(text);
            string[] lines = LmCliOptions.ReadLines(textPath);
            if (lines.Length == 0)
            {
                throw new CommandLineException($"Text file '{textPath}' has no lines.");
            }

            KneserNeySummary? summary = null;
            try
            {
                OutputFile.WriteText(arpaPath, writer => summary = KneserNeyTrainer.TrainText(lines, writer, options));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // TrainText documents both for the text itself: a reserved token in a line, counts that allow no discount.
                throw new CommandLineException(e.Message, e);
            }
            if (binaryPath is not null)
            {
                // Read back through the strict ARPA reader: the binary form is built from exactly what was written.
                LmCliOptions.SaveBinary(LmCliOptions.LoadModel(arpaPath), binaryPath);
            }

            WriteSummary(parseResult.InvocationConfiguration.Error, summary!, arpaPath, binaryPath);
            return 0;
        }));
        return command;
    }

    /// <summary>Parses <c>--discount-fallback</c>: three comma-separated discounts with 0 ≤ Dj ≤ j, or <c>none</c>.</summary>
    /// <exception cref="ArgumentException">The value is malformed or out of range; the message names the option.</exception>
    internal static KneserNeyDiscount? ParseFallback(string value)
    {
        if (value.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string[] parts = value.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3)
        {
            throw new CommandLineException($"--discount-fallback takes three discounts D1,D2,D3+ (e.g. 0.5,1,1.5) or 'none' (got '{value}').");
        }

        string[] names = ["D1", "D2", "D3+"];
        var d = new float[3];
        for (int j = 0; j < 3; j++)
        {
            // A discount above j would make that count's probability negative; below 0 is not a discount.
            if (!float.TryParse(parts[j], NumberStyles.Float, CultureInfo.InvariantCulture, out d[j]) || !float.IsFinite(d[j]) || d[j] < 0 || d[j] > j + 1)
            {
                throw new CommandLineException(string.Create(CultureInfo.InvariantCulture,
                    $"--discount-fallback: {names[j]} must be a number between 0 and {j + 1} (got '{parts[j]}')."));
            }
        }

        return new KneserNeyDiscount(d[0], d[1], d[2]);
    }

    /// <summary>What lmplz would print, briefly: one line of totals, then per order the n-grams and the discounts used.</summary>
    internal static void WriteSummary(TextWriter error, KneserNeySummary summary, string arpaPath, string? binaryPath)
    {
        var c = CultureInfo.InvariantCulture;
        string outputs = binaryPath is null ? $"'{arpaPath}'" : $"'{arpaPath}' and '{binaryPath}'";
        error.WriteLine(string.Create(c, $"nko lm train: {summary.Sentences} sentences, {summary.Tokens} tokens; order {summary.NgramCounts.Count} model written to {outputs}"));
        error.WriteLine("order\tn-grams\tD1\tD2\tD3+");
        for (int i = 0; i < summary.NgramCounts.Count; i++)
        {
            KneserNeyDiscount d = summary.Discounts[i];
            string note = summary.UsedFallback[i] ? "\t(fallback)" : string.Empty;
            error.WriteLine(string.Create(c, $"{i + 1}\t{summary.NgramCounts[i]}\t{d.D1:G6}\t{d.D2:G6}\t{d.D3Plus:G6}{note}"));
        }

        error.Flush();
    }
}
