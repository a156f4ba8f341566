using System.Collections.Immutable;

namespace Nko.Ranker.Training;

/// <summary>The outcome of <see cref="CrossValidation.Run"/>.</summary>
/// <param name="Rows">Held-out rows (every training row once).</param>
/// <param name="Folds">K.</param>
/// <param name="BaselineCer">The held-out rows' uncorrected CER.</param>
/// <param name="Modes">Each mode's pooled and per-fold tables, in the configs' mode order.</param>
public sealed record CrossValidationResult(int Rows, int Folds, double BaselineCer, ImmutableArray<CrossValidationMode> Modes);
