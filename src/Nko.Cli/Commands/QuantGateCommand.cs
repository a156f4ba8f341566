using System.CommandLine;
using System.Globalization;
using System.Numerics.Tensors;
using Nko.Asr.Onnx;
using Nko.Ctc;
using Nko.Asr;
using Nko.Cli.Output;
using Nko.Data;
using Nko.Speech;
using Nko.TurboQuant;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko quant-gate --model FILE.onnx --features FILE.npy[,FILE.npy…] --bits B [--group G] [--codec affine|turbo]
/// [--seed S] [--threads N] [--blank first|last] [--logits] [--repeat N] [--json]</c>: does quantisation cost recognition?
/// </summary>
/// <remarks>
/// <para>Each features file holds one utterance <c>[T_in, D]</c> (or <c>[1, T_in, D]</c>) or several <c>[N, T_in, D]</c>,
/// float16 or float32. Every utterance is quantised along D with the chosen codec, dequantised to float32, and the CTC
/// head is run on the original and on the round-tripped features. The report has, like the seed's table: bits per value
/// and compression, the feature MSE and max abs error, the log-prob MSE and max abs difference, the frames whose argmax
/// changed, the utterances whose greedy text changed, and the median single-thread quantise and dequantise times per
/// utterance (averaged over utterances).</para>
/// <para>Argmax ties resolve to the lowest class (as the greedy decoder does); texts are compared after greedy decoding
/// with the model's vocabulary.</para>
/// </remarks>
internal static class QuantGateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "The ONNX CTC head (.onnx): features [1, T_in, D] in, log-probs [1, T, C] out.",
            Required = true,
        };
        var features = new Option<string>("--features")
        {
            Description = "Comma-separated .npy files of encoder features, float16 or float32, [T_in, D], [1, T_in, D] or [N, T_in, D].",
            Required = true,
        };
        Option<int> bits = QuantCliOptions.Bits();
        Option<int?> group = QuantCliOptions.Group();
        Option<string> codec = QuantCliOptions.Codec();
        Option<ulong> seed = QuantCliOptions.Seed();
        Option<int> threads = CliOptions.Threads();
        Option<string> blank = CliOptions.Blank();
        Option<bool> blankLast = CliOptions.BlankLastAlias();
        var logits = new Option<bool>("--logits") { Description = "The model emits logits: apply log-softmax to its output." };
        var repeat = new Option<int>("--repeat")
        {
            Description = "Timed quantise/dequantise runs per utterance after one warm-up; the median is used (default 5).",
            DefaultValueFactory = _ => 5,
        };
        Option<bool> json = QuantCliOptions.Json();
        var command = new Command("quant-gate", "Run a CTC head on original and on quantised-dequantised features and report what quantisation costs: compression, feature and log-prob error, changed argmax frames and greedy texts, time.")
        {
            model, features, bits, group, codec, seed, threads, blank, blankLast, logits, repeat, json,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            QuantOptions options = QuantCliOptions.Create(parseResult, codec, bits, group, seed);
            int runs = parseResult.GetValue(repeat);
            if (runs < 1)
            {
                throw new CommandLineException($"--repeat must be at least 1 (got {runs}).");
            }

            int threadCount = CliOptions.CheckThreads(parseResult.GetValue(threads));

            string[] files = parseResult.GetRequiredValue(features).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (files.Length == 0)
            {
                throw new CommandLineException("--features names no file.");
            }

            var modelOptions = new AcousticModelOptions
            {
                Vocabulary = CliOptions.Vocabulary(parseResult, blank, blankLast),
                OutputKind = parseResult.GetValue(logits) ? AcousticOutputKind.Logits : AcousticOutputKind.LogProbs,
            };
            using var acoustic = new OnnxAcousticModel(parseResult.GetRequiredValue(model), modelOptions, new OnnxSessionOptions { IntraOpThreads = threadCount });
            QuantGateReport report = Run(acoustic, files, options, runs);
            CommandRunner.Print(parseResult, report, parseResult.GetValue(json));

            return 0;
        }));
        return command;
    }

    /// <summary>Runs the gate over every utterance of every file.</summary>
    internal static QuantGateReport Run(IAcousticModel model, IReadOnlyList<string> files, QuantOptions options, int runs)
    {
        var utterances = new List<QuantGateReport.Utterance>();
        var plain = new SpeechRecognizer(model);
        var quantised = new SpeechRecognizer(model, options);
        Quantizer? quantizer = null;
        foreach (string file in files)
        {
            QuantCliOptions.Features features = QuantCliOptions.Load(file);
            QuantCliOptions.CheckValues(file, features, options);
            (int count, int frames, int dimension) = Layout(file, features);
            if (dimension != model.FeatureDimension)
            {
                throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"'{file}' has feature width {dimension}; the model expects {model.FeatureDimension}."));
            }

            quantizer ??= new Quantizer(options, dimension);
            float[] original = features.ToSingle();
            int size = frames * dimension;
            for (int u = 0; u < count; u++)
            {
                string name = count == 1 ? Path.GetFileName(file) : string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}[{u}]");
                utterances.Add(Gate(plain, quantised, quantizer, features, original, u * size, frames, dimension, name, runs));
            }
        }

        return new QuantGateReport(options, quantizer!.BitsPerValue, utterances, runs);
    }

    private static QuantGateReport.Utterance Gate(
        SpeechRecognizer plain,
        SpeechRecognizer quantised,
        Quantizer quantizer,
        QuantCliOptions.Features features,
        float[] original,
        int offset,
        int frames,
        int dimension,
        string name,
        int runs)
    {
        int size = frames * dimension;
        byte[] encoded = new byte[quantizer.GetEncodedLength(frames)];
        float[] restored = new float[size];
        double quantMs;
        AcousticFeatures input;
        if (features.Half is not null)
        {
            ReadOnlyMemory<Half> x = features.Half.AsMemory(offset, size);
            quantMs = QuantCliOptions.MedianMilliseconds(() => quantizer.Quantize(x.Span, encoded), runs);
            input = AcousticFeatures.FromHalf(x, frames, dimension);
        }
        else
        {
            ReadOnlyMemory<float> x = features.Single.AsMemory(offset, size);
            quantMs = QuantCliOptions.MedianMilliseconds(() => quantizer.Quantize(x.Span, encoded), runs);
            input = AcousticFeatures.FromSingle(x, frames, dimension);
        }

        double dequantMs = QuantCliOptions.MedianMilliseconds(() => quantizer.Dequantize(encoded, restored), runs);
        QuantMetrics featureError = QuantMetrics.Compute(original.AsSpan(offset, size), restored, quantizer.BitsPerValue);

        // The recognisers run the model and decode; the quantised one repeats the round trip on the float32 values, which
        // gives the bytes timed above (fp16 input is converted to float32 exactly before quantising).
        SpeechRecognition before = plain.Recognize(input);
        SpeechRecognition after = quantised.Recognize(AcousticFeatures.FromSingle(original.AsMemory(offset, size), frames, dimension));
        (double logProbMse, double logProbMax) = Difference(before.LogProbs.Span, after.LogProbs.Span);
        int changedFrames = 0;
        for (int t = 0; t < before.LogProbs.Frames; t++)
        {
            if (TensorPrimitives.IndexOfMax(before.LogProbs.Row(t)) != TensorPrimitives.IndexOfMax(after.LogProbs.Row(t)))
            {
                changedFrames++;
            }
        }

        return new QuantGateReport.Utterance(
            name, frames, before.LogProbs.Frames, featureError, logProbMse, logProbMax, before.LogProbs.Span.Length, changedFrames, !string.Equals(before.Hypothesis, after.Hypothesis, StringComparison.Ordinal), quantMs, dequantMs);
    }

    /// <summary>Mean squared and maximum absolute difference, in double.</summary>
    private static (double Mse, double MaxAbs) Difference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0, max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = (double)a[i] - b[i];
            sum += d * d;
            max = Math.Max(max, Math.Abs(d));
        }

        return (a.Length == 0 ? 0 : sum / a.Length, max);
    }

    /// <summary>Utterances, frames and width of a features file: [T, D] and [1, T, D] are one utterance, [N, T, D] is N.</summary>
    private static (int Count, int Frames, int Dimension) Layout(string file, QuantCliOptions.Features features)
    {
        var shape = features.Shape;
        if (shape.Length is not (2 or 3) || shape[^1] < 1 || shape[^2] < 1 || (shape.Length == 3 && shape[0] < 1))
        {
            throw new CommandLineException(string.Create(
                CultureInfo.InvariantCulture,
                $"Features '{file}' have shape [{string.Join(", ", shape)}]; [T_in, D], [1, T_in, D] or [N, T_in, D] with every dimension ≥ 1 expected."));
        }

        return (shape.Length == 3 ? shape[0] : 1, shape[^2], shape[^1]);
    }
}
