namespace Nko.Ctc;

/// <summary>
/// The knobs of <see cref="CtcBeamSearch"/>: beam width, pruning, shallow-fusion weights and the n-best size. Every
/// property has a documented default and is checked when it is set (an <see cref="ArgumentOutOfRangeException"/> whose
/// <see cref="ArgumentException.ParamName"/> is the property name), so every instance is valid.
/// </summary>
/// <remarks>
/// The defaults are those of the reference decoder behind <c>lm-fixtures/prefix_b16_char6_a0.5_b2_tts_dev.hyps.jsonl</c>:
/// width 16, per-frame cut-off −5 (plus the frame's arg-max), beam-relative pruning 10, α = 0.5, β = 2.0.
/// To search without any pruning (the exact, exponential case the tests compare with all alignments), set
/// <see cref="BeamWidth"/> to <see cref="int.MaxValue"/>, and <see cref="TokenLogProbCutoff"/> and
/// <see cref="BeamPruning"/> to <see cref="double.NegativeInfinity"/> and <see cref="double.PositiveInfinity"/>.
/// </remarks>
public sealed record BeamSearchOptions
{
    /// <summary>The defaults (width 16, cut-off −5, pruning 10, α 0.5, β 2, 1-best).</summary>
    public static BeamSearchOptions Default { get; } = new();

    /// <summary>The most prefixes kept after each frame. Default 16; at least 1.</summary>
    public int BeamWidth { get; init => field = CheckBeamWidth(value); } = 16;

    /// <summary>
    /// Per-frame candidate cut-off: at each frame only the classes whose log-prob is at least this value extend or keep
    /// prefixes, plus the frame's arg-max (the lowest class id on a tie), which always takes part. Default −5 (natural
    /// log); may be <see cref="double.NegativeInfinity"/> (every class with a non-zero probability takes part).
    /// </summary>
    public double TokenLogProbCutoff { get; init => field = CheckTokenLogProbCutoff(value); } = -5.0;

    /// <summary>
    /// Beam-relative pruning: after each frame only prefixes whose score is at least the best score minus this value
    /// are kept (then at most <see cref="BeamWidth"/> of them). Default 10; positive, may be
    /// <see cref="double.PositiveInfinity"/> (no relative pruning).
    /// </summary>
    public double BeamPruning { get; init => field = CheckBeamPruning(value); } = 10.0;

    /// <summary>
    /// α, the language-model weight: a prefix's score adds α · ln P_lm(prefix | &lt;s&gt;). Default 0.5; finite and
    /// non-negative. Used only when the search has a language model.
    /// </summary>
    public double LmWeight { get; init => field = CheckLmWeight(value); } = 0.5;

    /// <summary>
    /// β, the length bonus: a prefix's score adds β · (its number of labels, spaces included). Default 2.0; finite. Used
    /// only when the search has a language model (it balances the language model's cost per character); without one
    /// the score is the CTC log-probability alone.
    /// </summary>
    public double LengthBonus { get; init => field = CheckLengthBonus(value); } = 2.0;

    /// <summary>How many hypotheses <see cref="CtcBeamSearch.Decode(LogProbMatrix)"/> returns, best first. Default 1; at least 1.</summary>
    public int NBest { get; init => field = CheckNBest(value); } = 1;

    private static int CheckBeamWidth(int value) => value >= 1
        ? value
        : throw new ArgumentOutOfRangeException(nameof(BeamWidth), value, "The beam width must be at least 1.");

    private static double CheckTokenLogProbCutoff(double value) => !double.IsNaN(value) && !double.IsPositiveInfinity(value)
        ? value
        : throw new ArgumentOutOfRangeException(nameof(TokenLogProbCutoff), value, "The per-frame cut-off must be a number below +∞ (−∞ keeps every class).");

    private static double CheckBeamPruning(double value) => value > 0
        ? value
        : throw new ArgumentOutOfRangeException(nameof(BeamPruning), value, "The beam-relative pruning must be positive (+∞ turns it off).");

    private static double CheckLmWeight(double value) => double.IsFinite(value) && value >= 0
        ? value
        : throw new ArgumentOutOfRangeException(nameof(LmWeight), value, "α (the language-model weight) must be finite and non-negative.");

    private static double CheckLengthBonus(double value) => double.IsFinite(value)
        ? value
        : throw new ArgumentOutOfRangeException(nameof(LengthBonus), value, "β (the length bonus) must be finite.");

    private static int CheckNBest(int value) => value >= 1
        ? value
        : throw new ArgumentOutOfRangeException(nameof(NBest), value, "The n-best size must be at least 1.");
}
