using System.Buffers;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Nko.Asr.Onnx;
using Nko.Ctc;
using Nko.Asr;
using Nko.Data;
using Nko.Cli.Output;
using Nko.IO;
using Nko.Speech;

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
        Option<int> threads = CliOptions.Threads();
        Option<string> blank = CliOptions.Blank();
        Option<bool> blankLast = CliOptions.BlankLastAlias();
        var logits = new Option<bool>("--logits") { Description = "The model emits logits: apply log-softmax to its output." };
        var command = new Command("asr", "Run an ONNX acoustic model on encoder features: write the CTC log-probs and print the greedy transcript.")
        {
            model, features, output, json, threads, blank, blankLast, logits,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            var arguments = new AsrArguments(
                parseResult.GetRequiredValue(model),
                parseResult.GetRequiredValue(features),
                parseResult.GetValue(output),
                parseResult.GetValue(json),
                parseResult.GetValue(threads),
                CliOptions.Vocabulary(parseResult, blank, blankLast),
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

        CliOptions.CheckThreads(arguments.Threads);

        if (!string.IsNullOrEmpty(arguments.Out))
        {
            OutputFile.Check(arguments.Out, "--out");
        }

        AcousticFeatures features = ReadFeatures(arguments.Features);
        var options = new AcousticModelOptions
        {
            Vocabulary = arguments.Vocabulary,
            OutputKind = arguments.Logits ? AcousticOutputKind.Logits : AcousticOutputKind.LogProbs,
        };
        using var model = new OnnxAcousticModel(arguments.Model, options, new OnnxSessionOptions { IntraOpThreads = arguments.Threads });
        CheckFeatures(arguments.Features, features, model);

        var recognizer = new SpeechRecognizer(model);
        long started = Stopwatch.GetTimestamp();
        LogProbMatrix logProbs = recognizer.Run(features);
        double milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        string text = recognizer.Decode(logProbs);
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

    // What the model would refuse as a misuse of its API, refused here as the user's input.
    private static void CheckFeatures(string path, AcousticFeatures features, OnnxAcousticModel model)
    {
        if (model.InputContract.Kind != AcousticInputKind.Features)
        {
            throw new CommandLineException($"The model '{model}' takes a log-mel spectrogram, not encoder features; nko asr runs a CTC head on features (nko transcribe runs a recogniser on audio).");
        }

        if (features.Dimension != model.FeatureDimension)
        {
            throw new CommandLineException(string.Create(
                CultureInfo.InvariantCulture,
                $"Features '{path}' are {features.Dimension} wide; the model takes features {model.FeatureDimension} wide."));
        }

        int bad = features.IsHalf ? IndexOfNonFinite(features.Half.Span) : IndexOfNonFinite(features.Single.Span);
        if (bad >= 0)
        {
            string value = features.IsHalf ? features.Half.Span[bad].ToString(CultureInfo.InvariantCulture) : features.Single.Span[bad].ToString(CultureInfo.InvariantCulture);
            throw new CommandLineException(string.Create(
                CultureInfo.InvariantCulture,
                $"Features '{path}' hold {value} at frame {bad / features.Dimension}, index {bad % features.Dimension}; every value must be finite."));
        }
    }

    private static int IndexOfNonFinite<T>(ReadOnlySpan<T> values)
        where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static AcousticFeatures ReadFeatures(string path)
    {
        NpyArray npy = NpyFile.Read(path);
        var shape = npy.Shape;
        bool ok = shape.Length == 2 || (shape.Length == 3 && shape[0] == 1);
        if (!ok || shape[^2] < 1 || shape[^1] < 1)
        {
            throw new CommandLineException(string.Create(
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
        var buffer = new ArrayBufferWriter<byte>();
        using (Utf8JsonWriter writer = CliJson.CreateWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("frames", frames);
            writer.WriteNumber("classes", classes);
            CliJson.WriteString(writer, "text", text);
            writer.WriteNumber("ms", Math.Round(milliseconds, 3));
            writer.WriteEndObject();
        }

        CliJson.WriteUtf8(buffer.WrittenSpan, stdout);
        stdout.WriteLine();
    }
}

/// <summary>The parsed arguments of <c>nko asr</c>.</summary>
internal sealed record AsrArguments(string Model, string Features, string? Out, bool Json, int Threads, CtcVocabulary Vocabulary, bool Logits);
