using System.Buffers;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Nko.Asr;
using Nko.Ctc;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Ranker.Evaluation;
using Nko.Speech;
using Nko.Cli.Output;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko transcribe [--model FILE.onnx | --encoder FILE.onnx --head FILE.onnx] [--config FILE] [--mode M] [--no-correct]
/// [--json] [--out FILE] [FILE.wav…]</c>: speech in, N'Ko text out.
/// </summary>
/// <remarks>
/// <para>Each WAV file is read (any rate and channel count Nko.Audio reads, resampled to 16 kHz mono), cut into the model's
/// windows, turned into Whisper log-mel, run through the model, greedy-decoded and corrected (see
/// <see cref="SpeechCorrectionPipeline"/>). Text output: one line per file, <c>FILE&lt;TAB&gt;text</c>. With
/// <c>--json</c>, one object per line: <c>{"file", "seconds", "hypothesis", "text", "decision", "edits", "windows", "ms",
/// "ms_front_end", "ms_model", "ms_correction"}</c> — <c>hypothesis</c> the greedy text, <c>text</c> the corrected one
/// (equal under <c>--no-correct</c>, where <c>decision</c> is <c>null</c>), <c>edits</c> the applied edits as in
/// <c>nko correct</c> plus the <c>window</c> they belong to (positions are in that window's hypothesis).</para>
/// <para>Without files, the bundled sample utterances (<c>samples/speech</c>) are transcribed and each is printed with its
/// reference, followed by the character error rates before and after correction: the README's main job.</para>
/// <para>A file that fails (unreadable, not WAV, …) is reported on stderr as <c>nko: error: FILE: message</c>; the others
/// continue, and the exit code is 1. A progress bar is shown on an interactive stderr.</para>
/// </remarks>
internal static class TranscribeCommand
{
    public static Command Create()
    {
        SpeechModelCliOptions model = SpeechModelCliOptions.Create();
        var config = new Option<string?>("--config")
        {
            Description = $"Ranker config (a schema-2/3 config loads its language model from beside it). Default: the bundled {BundledSpeech.ConfigPath}, trained on the bundled recogniser's output.",
        };
        var mode = new Option<string?>("--mode") { Description = "Operating mode (e.g. conservative); default: the config's default mode." };
        var noCorrect = new Option<bool>("--no-correct") { Description = "Print the recogniser's greedy text without correcting it." };
        var json = new Option<bool>("--json") { Description = "One JSON object per file instead of text." };
        var output = new Option<string?>("--out") { Description = "Write the output to this file (all-or-nothing, at the end) instead of stdout." };
        var files = new Argument<string[]>("files")
        {
            Description = $"WAV files to transcribe. None: the bundled samples ({BundledSpeech.SamplesPath}), printed beside their references.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("transcribe", "Speech in, N'Ko text out: WAV files → Whisper log-mel → acoustic model → greedy → correction.")
        {
            config, mode, noCorrect, json, output, files,
        };
        model.AddTo(command);
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            var arguments = new TranscribeArguments(
                model.Parse(parseResult),
                parseResult.GetValue(config),
                parseResult.GetValue(mode),
                parseResult.GetValue(noCorrect),
                parseResult.GetValue(json),
                parseResult.GetValue(output),
                parseResult.GetValue(files) ?? []);
            using TextWriter stdout = CommandRunner.OpenStdout(parseResult);
            return Execute(arguments, stdout, parseResult.InvocationConfiguration.Error);
        }));
        return command;
    }

    /// <summary>Runs the command; per-file errors go to <paramref name="stderr"/>, others are exceptions for <see cref="CommandRunner"/>.</summary>
    internal static int Execute(TranscribeArguments arguments, TextWriter stdout, TextWriter stderr)
    {
        arguments.Model.Validate();
        CommandRunner.CheckOutput(arguments.Out, "--out");
        (RankerConfig config, string configSource) = BundledSpeech.LoadConfig(arguments.Config);
        string modeName = CliOptions.Mode(config, arguments.Mode).Name;
        List<Input> inputs = arguments.Files.Length > 0
            ? [.. arguments.Files.Select(static f => new Input(f, f, null))]
            : BundledSamples();
        bool samples = arguments.Files.Length == 0;

        (IAcousticModel model, string modelSource) = arguments.Model.Load();
        using (model)
        {
            // Checked here, before any file is read: the pipeline would refuse both, but as a misuse of its API.
            if (model.InputContract.Kind != AcousticInputKind.LogMel)
            {
                throw new CommandLineException($"The model {modelSource} takes encoder features, not a log-mel spectrogram; give a recogniser from log-mel (--model) or an encoder and a head (--encoder, --head).");
            }

            if (!model.Vocabulary.Equals(config.Vocabulary))
            {
                throw new CommandLineException($"The model's vocabulary ({model.Vocabulary}) differs from the config's ({config.Vocabulary}); give a config trained for this model (--config).");
            }

            var speech = new SpeechCorrectionPipeline(model, new CorrectionPipeline(config));
            var options = new TranscriptionOptions { Mode = modeName, Correct = !arguments.NoCorrect };
            StringWriter? buffered = CommandRunner.IsStdout(arguments.Out) ? null : new StringWriter { NewLine = "\n" };
            TextWriter writer = buffered ?? stdout;
            if (samples && !arguments.Json)
            {
                writer.WriteLine($"nko transcribe: {inputs.Count} bundled utterances ({BundledSpeech.SamplesPath}: synthesised speech of real N'Ko sentences, see its README)");
                writer.WriteLine($"model {modelSource}; config '{config.Name}' from {configSource}; " + (arguments.NoCorrect ? "no correction" : $"mode '{modeName}'"));
                writer.Flush();
            }

            int failed = 0;
            long refChars = 0, hypErrors = 0, textErrors = 0;
            using FileProgressBar? progress = FileProgressBar.Create(stderr, inputs.Count);
            for (int i = 0; i < inputs.Count; i++)
            {
                Input input = inputs[i];
                progress?.Report(i, input.Name);
                long started = Stopwatch.GetTimestamp();
                SpeechTranscription t;
                try
                {
                    t = speech.Transcribe(input.Path, options);
                }
                catch (Exception e) when (CommandRunner.IsUserError(e))
                {
                    progress?.Clear();
                    stderr.WriteLine($"nko: error: {input.Name}: {CommandRunner.OneLine(e.Message)}");
                    stderr.Flush();
                    failed++;
                    continue;
                }

                double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (arguments.Json)
                {
                    writer.WriteLine(JsonLine(input, t, config.Vocabulary, ms));
                }
                else if (samples)
                {
                    WriteSample(writer, input, t, ms);
                }
                else
                {
                    writer.WriteLine($"{input.Name}\t{t.Text}");
                }

                if (input.Reference is { } reference)
                {
                    refChars += reference.Length;
                    hypErrors += EditDistance.Levenshtein(reference, t.Hypothesis);
                    textErrors += EditDistance.Levenshtein(reference, t.Text);
                }

                if (buffered is null)
                {
                    progress?.Clear();
                    writer.Flush();
                }
            }

            progress?.Report(inputs.Count, string.Empty);
            if (samples && !arguments.Json && refChars > 0)
            {
                writer.WriteLine();
                string corrected = arguments.NoCorrect
                    ? string.Empty
                    : string.Create(CultureInfo.InvariantCulture, $", corrected {(double)textErrors / refChars:F4} ({textErrors} edits)");
                writer.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"character error rate over {refChars} reference characters: recognised {(double)hypErrors / refChars:F4} ({hypErrors} edits){corrected}"));
            }

            if (buffered is not null)
            {
                OutputFile.WriteText(arguments.Out!, w => w.Write(buffered.ToString()));
            }
            else
            {
                writer.Flush();
            }

            if (failed > 0)
            {
                stderr.WriteLine($"nko: {failed} of {inputs.Count} files failed.");
                stderr.Flush();
                return 1;
            }

            return 0;
        }
    }

    private static void WriteSample(TextWriter writer, Input input, SpeechTranscription t, double ms)
    {
        writer.WriteLine();
        string decision = t.Decision is { } d ? $", {CliJson.Decision(d)}" + (t.EditCount > 0 ? $" ({t.EditCount} edit{(t.EditCount == 1 ? string.Empty : "s")})" : string.Empty) : string.Empty;
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{input.Name} ({t.Duration.TotalSeconds:F2} s, {ms:F0} ms{decision})"));
        writer.WriteLine($"  recognised  {t.Hypothesis}");
        if (t.Decision is not null)
        {
            writer.WriteLine($"  corrected   {t.Text}");
        }

        writer.WriteLine($"  reference   {input.Reference}");
    }

    /// <summary>One JSON line for a transcribed file.</summary>
    internal static string JsonLine(Input input, SpeechTranscription t, CtcVocabulary vocabulary, double ms)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = CliJson.CreateWriter(buffer))
        {
            json.WriteStartObject();
            CliJson.WriteString(json, "file", input.Name);
            json.WriteNumber("seconds", Math.Round(t.Duration.TotalSeconds, 4));
            CliJson.WriteString(json, "hypothesis", t.Hypothesis);
            CliJson.WriteString(json, "text", t.Text);
            if (t.Decision is { } decision)
            {
                CliJson.WriteString(json, "decision", CliJson.Decision(decision));
            }
            else
            {
                json.WriteNull("decision");
            }

            json.WriteStartArray("edits");
            foreach (SpeechWindowResult w in t.Windows)
            {
                foreach (AppliedEdit e in w.Correction?.Edits ?? [])
                {
                    json.WriteStartObject();
                    json.WriteNumber("window", w.Index);
                    CliJson.WriteEditProperties(json, e, vocabulary, round: null);
                    json.WriteEndObject();
                }
            }

            json.WriteEndArray();
            if (input.Reference is { } reference)
            {
                CliJson.WriteString(json, "ref", reference);
            }

            json.WriteNumber("windows", t.Windows.Length);
            json.WriteNumber("ms", Math.Round(ms, 3));
            json.WriteNumber("ms_front_end", Math.Round(t.Timings.FrontEnd.TotalMilliseconds, 3));
            json.WriteNumber("ms_model", Math.Round(t.Timings.Model.TotalMilliseconds, 3));
            json.WriteNumber("ms_correction", Math.Round(t.Timings.Correction.TotalMilliseconds, 3));
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The bundled samples: <c>samples/speech/manifest.jsonl</c> lines <c>{"file", "ref"}</c>, paths relative to it.</summary>
    private static List<Input> BundledSamples()
    {
        string folder = BundledSpeech.Find(BundledSpeech.SamplesPath, "WAV files");
        return [.. SpeechManifest.Read(Path.Combine(folder, "manifest.jsonl")).Select(e => new Input(
            Path.Combine(BundledSpeech.SamplesPath, e.Audio).Replace('\\', '/'), e.FullPath, e.Reference))];
    }

    /// <summary>One file to transcribe: its name for the output, its path and its reference when known.</summary>
    internal sealed record Input(string Name, string Path, string? Reference);
}

/// <summary>The parsed arguments of <c>nko transcribe</c>.</summary>
internal sealed record TranscribeArguments(
    SpeechModelArguments Model, string? Config, string? Mode, bool NoCorrect, bool Json, string? Out, string[] Files);
