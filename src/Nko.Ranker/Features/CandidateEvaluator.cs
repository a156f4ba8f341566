using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Nko.Candidates;
using Nko.Candidates.Script;
using Nko.Ctc;
using Nko.Lm;
using Nko.Ranker.Configuration;

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
    private readonly CtcScorer _scorer = new();
    private readonly FeatureInputs _inputs = new();
    private readonly LmEditScorer _lmScorer = new();
    private double[] _lmDeltas = [];
    private double[] _lmEdit = [];
    private bool[] _lmOov = [];
    private bool _hasLm;
    private Candidate[] _candidates = [];
    private LabelEdit[] _edits = [];
    private double[] _logps = [];
    private double[] _features = [];
    private double[] _gains = [];
    private double[] _estimates = [];
    private double[] _selection = [];
    private int[] _picked = [];
    private double[] _logOnePlus = []; // [i] = Math.Log(1 + i), for ranks and small prior counts
    private PriorMemo[] _priors = []; // by (kind, from or left context, label): the prior features of the last count seen
    private ConfusionMap? _priorsMap;
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

    /// <summary>Every candidate's features, row after row (each in <see cref="FeatureNames.All"/> order).</summary>
    internal ReadOnlySpan<double> FeatureRows => _features.AsSpan(0, _count * FeatureCount);

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

    /// <summary>
    /// Generates, rescores and featurises the candidates of <paramref name="hypothesis"/>; returns their number. With a
    /// <see cref="GeneratorOptions.Shortlist"/>, only that many substitutions and insertions (those with the highest
    /// <see cref="CtcScorer.EstimateEdits"/> value, ties in generator order) and every deletion go on; the rest are dropped.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The generator's vocabulary has more than <see cref="RankerConfig.MaxClasses"/> classes (its per-class-pair tables
    /// would grow quadratically).
    /// </exception>
    public int Evaluate(CandidateGenerator generator, ReadOnlySpan<int> hypothesis, int round) =>
        Evaluate(generator, hypothesis, round, null);

    /// <summary>
    /// As <see cref="Evaluate(CandidateGenerator, ReadOnlySpan{int}, int)"/>, also computing the language-model features
    /// (<see cref="FeatureNames.LmDeltaSentence"/> and the other <c>lm_</c> features) with <paramref name="languageModel"/>;
    /// without one they are 0.
    /// </summary>
    public int Evaluate(CandidateGenerator generator, ReadOnlySpan<int> hypothesis, int round, CharLanguageModel? languageModel)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (generator.Vocabulary.Count > RankerConfig.MaxClasses)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The generator's vocabulary has {generator.Vocabulary.Count} classes; candidate evaluation supports at most {RankerConfig.MaxClasses} (see RankerConfig.MaxClasses)."),
                nameof(generator));
        }

        int max = generator.Options.MaxCandidates;
        Grow(ref _candidates, max);
        Grow(ref _edits, max);
        Grow(ref _logps, max);
        Grow(ref _features, max * FeatureCount);
        Grow(ref _gains, max);
        Grow(ref _lmDeltas, max);
        Grow(ref _lmEdit, max);
        Grow(ref _lmOov, max);
        if (!ReferenceEquals(_factsVocabulary, generator.Vocabulary))
        {
            _facts = new LabelFacts(generator.Vocabulary);
            _factsVocabulary = generator.Vocabulary;
        }

        if (!ReferenceEquals(_priorsMap, generator.Map))
        {
            int classes = generator.Vocabulary.Count;
            _priors = new PriorMemo[3 * (classes + 1) * classes];
            _priorsMap = generator.Map;
        }

        if (_logOnePlus.Length < max + 1)
        {
            _logOnePlus = new double[Math.Max(max + 1, SmallCounts)];
            for (int i = 0; i < _logOnePlus.Length; i++)
            {
                _logOnePlus[i] = Math.Log(1.0 + i);
            }
        }

        HypothesisLogLikelihood = _scorer.SetHypothesis(hypothesis);
        int n = generator.Generate(hypothesis, _candidates);
        if (generator.Options.Shortlist is int shortlist)
        {
            n = Shortlist(n, shortlist);
        }

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
        ComputeLanguageModel(languageModel, generator.Vocabulary, hypothesis, n);
        ComputeFeatures(generator.Map, hypothesis, round);
        return n;
    }

    // Keeps every deletion and the `keep` substitutions and insertions with the highest one-frame estimate (ties in
    // generator order), in generator order; returns the new count.
    private int Shortlist(int n, int keep)
    {
        Grow(ref _picked, n);
        Grow(ref _estimates, n);
        Grow(ref _selection, n);
        int m = 0;
        for (int i = 0; i < n; i++)
        {
            if (_candidates[i].Kind != EditKind.Delete)
            {
                _edits[m] = _candidates[i].Edit;
                _picked[m++] = i;
            }
        }

        if (m <= keep)
        {
            return n;
        }

        Span<double> estimates = _estimates.AsSpan(0, m);
        _scorer.EstimateEdits(_edits.AsSpan(0, m), estimates);
        estimates.CopyTo(_selection);
        double cut = KthLargest(_selection.AsSpan(0, m), keep);
        int above = 0;
        foreach (double e in estimates)
        {
            above += e > cut ? 1 : 0;
        }

        // Mark the dropped candidates with a prior count of 0 (a generated one has at least MinCount ≥ 1), then compact.
        int ties = keep - above;
        for (int i = 0; i < m; i++)
        {
            double e = estimates[i];
            if (e > cut || (e == cut && ties-- > 0))
            {
                continue;
            }

            _candidates[_picked[i]] = default;
        }

        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            Candidate c = _candidates[i];
            if (c.PriorCount > 0)
            {
                _candidates[kept++] = c;
            }
        }

        return kept;
    }

    // The k-th largest of values (1-based), reordering them: a deterministic quickselect (middle pivot, three-way
    // partition) that sorts what is left after 64 partitions, so no input order makes it quadratic.
    private static double KthLargest(Span<double> values, int k)
    {
        int lo = 0, hi = values.Length - 1, target = k - 1;
        for (int round = 0; ; round++)
        {
            if (round == 64)
            {
                Span<double> rest = values[lo..(hi + 1)];
                rest.Sort(static (x, y) => y.CompareTo(x));
                return values[target];
            }

            double pivot = values[lo + ((hi - lo) / 2)];
            int lt = lo, i = lo, gt = hi;
            while (i <= gt)
            {
                double v = values[i];
                if (v > pivot)
                {
                    (values[lt], values[i]) = (values[i], values[lt]);
                    lt++;
                    i++;
                }
                else if (v < pivot)
                {
                    (values[gt], values[i]) = (values[i], values[gt]);
                    gt--;
                }
                else
                {
                    i++;
                }
            }

            // [lo, lt) > pivot, [lt, gt] == pivot, (gt, hi] < pivot.
            if (target < lt)
            {
                hi = lt - 1;
            }
            else if (target > gt)
            {
                lo = gt + 1;
            }
            else
            {
                return pivot;
            }
        }
    }

    // Each candidate's LM change, edit-token score and unknown flag (the LM features read them); nothing without an LM.
    private void ComputeLanguageModel(CharLanguageModel? lm, CtcVocabulary vocabulary, ReadOnlySpan<int> hyp, int n)
    {
        _hasLm = lm is not null;
        if (lm is null)
        {
            return;
        }

        _lmScorer.SetHypothesis(lm, vocabulary, hyp);
        for (int i = 0; i < n; i++)
        {
            double delta = _lmScorer.Score(_candidates[i].Edit, out double edit, out bool unknown);
            _lmDeltas[i] = Math.Clamp(delta, -50, 50);
            _lmEdit[i] = Math.Max(-50, edit);
            _lmOov[i] = unknown;
        }
    }

    private void ComputeFeatures(ConfusionMap map, ReadOnlySpan<int> hyp, int round)
    {
        LabelFacts facts = _facts!;
        int n = _count, length = hyp.Length, frames = _scorer.Frames;
        double hypLogp = HypothesisLogLikelihood;
        bool hypFinite = double.IsFinite(hypLogp);
        double perLabel = 1.0 / Math.Max(1, length);
        double logLength = Math.Log(1.0 + length);

        // Each candidate's rank (how many gains are strictly higher) and the best two gains (the same value when tied)
        // give the rank and margin features.
        Span<double> gains = _gains.AsSpan(0, n);
        double best = double.NegativeInfinity, second = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double g = ClampedGain(_logps[i], hypLogp, hypFinite);
            gains[i] = g;
            if (g > best)
            {
                second = best;
                best = g;
            }
            else if (g > second)
            {
                second = g;
            }
        }

        // Features that are the same for every candidate of the round.
        double hypPerLabel = hypFinite ? Math.Max(-1e4, hypLogp * perLabel) : -1e4;
        double hypPerFrame = hypFinite ? Math.Max(-1e4, hypLogp / frames) : -1e4;
        double asrScore = double.IsFinite(_asrScore) ? _asrScore : 0;
        FeatureInputs x = _inputs;
        x.Facts = facts;
        x.Space = facts.SpaceId;
        x.Frames = frames;
        x.PerLabel = perLabel;
        x.HypPerLabel = hypPerLabel;
        x.HypPerFrame = hypPerFrame;
        x.AsrScore = asrScore;
        x.Round = round;
        x.BestGain = best;
        x.SecondGain = second;
        x.LogLength = logLength;
        Span<double> lmDeltas = _lmDeltas.AsSpan(0, n);
        double lmBest = double.NegativeInfinity, lmSecond = double.NegativeInfinity;
        x.HasLm = _hasLm;
        x.LmHypPerToken = _hasLm ? Math.Max(-50, _lmScorer.HypothesisPerToken) : 0;
        if (_hasLm)
        {
            foreach (double d in lmDeltas)
            {
                if (d > lmBest)
                {
                    lmSecond = lmBest;
                    lmBest = d;
                }
                else if (d > lmSecond)
                {
                    lmSecond = d;
                }
            }
        }

        ReadOnlySpan<FeatureDescriptor> descriptors = FeatureNames.Descriptors.AsSpan();
        for (int i = 0; i < n; i++)
        {
            Candidate c = _candidates[i];
            LabelEdit e = c.Edit;
            double gain = gains[i];
            ref readonly PriorMemo prior = ref Prior(map, e, c.PriorCount, hyp);
            int label = e.Kind == EditKind.Delete ? hyp[e.Position] : e.Label;
            x.Kind = e.Kind;
            x.Position = e.Position;
            x.Label = label;
            x.From = e.Kind == EditKind.Substitute ? hyp[e.Position] : -1;
            x.Class = facts.ClassOf(label);
            x.Gain = gain;
            x.PriorLogCount = prior.LogCount;
            x.PriorLogRelative = prior.LogRelative;
            (x.WordStart, x.WordEnd) = WordEdges(hyp, e, facts.SpaceId);
            x.GainRankLog = _logOnePlus[CountAbove(gains, gain)];
            if (_hasLm)
            {
                double d = lmDeltas[i];
                x.LmDelta = d;
                x.LmEditLogp = _lmEdit[i];
                x.LmOov = _lmOov[i];
                x.LmRankLog = _logOnePlus[CountAbove(lmDeltas, d)];
                x.LmMargin = n > 1 ? Math.Clamp(d - (d == lmBest ? lmSecond : lmBest), -50, 50) : 0;
            }
            else
            {
                x.LmDelta = 0;
                x.LmEditLogp = 0;
                x.LmOov = false;
                x.LmRankLog = 0;
                x.LmMargin = 0;
            }

            // Every one of the FeatureCount values is written (no clearing needed).
            Span<double> f = _features.AsSpan(i * FeatureCount, FeatureCount);
            for (int k = 0; k < f.Length; k++)
            {
                f[k] = descriptors[k].Compute(x);
            }
        }
    }

    // How many of values are strictly greater than value (n ≤ MaxCandidates, so a vector count beats sorting).
    private static int CountAbove(ReadOnlySpan<double> values, double value)
    {
        int count = 0, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> v = Vector256.Create(value);
            ref double start = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                count += BitOperations.PopCount(Vector256.GreaterThan(Vector256.LoadUnsafe(ref start, (nuint)i), v).ExtractMostSignificantBits());
            }
        }

        for (; i < values.Length; i++)
        {
            count += values[i] > value ? 1 : 0;
        }

        return count;
    }

    // The prior features of an edit: log(1 + count) and the smoothed log relative frequency. They depend only on the
    // edit's kind, its labels and the count, so they are computed once per entry and map (Math.Log is not free).
    private ref readonly PriorMemo Prior(ConfusionMap map, LabelEdit e, int count, ReadOnlySpan<int> hyp)
    {
        int classes = map.Vocabulary.Count;
        int a = e.Kind switch
        {
            EditKind.Substitute => hyp[e.Position],
            EditKind.Delete => hyp[e.Position],
            _ => e.Position > 0 ? hyp[e.Position - 1] : -1,
        };
        int b = e.Kind == EditKind.Delete ? 0 : e.Label;
        ref PriorMemo memo = ref _priors[((((int)e.Kind * (classes + 1)) + a + 1) * classes) + b];
        if (!memo.Set || memo.Count != count)
        {
            memo = new PriorMemo(
                true,
                count,
                count < _logOnePlus.Length ? _logOnePlus[count] : Math.Log(1.0 + count),
                PriorLogRelative(map, e, count, hyp));
        }

        return ref memo;
    }

    // The candidate's CTC gain clamped to [−50, 50] (a feature must be finite): −50 when the candidate cannot be aligned,
    // 50 when only it can.
    private static double ClampedGain(double logp, double hypLogp, bool hypFinite)
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

    private static (bool Start, bool End) WordEdges(ReadOnlySpan<int> hyp, LabelEdit e, int space)
    {
        int i = e.Position, length = hyp.Length;
        if (e.Kind == EditKind.Insert)
        {
            return (i == 0 || hyp[i - 1] == space, i == length || hyp[i] == space);
        }

        bool isLetter = hyp[i] != space;
        return (isLetter && (i == 0 || hyp[i - 1] == space), isLetter && (i == length - 1 || hyp[i + 1] == space));
    }

    internal static double EstimateAsrScore(LogProbMatrix logProbs, int blankIndex)
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

    private const int SmallCounts = 4096;

    private readonly record struct PriorMemo(bool Set, int Count, double LogCount, double LogRelative);

    private static void Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            array = new T[length];
        }
    }
}
