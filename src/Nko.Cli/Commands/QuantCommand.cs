using System.CommandLine;
using Nko.IO;
using Nko.TurboQuant;
using Nko.Cli.Output;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko quant --input FILE.npy --bits B [--group G] [--codec affine|turbo] [--seed S] [--repeat N] [--output FILE] [--json]</c>:
/// quantises a float16/float32 tensor along its last axis, dequantises it to float32, and reports bits per value,
/// compression, MSE, maximum absolute error and the median single-thread time of each direction.
/// </summary>
/// <remarks>
/// Times are wall-clock medians of <c>--repeat</c> runs after one warm-up, quantising from the file's own element type
/// and dequantising to float32 (what an ONNX CTC head consumes). <c>--output</c> also writes the quantised tensor in the
/// Nko.TurboQuant container. Errors (missing file, bad shape, out-of-range or non-finite values, invalid bits or group)
/// print one <c>nko: error:</c> line and exit with 1.
/// </remarks>
internal static class QuantCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "A float16 or float32 .npy tensor; groups run along the last axis.", Required = true };
        Option<int> bits = QuantCliOptions.Bits();
        Option<int?> group = QuantCliOptions.Group();
        Option<string> codec = QuantCliOptions.Codec();
        Option<ulong> seed = QuantCliOptions.Seed();
        Option<int> repeat = QuantCliOptions.Repeat();
        var output = new Option<string?>("--output") { Description = "Also write the quantised tensor (Nko.TurboQuant container) to this file." };
        Option<bool> json = QuantCliOptions.Json();
        var command = new Command("quant", "Quantise a feature tensor and report bits/value, compression, MSE, max abs error and quantise/dequantise time.")
        {
            input, bits, group, codec, seed, repeat, output, json,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            QuantOptions options = QuantCliOptions.Create(parseResult, codec, bits, group, seed);
            string? containerPath = parseResult.GetValue(output);
            if (containerPath is not null)
            {
                OutputFile.Check(containerPath, "--output");
            }

            int runs = parseResult.GetValue(repeat);
            if (runs < 1)
            {
                throw new CommandLineException($"--repeat must be at least 1 (got {runs}).");
            }

            string inputPath = parseResult.GetRequiredValue(input);
            QuantCliOptions.Features values = QuantCliOptions.Load(inputPath);
            QuantCliOptions.CheckValues(inputPath, values, options);
            QuantReport report = Measure(values, options, runs, containerPath);
            CommandRunner.Print(parseResult, report, parseResult.GetValue(json));

            return 0;
        }));
        return command;
    }

    /// <summary>Quantises, dequantises, measures; writes the container when <paramref name="containerPath"/> is given.</summary>
    internal static QuantReport Measure(QuantCliOptions.Features features, QuantOptions options, int runs, string? containerPath)
    {
        var quantizer = new Quantizer(options, features.RowLength);
        int rows = features.Length / features.RowLength;
        byte[] encoded = new byte[quantizer.GetEncodedLength(rows)];
        float[] restored = new float[features.Length];
        features.Quantize(quantizer, encoded);
        double quantMs = QuantCliOptions.MedianMilliseconds(() => features.Quantize(quantizer, encoded), runs);
        double dequantMs = QuantCliOptions.MedianMilliseconds(() => quantizer.Dequantize(encoded, restored), runs);
        QuantMetrics metrics = QuantMetrics.Compute(features.ToSingle(), restored, quantizer.BitsPerValue);
        if (containerPath is not null)
        {
            var tensor = QuantizedTensor.Quantize(features.ToSingle(), features.Shape.AsSpan(), options);
            using AtomicFileWriter file = OutputFile.Create(containerPath);
            tensor.WriteTo(file.Stream);
            file.Commit();
        }

        return new QuantReport(options, features.Shape, features.DataType, metrics, quantMs, dequantMs, runs);
    }
}
