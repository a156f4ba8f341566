using System.Collections.Immutable;

namespace Nko.Ranker.Configuration;

/// <summary>Where a ranker config came from and how it scored at calibration. Every field is optional.</summary>
public sealed record RankerProvenance
{
    /// <summary>Free text describing the config.</summary>
    public string? Description { get; init; }

    /// <summary>The tool and version that wrote it.</summary>
    public string? Trainer { get; init; }

    /// <summary>The version of the tool that ran the training (e.g. <c>nko 0.1.0+abc123</c>).</summary>
    public string? ToolVersion { get; init; }

    /// <summary>A one-line summary of the trainer options (e.g. <c>max_candidates=32 top_k=4 …</c>).</summary>
    public string? Options { get; init; }

    /// <summary>The training data it was fitted on.</summary>
    public string? TrainData { get; init; }

    /// <summary>The data its modes were calibrated on.</summary>
    public string? DevData { get; init; }

    /// <summary>Training utterances.</summary>
    public int? TrainRows { get; init; }

    /// <summary>Calibration utterances.</summary>
    public int? DevRows { get; init; }

    /// <summary>
    /// A SHA-256 content hash of the training rows (64 lowercase hex digits): their hypothesis and reference text and their
    /// log-probs, in training order. The CLI's definition is in its README (<c>nko train</c>).
    /// </summary>
    public string? TrainRowsSha256 { get; init; }

    /// <summary>Candidate examples the ranker was fitted on.</summary>
    public int? TrainingExamples { get; init; }

    /// <summary>Positive (helpful) examples among them.</summary>
    public int? PositiveExamples { get; init; }

    /// <summary>The L2 regularisation strength chosen.</summary>
    public double? L2 { get; init; }

    /// <summary>Gradient norm at convergence.</summary>
    public double? GradientNorm { get; init; }

    /// <summary>Optimiser iterations.</summary>
    public int? Iterations { get; init; }

    /// <summary>Baseline (uncorrected) CER on the calibration data.</summary>
    public double? DevBaselineCer { get; init; }

    /// <summary>Each mode's table on the calibration data.</summary>
    public ImmutableArray<ModeMetrics> DevModes { get; init; } = [];

    /// <summary>Free-form notes.</summary>
    public string? Notes { get; init; }
}
