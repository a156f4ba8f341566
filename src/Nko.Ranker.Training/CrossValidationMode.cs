using System.Collections.Immutable;
using Nko.Ranker.Configuration;

namespace Nko.Ranker.Training;

/// <summary>One mode's cross-validated table: pooled over every held-out row, and per fold (the spread).</summary>
/// <param name="Total">The pooled table.</param>
/// <param name="Folds">Each fold's held-out table, in fold order.</param>
public sealed record CrossValidationMode(ModeMetrics Total, ImmutableArray<ModeMetrics> Folds);
