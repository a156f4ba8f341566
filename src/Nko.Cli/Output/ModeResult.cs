using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Ranker.Evaluation;

namespace Nko.Cli.Output;

/// <summary>One mode's tally and per-row results.</summary>
/// <param name="Mode">The mode.</param>
/// <param name="Tally">Its CER tally against the baseline.</param>
/// <param name="Results">Its result for every row, in row order.</param>
internal sealed record ModeResult(OperatingMode Mode, CerTally Tally, CorrectionResult[] Results);
