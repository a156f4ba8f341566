using System.Collections.Immutable;
using Nko.Cli.Commands;
using Nko.TurboQuant;

namespace Nko.Cli.Output;

/// <summary>What <c>nko quant</c> measured.</summary>
internal sealed record QuantReport(
    QuantOptions Options,
    ImmutableArray<int> Shape,
    string DataType,
    QuantMetrics Metrics,
    double QuantMs,
    double DequantMs,
    int Runs) : IPrintableReport
{
    /// <summary>
    /// One JSON object: <c>codec, bits, group, bits_per_value, compression_vs_fp16, compression_vs_fp32, mse, max_abs,
    /// quant_ms, dequant_ms</c>, then <c>seed</c> (turbo), <c>shape, dtype, runs</c>.
    /// </summary>
    public void WriteJson(TextWriter writer)
    {
        CliJson.WriteDocument(writer, json =>
        {
            json.WriteStartObject();
            QuantCliOptions.WriteCodec(json, Options, Metrics.BitsPerValue);
            json.WriteNumber("compression_vs_fp32", Metrics.CompressionVsFp32);
            json.WriteNumber("mse", Metrics.Mse);
            json.WriteNumber("max_abs", Metrics.MaxAbsError);
            QuantCliOptions.WriteTimes(json, Options, QuantMs, DequantMs);

            json.WriteStartArray("shape");
            foreach (int d in Shape)
            {
                json.WriteNumberValue(d);
            }

            json.WriteEndArray();
            CliJson.WriteString(json, "dtype", DataType);
            json.WriteNumber("runs", Runs);
            json.WriteEndObject();
        });
    }

    /// <summary>A short aligned text report.</summary>
    public void WriteText(TextWriter writer)
    {
        writer.WriteLine($"{Options} on [{string.Join(", ", Shape)}] {DataType}");
        writer.WriteLine($"  bits/value           {QuantCliOptions.Format(Metrics.BitsPerValue)}");
        writer.WriteLine($"  compression vs fp16  {QuantCliOptions.Format(Metrics.CompressionVsFp16)}x");
        writer.WriteLine($"  compression vs fp32  {QuantCliOptions.Format(Metrics.CompressionVsFp32)}x");
        writer.WriteLine($"  mse                  {QuantCliOptions.Format(Metrics.Mse)}");
        writer.WriteLine($"  max abs error        {QuantCliOptions.Format(Metrics.MaxAbsError)}");
        writer.WriteLine($"  quantise             {QuantCliOptions.Format(QuantMs)} ms (median of {Runs}, one thread)");
        writer.WriteLine($"  dequantise (float32) {QuantCliOptions.Format(DequantMs)} ms (median of {Runs}, one thread)");
    }
}
