using Nko.Cli.Commands;
using Nko.TurboQuant;

namespace Nko.Cli.Output;

/// <summary>What <c>nko quant-gate</c> measured, per utterance and in total.</summary>
internal sealed record QuantGateReport(QuantOptions Options, double BitsPerValue, IReadOnlyList<QuantGateReport.Utterance> Utterances, int Runs) : IPrintableReport
{
    /// <summary>Feature MSE over every value of every utterance.</summary>
    public double FeatureMse => Weighted(u => u.FeatureError.Mse, u => u.FeatureError.Count);

    /// <summary>Maximum feature error.</summary>
    public double FeatureMaxAbs => Utterances.Max(u => u.FeatureError.MaxAbsError);

    /// <summary>Log-prob MSE over every frame and class.</summary>
    public double LogProbMse => Weighted(u => u.LogProbMse, u => u.LogProbCount);

    /// <summary>Maximum log-prob difference.</summary>
    public double LogProbMaxAbs => Utterances.Max(u => u.LogProbMaxAbs);

    /// <summary>Output frames in total.</summary>
    public int Frames => Utterances.Sum(u => u.OutputFrames);

    /// <summary>Frames whose argmax changed.</summary>
    public int ChangedFrames => Utterances.Sum(u => u.ChangedFrames);

    /// <summary>Utterances whose greedy text changed.</summary>
    public int ChangedTexts => Utterances.Count(u => u.TextChanged);

    /// <summary>Mean over utterances of the median quantise time.</summary>
    public double QuantMs => Utterances.Average(u => u.QuantMs);

    /// <summary>Mean over utterances of the median dequantise time.</summary>
    public double DequantMs => Utterances.Average(u => u.DequantMs);

    /// <inheritdoc />
    public void WriteJson(TextWriter writer)
    {
        CliJson.WriteDocument(writer, json =>
        {
            json.WriteStartObject();
            QuantCliOptions.WriteCodec(json, Options, BitsPerValue);
            json.WriteNumber("feature_mse", FeatureMse);
            json.WriteNumber("feature_max_abs", FeatureMaxAbs);
            json.WriteNumber("logprob_mse", LogProbMse);
            json.WriteNumber("logprob_max_abs", LogProbMaxAbs);
            json.WriteNumber("frames", Frames);
            json.WriteNumber("frames_argmax_changed", ChangedFrames);
            json.WriteNumber("utterances", Utterances.Count);
            json.WriteNumber("utterances_text_changed", ChangedTexts);
            QuantCliOptions.WriteTimes(json, Options, QuantMs, DequantMs);

            json.WriteNumber("runs", Runs);
            json.WriteStartArray("per_utterance");
            foreach (Utterance u in Utterances)
            {
                json.WriteStartObject();
                CliJson.WriteString(json, "name", u.Name);
                json.WriteNumber("input_frames", u.InputFrames);
                json.WriteNumber("frames", u.OutputFrames);
                json.WriteNumber("feature_mse", u.FeatureError.Mse);
                json.WriteNumber("logprob_mse", u.LogProbMse);
                json.WriteNumber("logprob_max_abs", u.LogProbMaxAbs);
                json.WriteNumber("frames_argmax_changed", u.ChangedFrames);
                json.WriteBoolean("text_changed", u.TextChanged);
                json.WriteNumber("quant_ms", u.QuantMs);
                json.WriteNumber("dequant_ms", u.DequantMs);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    /// <inheritdoc />
    public void WriteText(TextWriter writer)
    {
        writer.WriteLine($"{Options}: {QuantCliOptions.Format(BitsPerValue)} bits/value, {QuantCliOptions.Format(16 / BitsPerValue)}x smaller than fp16");
        writer.WriteLine($"  feature MSE           {QuantCliOptions.Format(FeatureMse)} (max abs {QuantCliOptions.Format(FeatureMaxAbs)})");
        writer.WriteLine($"  log-prob MSE          {QuantCliOptions.Format(LogProbMse)} (max abs {QuantCliOptions.Format(LogProbMaxAbs)})");
        writer.WriteLine($"  argmax changed        {ChangedFrames} of {Frames} frames");
        writer.WriteLine($"  greedy text changed   {ChangedTexts} of {Utterances.Count} utterances");
        writer.WriteLine($"  quantise / dequantise {QuantCliOptions.Format(QuantMs)} / {QuantCliOptions.Format(DequantMs)} ms per utterance (median of {Runs}, one thread)");
    }

    private double Weighted(Func<Utterance, double> value, Func<Utterance, long> weight)
    {
        double sum = 0;
        long count = 0;
        foreach (Utterance u in Utterances)
        {
            sum += value(u) * weight(u);
            count += weight(u);
        }

        return count == 0 ? 0 : sum / count;
    }

    /// <summary>One utterance's result.</summary>
    internal sealed record Utterance(
        string Name,
        int InputFrames,
        int OutputFrames,
        QuantMetrics FeatureError,
        double LogProbMse,
        double LogProbMaxAbs,
        long LogProbCount,
        int ChangedFrames,
        bool TextChanged,
        double QuantMs,
        double DequantMs);
}
