using System.CommandLine;
using System.Globalization;
using Nko.Lm;
using Nko.Cli.Output;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko lm score --lm FILE --text FILE [--json]</c>: the full-sentence log10 probability of every line of a text file, as
/// KenLM's <c>Model.score(tokens, bos=True, eos=True)</c>, and KenLM query's perplexity summary on stderr.
/// </summary>
/// <remarks>
/// <para>One output line per input line, in order (an empty line is the empty sentence, <c>&lt;s&gt; &lt;/s&gt;</c>):
/// <c>log10&lt;TAB&gt;text</c>, or with <c>--json</c> <c>{"text", "log10"}</c>. The value is KenLM's float32 total, written
/// as the double it widens to (what KenLM's Python module returns), in shortest round-trip form.</para>
/// <para>The text is tokenized by Nko.Lm's <see cref="CharTokens"/> convention; characters the model lacks are <c>&lt;unk&gt;</c>.
/// The summary counts every <c>&lt;/s&gt;</c> as a token, as KenLM's query does.</para>
/// </remarks>
internal static class LmScoreCommand
{
    public static Command Create()
    {
        Option<string> lm = LmCliOptions.Lm();
        Option<string> text = LmCliOptions.Text("Text to score (UTF-8): one sentence per line.");
        var json = new Option<bool>("--json") { Description = "Write one JSON line {\"text\", \"log10\"} per sentence instead of 'log10<TAB>text'." };
        var command = new Command("score", "Score every line of a text with a character n-gram model: log10 P(<s> line </s>) per line (as KenLM), perplexity on stderr.")
        {
            lm, text, json,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            CharLanguageModel model = LmCliOptions.LoadModel(parseResult.GetRequiredValue(lm));
            string[] lines = LmCliOptions.ReadLines(parseResult.GetRequiredValue(text));
            using TextWriter stdout = CommandRunner.OpenStdout(parseResult);
            if (parseResult.GetValue(json))
            {
                using var writer = new JsonLinesWriter();
                foreach (string line in lines)
                {
                    writer.StartObject();
                    writer.String("text", line);
                    writer.Number("log10", (double)model.ScoreSentence(line));
                    writer.EndObject();
                }

                writer.WriteTo(stdout);
            }
            else
            {
                foreach (string line in lines)
                {
                    stdout.Write(((double)model.ScoreSentence(line)).ToString("R", CultureInfo.InvariantCulture));
                    stdout.Write('\t');
                    stdout.Write(line);
                    stdout.Write('\n');
                }
            }

            stdout.Flush();
            WriteSummary(parseResult.InvocationConfiguration.Error, model.EvaluatePerplexity(lines));
            return 0;
        }));
        return command;
    }

    /// <summary>KenLM query's summary lines (its labels, so the two can be compared), plus the sentence count and total.</summary>
    internal static void WriteSummary(TextWriter error, PerplexityResult result)
    {
        var c = CultureInfo.InvariantCulture;
        error.WriteLine(string.Create(c, $"Perplexity including OOVs:\t{result.Perplexity:R}"));
        error.WriteLine(string.Create(c, $"Perplexity excluding OOVs:\t{result.PerplexityExcludingOov:R}"));
        error.WriteLine(string.Create(c, $"OOVs:\t{result.OovTokens}"));
        error.WriteLine(string.Create(c, $"Tokens:\t{result.Tokens}"));
        error.WriteLine(string.Create(c, $"Sentences:\t{result.Sentences}"));
        error.WriteLine(string.Create(c, $"Log10 total:\t{result.Log10Probability:R}"));
        error.Flush();
    }
}
