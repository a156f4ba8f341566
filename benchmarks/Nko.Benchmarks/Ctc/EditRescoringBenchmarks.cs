using BenchmarkDotNet.Attributes;
using Nko.Ctc;

namespace Nko.Benchmarks.Ctc;

/// <summary>Rescoring 256 single-edit candidates of a ~45-label hypothesis (T = 375, C = 66), tables included.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class EditRescoringBenchmarks
{
    private LogProbMatrix _matrix;
    private int[] _hyp = [];
    private LabelEdit[] _edits = [];
    private double[] _scores = [];
    private LabelEdit[] _subIns = [];
    private int[] _edited = [];
    private int[][] _rounds = [];
    private int _round;
    private readonly CtcScorer _scorer = new();

    [GlobalSetup]
    public void Setup()
    {
        int row = BenchmarkData.RowWithHypothesisLength(45);
        _matrix = BenchmarkData.Sample.GetLogProbs(row);
        _hyp = CtcVocabulary.NkoBlankFirst.Encode(BenchmarkData.Sample.Rows[row].Hypothesis);
        var rng = new Random(42);
        _edits = new LabelEdit[256];
        for (int i = 0; i < _edits.Length; i++)
        {
            int kind = rng.Next(3);
            _edits[i] = kind switch
            {
                0 => LabelEdit.Substitute(rng.Next(_hyp.Length), 1 + rng.Next(65)),
                1 => LabelEdit.Delete(rng.Next(_hyp.Length)),
                _ => LabelEdit.Insert(rng.Next(_hyp.Length + 1), 1 + rng.Next(65)),
            };
        }

        _scores = new double[_edits.Length];
        _subIns = [.. _edits.Where(e => e.Kind != EditKind.Delete)];
        _edited = new int[_hyp.Length + 1];
        int[] substituted = [.. _hyp];
        substituted[_hyp.Length / 2] = _hyp[_hyp.Length / 2] == 1 ? 2 : 1;
        _rounds = [_hyp, substituted];
        _scorer.Reset(_matrix, 0);
        _scorer.SetHypothesis(_hyp);
    }

    [Benchmark(Baseline = true, Description = "full forward per candidate")]
    public double FullForwardPerCandidate()
    {
        double sum = 0;
        foreach (LabelEdit edit in _edits)
        {
            int n = edit.Apply(_hyp, _edited);
            sum += _scorer.LogLikelihood(_edited.AsSpan(0, n));
        }

        return sum;
    }

    [Benchmark(Description = "alpha/beta tables + 256 spliced edits")]
    public double Spliced()
    {
        _scorer.SetHypothesis(_hyp);
        _scorer.ScoreEdits(_edits, _scores);
        return _scores[0];
    }

    [Benchmark(Description = "alpha/beta tables only")]
    public double TablesOnly() => _scorer.SetHypothesis(_hyp);

    // Alternates two hypotheses one substitution apart, as consecutive correction rounds are: the label emissions are
    // moved from the previous hypothesis instead of transposed again ("tables only" sets the same text again, which
    // recomputes everything).
    [Benchmark(Description = "alpha/beta tables, one edit from the last hypothesis")]
    public double TablesNextRound() => _scorer.SetHypothesis(_rounds[_round ^= 1]);

    [Benchmark(Description = "alpha/beta tables + the substitutions and insertions spliced")]
    public double SubInsSpliced()
    {
        _scorer.SetHypothesis(_hyp);
        _scorer.ScoreEdits(_subIns, _scores);
        return _scores[0];
    }

    [Benchmark(Description = "alpha/beta tables + the substitutions and insertions estimated")]
    public double SubInsEstimated()
    {
        _scorer.SetHypothesis(_hyp);
        _scorer.EstimateEdits(_subIns, _scores);
        return _scores[0];
    }

    // After the first call the deletion sums (one sweep per hypothesis) are ready too.
    [Benchmark(Description = "256 spliced edits (tables and deletion sums ready)")]
    public double EditsOnly()
    {
        _scorer.ScoreEdits(_edits, _scores);
        return _scores[0];
    }
}
