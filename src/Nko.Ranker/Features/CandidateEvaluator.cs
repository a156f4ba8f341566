using System.Numerics.Tensors;
using Nko.Candidates;
using Nko.Candidates.Script;
using Nko.Ctc;

namespace Nko.Ranker.Features;

/// <summary>
/// One round of candidate evaluation: generate the candidates of a hypothesis, rescore each exactly with the CTC
/// forward algorithm, and compute every feature in <see cref="FeatureNames.All"/>.
/// </summary>
/// <remarks>
/// The correction pipeline uses this internally; the trainer and researchers use it to inspect candidates and
/// features. An instance is not thread-safe and reuses its buffers (no allocation per round after warm-up).
/// </remarks>
public sealed class CandidateEvaluator
{
    private static readonly int FeatureCount = FeatureNames.All.Length;
    private static readonly int IdxOpSub = FeatureNames.IndexOf(FeatureNames.OpSub);

    private readonly CtcScorer _scorer = new();
    private Candidate[] _candidates = [];
    private LabelEdit[] _edits = [];
    private double[] _logps = [];
    private double[] _features = [];
    private double[] _gains = [];
    private double[] _sortedGains = [];
    private int _count;
    private double _asrScore;
    private LabelFacts? _facts;
    private CtcVocabulary? _factsVocabulary;

    /// <summary>The number of candidates of the last round.</summary>
    public int Count => _count;

    /// <summary>The candidates of the last round, in generator order.</summary>
    public ReadOnlySpan<Candidate> Candidates => _candidates.AsSpan(0, _count);

    /// <summary>Each candidate's exact CTC log-likelihood.</summary>
    public ReadOnlySpan<double> LogLikelihoods => _logps.AsSpan(0, _count);

    /// <summary>The hypothesis' CTC log-likelihood in the last round.</summary>
    public double HypothesisLogLikelihood { get; private set; }

    /// <summary>The recogniser self-score used for <see cref="FeatureNames.AsrScore"/>.</summary>
    public double AsrScore => _asrScore;

    /// <summary>The underlying scorer (loaded with the current matrix).</summary>
    internal CtcScorer Scorer => _scorer;

    /// <summary>Every feature of candidate <paramref name="index"/>, in <see cref="FeatureNames.All"/> order.</summary>
    public ReadOnlySpan<double> GetFeatures(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        return _features.AsSpan(index * FeatureCount, FeatureCount);
    }

    /// <summary>Loads an utterance's log-probs (exponentiated once for all rounds) and its recogniser self-score.</summary>
    /// <param name="logProbs">The utterance's log-probs.</param>
    /// <param name="blankIndex">The blank class.</param>
    /// <param name="asrScore">The recogniser's self-score; when <see langword="null"/> it is estimated as the mean best log-prob over the frames up to the last non-blank argmax.</param>
    public void Reset(LogProbMatrix logProbs, int blankIndex, double? asrScore)
    {
        _scorer.Reset(logProbs, blankIndex);
        _asrScore = asrScore ?? EstimateAsrScore(logProbs, blankIndex);
        _count = 0;
    }

    /// <summary>Generates, rescores and featurises the candidates of <paramref name="hypothesis"/>; returns their number.</summary>
    public int Evaluate(CandidateGenerator generator, ReadOnlySpan<int> hypothesis, int round)
    {
        ArgumentNullException.ThrowIfNull(generator);
        int max = generator.Options.MaxCandidates;
        Grow(ref _candidates, max);
        Grow(ref _edits, max);
        Grow(ref _logps, max);
        Grow(ref _features, max * FeatureCount);
        Grow(ref _gains, max);
        Grow(ref _sortedGains, max);
        if (!ReferenceEquals(_factsVocabulary, generator.Vocabulary))
        {
            _facts = new LabelFacts(generator.Vocabulary);
            _factsVocabulary = generator.Vocabulary;
        }

        HypothesisLogLikelihood = _scorer.SetHypothesis(hypothesis);
        int n = generator.Generate(hypothesis, _candidates);
        _count = n;
        if (n == 0)
        {
            return 0;
        }

        for (int i = 0; i < n; i++)
        {
            _edits[i] = _candidates[i].Edit;
        }

        _scorer.ScoreEdits(_edits.AsSpan(0, n), _logps);
        ComputeFeatures(generator.Map, hypothesis, round);
        return n;
    }

