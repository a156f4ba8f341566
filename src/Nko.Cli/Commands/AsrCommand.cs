using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Nko.Asr.Onnx;
using Nko.Ctc;
using Nko.Asr;
using Nko.Data;
using Nko.IO;

namespace Nko.Cli.Commands;

/// <summary><c>nko asr</c>: runs an ONNX acoustic head on encoder features, writes the log-probs, prints the greedy text.</summary>
internal static class AsrCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "The ONNX acoustic model (.onnx): features [1, T_in, D] in, CTC log-probs [1, T, C] out.",
            Required = true,
        };
        var features = new Option<string>("--features")
        {
            Description = "Encoder features (.npy, float32 or float16, shape [T_in, D] or [1, T_in, D]).",
            Required = true,
        };
        var output = new Option<string?>("--out") { Description = "Write the log-probs to this float32 .npy file, shape [T, C]." };
        var json = new Option<bool>("--json") { Description = "Print {\"frames\", \"classes\", \"text\", \"ms\"} as one JSON object instead of the text." };
        var threads = new Option<int>("--threads")
        {
            Description = "ONNX Runtime intra-op threads (0: ONNX Runtime's default, one per core).",
            DefaultValueFactory = _ => 0,
        };
        var blankLast = new Option<bool>("--blank-last") { Description = "The model's blank is its last class (65) rather than its first (0)." };
        var logits = new Option<bool>("--logits") { Description = "The model emits logits: apply log-softmax to its output." };
        var command = new Command("asr", "Run an ONNX acoustic model on encoder features: write the CTC log-probs and print the greedy transcript.")
        {
            model, features, output, json, threads, blankLast, logits,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            var arguments = new AsrArguments(
                parseResult.GetRequiredValue(model),
                parseResult.GetRequiredValue(features),
                parseResult.GetValue(output),
                parseResult.GetValue(json),
                parseResult.GetValue(threads),
                parseResult.GetValue(blankLast),
                parseResult.GetValue(logits));
            using TextWriter stdout = CommandRunner.OpenStdout(parseResult);
            return Execute(arguments, stdout);
        }));
        return command;
    }

    /// <summary>Runs the command body; errors are exceptions that <see cref="CommandRunner"/> turns into one line.</summary>
    internal static int Execute(AsrArguments arguments, TextWriter stdout)
    {
        if (!File.Exists(arguments.Features))
        {
            throw new FileNotFoundException($"Features file '{arguments.Features}' does not exist.", arguments.Features);
        }

        if (arguments.Threads < 0)
        {
            throw new ArgumentException($"--threads must be 0 or more, not {arguments.Threads}.");
        }

        if (!string.IsNullOrEmpty(arguments.Out))
        {
            OutputFile.Check(arguments.Out, "--out");
        }

        AcousticFeatures features = ReadFeatures(arguments.Features);
        var options = new AcousticModelOptions
        {
            Vocabulary = arguments.BlankLast ? CtcVocabulary.NkoBlankLast : CtcVocabulary.NkoBlankFirst,
            OutputKind = arguments.Logits ? AcousticOutputKind.Logits : AcousticOutputKind.LogProbs,
        };
        using var model = new OnnxAcousticModel(arguments.Model, options, new OnnxSessionOptions { IntraOpThreads = arguments.Threads });

        long started = Stopwatch.GetTimestamp();
        LogProbMatrix logProbs = model.Run(features);
        double milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        GreedyResult greedy = GreedyDecoder.Decode(logProbs, model.Vocabulary.BlankIndex);
        string text = model.Vocabulary.Decode(greedy.Labels.AsSpan());
        if (!string.IsNullOrEmpty(arguments.Out))
        {
            using AtomicFileWriter file = OutputFile.Create(arguments.Out);
            NpyFile.Write(file.Stream, logProbs.Span, [logProbs.Frames, logProbs.Classes]);
            file.Commit();
        }

        if (arguments.Json)
        {
            WriteJson(stdout, logProbs.Frames, logProbs.Classes, text, milliseconds);
        }
        else
        {
            stdout.WriteLine(text);
        }

        return 0;
    }

    private static AcousticFeatures ReadFeatures(string path)
    {
        NpyArray npy = NpyFile.Read(path);
        var shape = npy.Shape;
        bool ok = shape.Length == 2 || (shape.Length == 3 && shape[0] == 1);
        if (!ok || shape[^2] < 1 || shape[^1] < 1)
        {
            throw new FormatException(string.Create(
                CultureInfo.InvariantCulture,
                $"Features '{path}' have shape [{string.Join(", ", shape)}]; [T_in, D] or [1, T_in, D] with T_in, D ≥ 1 expected."));
        }

        int frames = shape[^2];
        int dimension = shape[^1];
        return npy.DataType == NpyDataType.Float16
            ? AcousticFeatures.FromHalf(npy.ToHalfArray(), frames, dimension)
            : AcousticFeatures.FromSingle(npy.ToSingleArray(), frames, dimension);
    }

    private static void WriteJson(TextWriter stdout, int frames, int classes, string text, double milliseconds)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("frames", frames);
            writer.WriteNumber("classes", classes);
            writer.WriteString("text", text);
            writer.WriteNumber("ms", Math.Round(milliseconds, 3));
            writer.WriteEndObject();
        }

        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}

/// <summary>The parsed arguments of <c>nko asr</c>.</summary>
internal sealed record AsrArguments(string Model, string Features, string? Out, bool Json, int Threads, bool BlankLast, bool Logits);
