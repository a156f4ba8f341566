using Nko.Ranker.Configuration;

namespace Nko.Ranker.Evaluation;

/// <summary>
/// Accumulates the seed's evaluation table for one system against a baseline: aggregate CER, and better/same/worse
/// over the utterances whose text the system changed.
/// </summary>
/// <remarks>
/// Aggregate CER = Σ edit distances / Σ reference lengths. An utterance is "changed" when the system's text differs from
/// the baseline's; it is better, same or worse by its own edit distance to the reference versus the baseline's (with a
/// common reference, comparing distances is comparing per-utterance CER). Not thread-safe.
/// </remarks>
public sealed class CerTally
{
    private long _referenceChars;
    private long _baselineEdits;
    private long _systemEdits;

    /// <summary>Utterances added.</summary>
    public int Rows { get; private set; }

    /// <summary>Changed utterances that got better.</summary>
    public int Better { get; private set; }

    /// <summary>Changed utterances whose distance stayed.</summary>
    public int Same { get; private set; }

    /// <summary>Changed utterances that got worse.</summary>
    public int Worse { get; private set; }

    /// <summary>Utterances whose text the system changed.</summary>
    public int Changed => Better + Same + Worse;

    /// <summary>The baseline's aggregate CER.</summary>
    public double BaselineCer => _referenceChars == 0 ? 0 : (double)_baselineEdits / _referenceChars;

    /// <summary>The system's aggregate CER.</summary>
    public double Cer => _referenceChars == 0 ? 0 : (double)_systemEdits / _referenceChars;

    /// <summary>CER − baseline CER in percentage points.</summary>
    public double DeltaPp => 100.0 * (Cer - BaselineCer);

    /// <summary>Adds one utterance.</summary>
    public void Add(string reference, string baseline, string system)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(system);
        int baseEdits = EditDistance.Levenshtein(reference, baseline);
        int sysEdits = string.Equals(baseline, system, StringComparison.Ordinal) ? baseEdits : EditDistance.Levenshtein(reference, system);
        Add(reference.Length, baseEdits, sysEdits, !string.Equals(baseline, system, StringComparison.Ordinal));
    }

    /// <summary>Adds one utterance from precomputed distances.</summary>
    public void Add(int referenceLength, int baselineEdits, int systemEdits, bool changed)
    {
        Rows++;
        _referenceChars += referenceLength;
        _baselineEdits += baselineEdits;
        _systemEdits += systemEdits;
        if (changed)
        {
            if (systemEdits < baselineEdits)
            {
                Better++;
            }
            else if (systemEdits > baselineEdits)
            {
                Worse++;
            }
            else
            {
                Same++;
            }
        }
    }

    /// <summary>The table as <see cref="ModeMetrics"/>.</summary>
    public ModeMetrics ToMetrics(string mode) => new(mode, Cer, DeltaPp, Better, Same, Worse, Changed);
}
