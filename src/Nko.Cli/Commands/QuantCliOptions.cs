using System.Collections.Immutable;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Nko.Cli.Output;
using Nko.Data;
using Nko.TurboQuant;

namespace Nko.Cli.Commands;

/// <summary>Options and helpers shared by <c>nko quant</c> and <c>nko quant-gate</c>.</summary>
internal static class QuantCliOptions
{
    public static Option<int> Bits() => new("--bits")
    {
        Description = "Bits per code: 2, 3, 4 or 8 (affine); 2, 3 or 4 (turbo).",
        Required = true,
    };

    public static Option<int?> Group() => new("--group")
    {
        Description = "Affine: values per group (power of two, 8..256; default 32). Turbo: rotation block (power of two, 16..4096; default 256).",
    };

    public static Option<string> Codec() => CliOptions.Choice(
        "--codec",
        "'affine' (fp16 scale + min per group; the seed's scheme) or 'turbo' (norm + seeded Hadamard rotation + Lloyd–Max codebook).",
        "affine",
        "turbo");

    public static Option<ulong> Seed() => new("--seed")
    {
        Description = "Turbo only: seed of the random sign flips (default 0).",
    };

    public static Option<int> Repeat() => new("--repeat")
    {
        Description = "Timed runs of quantise and of dequantise after one warm-up; the median is reported (default 10).",
        DefaultValueFactory = _ => 10,
    };

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object instead of text." };

    /// <summary>The invocation's validated codec options; a turbo seed with the affine codec is an error.</summary>
    public static QuantOptions Create(ParseResult parseResult, Option<string> codecOption, Option<int> bitsOption, Option<int?> groupOption, Option<ulong> seedOption)
    {
        string codec = parseResult.GetValue(codecOption)!;
        int bits = parseResult.GetValue(bitsOption);
        int? group = parseResult.GetValue(groupOption);
        ulong seed = parseResult.GetValue(seedOption);
        bool seedGiven = parseResult.GetResult(seedOption) is { Implicit: false };
        if (codec == "affine" && seedGiven)
        {
            throw new CommandLineException("--seed applies only to --codec turbo.");
        }

        try
        {
            return codec == "affine"
                ? QuantOptions.Affine(bits, group ?? QuantOptions.DefaultGroupSize)
                : QuantOptions.Turbo(bits, group ?? QuantOptions.DefaultBlockSize, seed);
        }
        catch (ArgumentException e)
        {
            // The options check --bits and --group; the user gave them, so this is a user error, not a bug.
            throw new CommandLineException(e.Message, e);
        }
    }

    /// <summary>Writes the codec's JSON properties, as both reports start: <c>codec, bits, group, bits_per_value, compression_vs_fp16</c>.</summary>
    public static void WriteCodec(Utf8JsonWriter json, QuantOptions options, double bitsPerValue)
    {
        CliJson.WriteString(json, "codec", Name(options.Codec));
        json.WriteNumber("bits", options.Bits);
        json.WriteNumber("group", options.GroupSize);
        json.WriteNumber("bits_per_value", bitsPerValue);
        json.WriteNumber("compression_vs_fp16", 16 / bitsPerValue);
    }

    /// <summary>Writes the timing JSON properties both reports share: <c>quant_ms, dequant_ms</c>, then <c>seed</c> for the turbo codec.</summary>
    public static void WriteTimes(Utf8JsonWriter json, QuantOptions options, double quantMs, double dequantMs)
    {
        json.WriteNumber("quant_ms", quantMs);
        json.WriteNumber("dequant_ms", dequantMs);
        if (options.Codec == QuantCodec.Turbo)
        {
            json.WriteNumber("seed", options.Seed);
        }
    }

    /// <summary>
    /// Checks the values of <paramref name="path"/> before they are quantised with <paramref name="options"/>: finite, and
    /// within ±65504 for the affine codec (its parameters are fp16). What the quantiser would refuse as an argument error,
    /// refused here as the user's input.
    /// </summary>
    /// <exception cref="CommandLineException">A value is out of range; the message names its index.</exception>
    public static void CheckValues(string path, Features features, QuantOptions options)
    {
        float limit = options.Codec == QuantCodec.Affine ? 65504f : float.MaxValue;
        for (int i = 0; i < features.Length; i++)
        {
            float x = features.Half is { } h ? (float)h[i] : features.Single![i];
            if (!float.IsFinite(x) || Math.Abs(x) > limit)
            {
                string reason = float.IsFinite(x) ? "beyond ±65504, the affine codec's range (its scale and minimum are fp16)" : "not finite";
                throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"'{path}': the value at index {i} is {x} ({reason}); quantisation needs finite values."));
            }
        }
    }

    /// <summary>The codec's name as the command line spells it.</summary>
    public static string Name(QuantCodec codec) => codec == QuantCodec.Affine ? "affine" : "turbo";

    /// <summary>Reads a float16 or float32 .npy file as fp16 or float32 values (whichever it stores).</summary>
    public static Features Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Input file '{path}' does not exist.", path);
        }

        NpyArray array = NpyFile.Read(path);
        if (array.Shape.Length == 0 || array.Shape[^1] < 1)
        {
            throw new CommandLineException($"'{path}' has shape [{string.Join(", ", array.Shape)}]; quantisation needs at least one axis with at least one value.");
        }

        return array.DataType == NpyDataType.Float16
            ? new Features(array.Shape, array.ToHalfArray(), null)
            : new Features(array.Shape, null, array.ToSingleArray());
    }

    /// <summary>Median wall time in milliseconds of <paramref name="runs"/> calls after one warm-up call.</summary>
    public static double MedianMilliseconds(Action action, int runs)
    {
        action();
        double[] times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        return runs % 2 == 1 ? times[runs / 2] : (times[(runs / 2) - 1] + times[runs / 2]) / 2;
    }

    public static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>Values read from a .npy file: exactly one of <see cref="Half"/> and <see cref="Single"/> is set.</summary>
    internal sealed record Features(ImmutableArray<int> Shape, Half[]? Half, float[]? Single)
    {
        public int Length => Half?.Length ?? Single!.Length;

        public int RowLength => Shape[^1];

        public string DataType => Half is null ? "float32" : "float16";

        public float[] ToSingle()
        {
            if (Single is not null)
            {
                return Single;
            }

            float[] result = new float[Half!.Length];
            System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(Half, result);
            return result;
        }

        public void Quantize(Quantizer quantizer, Span<byte> destination)
        {
            if (Half is not null)
            {
                quantizer.Quantize(Half, destination);
            }
            else
            {
                quantizer.Quantize(Single, destination);
            }
        }
    }
}