    private void ComputeFeatures(ConfusionMap map, ReadOnlySpan<int> hyp, int round)
    {
        LabelFacts facts = _facts!;
        int n = _count, length = hyp.Length, frames = _scorer.Frames;
        double hypLogp = HypothesisLogLikelihood;
        bool hypFinite = double.IsFinite(hypLogp);
        double perLabel = 1.0 / Math.Max(1, length);

        // Gains sorted once give each candidate's rank (how many gains are strictly higher) and the margin features.
        Span<double> gains = _gains.AsSpan(0, n);
        Span<double> sorted = _sortedGains.AsSpan(0, n);
        for (int i = 0; i < n; i++)
        {
            gains[i] = Gain(_logps[i], hypLogp, hypFinite);
        }

        gains.CopyTo(sorted);
        sorted.Sort();
        double best = sorted[n - 1], second = n > 1 ? sorted[n - 2] : double.NegativeInfinity;

        for (int i = 0; i < n; i++)
        {
            Span<double> f = _features.AsSpan(i * FeatureCount, FeatureCount);
            f.Clear();
            Candidate c = _candidates[i];
            LabelEdit e = c.Edit;
            double gain = gains[i];
            int rank = n - UpperBound(sorted, gain);

            int label = e.Kind == EditKind.Delete ? hyp[e.Position] : e.Label;
            int from = e.Kind == EditKind.Substitute ? hyp[e.Position] : -1;
            NkoCharClass cls = facts.ClassOf(label);
            int space = facts.SpaceId;
            int k0 = IdxOpSub;
            f[k0 + 0] = e.Kind == EditKind.Substitute ? 1 : 0;
            f[k0 + 1] = e.Kind == EditKind.Delete ? 1 : 0;
            f[k0 + 2] = e.Kind == EditKind.Insert ? 1 : 0;
            f[k0 + 3] = gain;
            f[k0 + 4] = gain / frames;
            f[k0 + 5] = gain * perLabel;
            f[k0 + 6] = gain / (1 + Math.Abs(gain));
            f[k0 + 7] = gain > 0 ? 1 : 0;
            f[k0 + 8] = hypFinite ? Math.Max(-1e4, hypLogp * perLabel) : -1e4;
            f[k0 + 9] = hypFinite ? Math.Max(-1e4, hypLogp / frames) : -1e4;
            f[k0 + 10] = double.IsFinite(_asrScore) ? _asrScore : 0;
            f[k0 + 11] = Math.Log(1.0 + c.PriorCount);
            f[k0 + 12] = PriorLogRelative(map, e, c.PriorCount, hyp);
            f[k0 + 13] = from >= 0 && facts.ClassOf(from) == cls && cls != NkoCharClass.Other ? 1 : 0;
            f[k0 + 14] = from >= 0 && facts.IsKnownPair(from, label) ? 1 : 0;
            f[k0 + 15] = cls == NkoCharClass.ToneMark ? 1 : 0;
            f[k0 + 16] = label == space || (from >= 0 && from == space) ? 1 : 0;
            f[k0 + 17] = cls == NkoCharClass.Vowel ? 1 : 0;
            f[k0 + 18] = cls == NkoCharClass.Consonant ? 1 : 0;
            f[k0 + 19] = e.Position * perLabel;
            (f[k0 + 20], f[k0 + 21]) = WordEdges(hyp, e, space);
            f[k0 + 22] = round;
            f[k0 + 23] = Math.Log(1.0 + rank);
            f[k0 + 24] = Math.Clamp(gain - (gain == best ? second : best), -50, 50) is var m && double.IsFinite(m) ? m : 50;
            f[k0 + 25] = Math.Log(1.0 + length);
        }
    }

    // The index of the first element greater than value in an ascending span.
    private static int UpperBound(ReadOnlySpan<double> ascending, double value)
    {
        int lo = 0, hi = ascending.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (ascending[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static double Gain(double logp, double hypLogp, bool hypFinite)
    {
        if (!hypFinite)
        {
            return double.IsFinite(logp) ? 50 : 0;
        }

        return double.IsFinite(logp) ? Math.Clamp(logp - hypLogp, -50, 50) : -50;
    }

    private static double PriorLogRelative(ConfusionMap map, LabelEdit e, int count, ReadOnlySpan<int> hyp)
    {
        long occurrences;
        switch (e.Kind)
        {
            case EditKind.Substitute:
                int from = hyp[e.Position];
                occurrences = Math.Max(map.GetHypothesisLabelCount(from), map.GetSubstitutionTotal(from));
                break;
            case EditKind.Delete:
                occurrences = map.GetHypothesisLabelCount(hyp[e.Position]);
                break;
            default:
                int left = e.Position > 0 ? hyp[e.Position - 1] : -1;
                occurrences = left >= 0 ? map.GetHypothesisLabelCount(left) : map.GetInsertionTotal(e.Label);
                break;
        }

        occurrences = Math.Max(occurrences, count);
        return Math.Log((count + 0.5) / (occurrences + 1.0));
    }

    private static (double Start, double End) WordEdges(ReadOnlySpan<int> hyp, LabelEdit e, int space)
    {
        int i = e.Position, length = hyp.Length;
        if (e.Kind == EditKind.Insert)
        {
            bool start = i == 0 || hyp[i - 1] == space;
            bool end = i == length || hyp[i] == space;
            return (start ? 1 : 0, end ? 1 : 0);
        }

        bool isLetter = hyp[i] != space;
        bool atStart = isLetter && (i == 0 || hyp[i - 1] == space);
        bool atEnd = isLetter && (i == length - 1 || hyp[i + 1] == space);
        return (atStart ? 1 : 0, atEnd ? 1 : 0);
    }

    private static double EstimateAsrScore(LogProbMatrix logProbs, int blankIndex)
    {
        ReadOnlySpan<float> data = logProbs.Span;
        int classes = logProbs.Classes;
        double sum = 0;
        int lastSpeech = -1;
        double sumAtLastSpeech = 0;
        for (int t = 0; t < logProbs.Frames; t++)
        {
            ReadOnlySpan<float> row = data.Slice(t * classes, classes);
            int best = TensorPrimitives.IndexOfMax(row);
            sum += row[best];
            if (best != blankIndex)
            {
                lastSpeech = t;
                sumAtLastSpeech = sum;
            }
        }

        return lastSpeech < 0 ? sum / logProbs.Frames : sumAtLastSpeech / (lastSpeech + 1);
    }

    private static void Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            array = new T[length];
        }
    }
}
