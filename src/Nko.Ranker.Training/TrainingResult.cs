using System.Collections.Immutable;
using Nko.Ranker.Configuration;

namespace Nko.Ranker.Training;

/// <summary>Everything <see cref="RankerTrainer"/> produced: the config and the numbers a report needs.</summary>
public sealed record TrainingResult
{
    /// <summary>The trained, calibrated config.</summary>
    public required RankerConfig Config { get; init; }

    /// <summary>The options the trainer ran with (the report states its mode rules from them).</summary>
    public required TrainerOptions Options { get; init; }

    /// <summary>Training utterances.</summary>
    public required int TrainRows { get; init; }

    /// <summary>Calibration utterances.</summary>
    public required int DevRows { get; init; }

    /// <summary>Training examples (candidates) and how many were positive.</summary>
    public required int Examples { get; init; }

    /// <summary>Positive training examples.</summary>
    public required int Positives { get; init; }

    /// <summary>Dev examples and positives (used to choose λ).</summary>
    public required int DevExamples { get; init; }

    /// <summary>Positive dev examples.</summary>
    public required int DevPositives { get; init; }

    /// <summary>Each λ tried with its dev log-loss.</summary>
    public required ImmutableArray<(double L2, double DevLogLoss)> L2Search { get; init; }

    /// <summary>The dev calibration sweep, one point per threshold.</summary>
    public required ImmutableArray<SweepPoint> DevSweep { get; init; }

    /// <summary>The same sweep on the training utterances (in-sample; used as an extra safety check).</summary>
    public required ImmutableArray<SweepPoint> TrainSweep { get; init; }

    /// <summary>
    /// The dev sweep with the CTC-gain gate (an edit also needs gain ≥ 0), one point per threshold; empty when
    /// <see cref="TrainerOptions.CalibrateMinCtcGain"/> is off. Modes with <see cref="OperatingMode.MinCtcGain"/> were
    /// chosen from it.
    /// </summary>
    public ImmutableArray<SweepPoint> DevSweepGated { get; init; } = [];

    /// <summary>The gated sweep on the training utterances; empty when <see cref="TrainerOptions.CalibrateMinCtcGain"/> is off.</summary>
    public ImmutableArray<SweepPoint> TrainSweepGated { get; init; } = [];

    /// <summary>Baseline CER on dev.</summary>
    public required double DevBaselineCer { get; init; }

    /// <summary>Column names of <see cref="FeatureMatrix"/> (the config's features in order).</summary>
    public required ImmutableArray<string> FeatureColumns { get; init; }

    /// <summary>The raw (unstandardised) training matrix, row-major, in config feature order.</summary>
    public required double[] FeatureMatrix { get; init; }

    /// <summary>The training labels (0/1), one per row of <see cref="FeatureMatrix"/>.</summary>
    public required byte[] Labels { get; init; }

    /// <summary>With <see cref="TrainerOptions.LanguageModelText"/>: the bytes of the LM file the config references (write them to <see cref="TrainerOptions.LanguageModelFileName"/> beside the config); else <see langword="null"/>.</summary>
    public byte[]? LanguageModelFile { get; init; }

    /// <summary>Train rows featurised with a cross-fitted (fold) language model; the others used the full one.</summary>
    public int CrossFittedTrainRows { get; init; }

    /// <summary>Dev rows featurised with a cross-fitted language model (their sentences are in the LM text).</summary>
    public int CrossFittedDevRows { get; init; }
}
