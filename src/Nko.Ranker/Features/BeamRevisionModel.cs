using Nko.Ranker.Configuration;

namespace Nko.Ranker.Features;

/// <summary>The segment model of a <see cref="BeamRevisionConfig"/>, compiled once: feature columns, folded standardisation, key table.</summary>
internal sealed class BeamRevisionModel
{
    private readonly int[] _columns;
    private readonly double[] _scaled;
    private readonly double _bias;

    public BeamRevisionModel(BeamRevisionConfig config)
    {
        Config = config;
        _columns = [.. config.Features.Select(BeamRevisionFeatures.IndexOf)];
        _scaled = new double[_columns.Length];
        double bias = config.Bias;
        for (int k = 0; k < _columns.Length; k++)
        {
            _scaled[k] = config.Weights[k] / config.Stds[k];
            bias -= _scaled[k] * config.Means[k];
        }

        _bias = bias;
        Keys = new SegmentKeyTable(config.Keys);
    }

    public BeamRevisionConfig Config { get; }

    public SegmentKeyTable Keys { get; }

    /// <summary>The logit of one row of <see cref="BeamRevisionFeatures.All"/> values.</summary>
    public double Logit(ReadOnlySpan<double> row)
    {
        double z = _bias;
        for (int k = 0; k < _columns.Length; k++)
        {
            z += _scaled[k] * row[_columns[k]];
        }

        return z;
    }
}
