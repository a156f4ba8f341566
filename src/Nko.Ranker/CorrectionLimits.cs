using System.Globalization;

namespace Nko.Ranker;

/// <summary>
/// Bounds on the work and memory of one <see cref="CorrectionPipeline"/> call, checked before any work; an input
/// beyond them is a <see cref="CorrectionLimitException"/>.
/// </summary>
/// <remarks>
/// <para>Exact rescoring keeps forward/backward tables of about 48 bytes per frame and label of the hypothesis on the
/// calling thread, so <see cref="MaxTableCells"/> (frames × (hypothesis labels + rounds + 1)) bounds the memory of a call:
/// the default, 4,194,304 cells, is about 200 MB. A thread keeps its buffers for the next call unless the call used more
/// than <see cref="MaxRetainedTableCells"/> cells (default 262,144, about 12.5 MB); then they are released when the call
/// ends, so an outsized utterance does not pin its memory to the thread. Utterances of 30 s from a recogniser with
/// 80 ms frames (375 frames, about 60 labels) use about 24,000 cells.</para>
/// <para>The time of a call grows with the same product (and with the candidates per round and the rounds), so the
/// limits bound it too; cancel a call with the token given to
/// <see cref="ICorrectionPipeline.Correct(CorrectionRequest, CancellationToken)"/>, checked before every round.</para>
/// </remarks>
public sealed record CorrectionLimits
{
    /// <summary>The defaults described on the type.</summary>
    public static CorrectionLimits Default { get; } = new();

    /// <summary>Creates limits; properties not set keep the defaults.</summary>
    public CorrectionLimits()
    {
    }

    /// <summary>Most frames T of the log-probs (default 30,000: 40 minutes at 80 ms per frame).</summary>
    public int MaxFrames { get; init => field = Positive(value, nameof(MaxFrames)); } = 30_000;

    /// <summary>Most labels of a given hypothesis (default 8,192; a greedy hypothesis has at most T labels).</summary>
    public int MaxHypothesisLength { get; init => field = Positive(value, nameof(MaxHypothesisLength)); } = 8_192;

    /// <summary>Most table cells, frames × (hypothesis labels + rounds + 1) (default 4,194,304, about 200 MB).</summary>
    public long MaxTableCells { get; init => field = Positive(value, nameof(MaxTableCells)); } = 4_194_304;

    /// <summary>Table cells above which a call releases its thread's buffers when it ends (default 262,144, about 12.5 MB).</summary>
    public long MaxRetainedTableCells { get; init => field = Positive(value, nameof(MaxRetainedTableCells)); } = 262_144;

    private static T Positive<T>(T value, string name)
        where T : System.Numerics.INumber<T>
    {
        if (value <= T.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} must be positive; got {value}."));
        }

        return value;
    }
}
