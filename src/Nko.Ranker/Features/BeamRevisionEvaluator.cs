using Nko.Ctc;
using Nko.Lm;

namespace Nko.Ranker.Features;

/// <summary>
/// Finds the segments in which the beam + LM decode's best text differs from a hypothesis and computes each one's
/// <see cref="BeamRevisionFeatures"/> row. Shared by the pipeline and the trainer, so both see the same numbers.
/// </summary>
/// <remarks>Not thread-safe: one per thread (buffers are reused across calls).</remarks>
internal sealed class BeamRevisionEvaluator
{
    /// <summary>Largest alignment table (hypothesis × beam text) the stage builds; past it, no segments (COPY of the stage).</summary>
    public const long MaxAlignmentCells = 1 << 22;

    private static readonly int Width = BeamRevisionFeatures.All.Length;

    private readonly CtcScorer _scorer = new();
    private int[] _best = [];
    private int[] _variant = [];
    private int[] _table = [];
    private int[] _lmToken = [];
    private ulong[] _masks = [];
    private Segment[] _segments = new Segment[16];
    private double[] _rows = new double[16 * Width];
    private CharLanguageModel? _lmFor;
    private CtcVocabulary? _vocabularyFor;

    /// <summary>A run of differences: H[Start..End) is replaced by Best[ReplacementStart..ReplacementStart + ReplacementLength).</summary>
    public readonly record struct Segment(int Start, int End, int ReplacementStart, int ReplacementLength);

    public int Count { get; private set; }

    public ReadOnlySpan<Segment> Segments => _segments.AsSpan(0, Count);

    /// <summary>Row-major <c>[Count, BeamRevisionFeatures.All.Length]</c>.</summary>
    public ReadOnlySpan<double> Rows => _rows.AsSpan(0, Count * Width);

    /// <summary>The best beam text's labels.</summary>
    public ReadOnlySpan<int> Best => _best.AsSpan(0, BestLength);

    public int BestLength { get; private set; }

    /// <summary>Decodes, aligns and featurises; returns the number of segments.</summary>
    public int Evaluate(
        LogProbMatrix logProbs,
        CtcVocabulary vocabulary,
        ReadOnlySpan<int> hypothesis,
        double asrScore,
        CtcBeamSearch search,
        CharLanguageModel lm,
        SegmentKeyTable keys)
    {
        Count = 0;
        BeamSearchResult result = search.Decode(logProbs);
        if (result.Best is not { } top)
        {
            BestLength = 0;
            return 0;
        }

        BestLength = top.Labels.Length;
        Grow(ref _best, BestLength);
        top.Labels.AsSpan().CopyTo(_best);
        ReadOnlySpan<int> best = Best;
        long cells = (long)(hypothesis.Length + 1) * (best.Length + 1);
        if (cells > MaxAlignmentCells || best.SequenceEqual(hypothesis))
        {
            return 0;
        }

        Align(hypothesis, best);
        if (Count == 0)
        {
            return 0;
        }

        PrepareLm(vocabulary, lm);
        _scorer.Reset(logProbs, vocabulary.BlankIndex);
        double ctcH = _scorer.LogLikelihood(hypothesis);
        double ctcB = _scorer.LogLikelihood(best);
        double lmH = SentenceLn(hypothesis, lm);
        double lmB = SentenceLn(best, lm);
        double margin = result.Hypotheses.Length > 1 ? Math.Min(10, top.Score - result.Hypotheses[1].Score) : 10;
        if (!double.IsFinite(asrScore))
        {
            asrScore = 0;
        }

        Grow(ref _rows, Count * Width);

        // Each n-best text's distance to the hypothesis, once (every segment compares against it), and its match masks
        // for the bit-vector distance when it is short enough (N'Ko utterances mostly are; longer ones take the DP).
        int texts = result.Hypotheses.Length, classes = vocabulary.Count;
        Span<int> baseDistance = texts <= 64 ? stackalloc int[texts] : new int[texts];
        Grow(ref _masks, texts * classes);
        for (int k = 0; k < texts; k++)
        {
            ReadOnlySpan<int> other = result.Hypotheses[k].Labels.AsSpan();
            baseDistance[k] = Distance(hypothesis, other);
            if (other.Length is > 0 and <= BitParallelDistance.MaxPattern)
            {
                BitParallelDistance.Prepare(other, _masks.AsSpan(k * classes, classes));
            }
        }

        var x = new SegmentInputs
        {
            BeamCtcGain = ClampedGain(ctcB - ctcH),
            BeamLmGain = lmB - lmH,
            Segments = Count,
            AsrScore = asrScore,
            BeamMargin = margin,
            HypothesisLength = hypothesis.Length,
            LmWeight = search.Options.LmWeight,
            LengthBonus = search.Options.LengthBonus,
        };
        ReadOnlySpan<SegmentFeatureDescriptor> descriptors = BeamRevisionFeatures.Descriptors.AsSpan();
        for (int s = 0; s < Count; s++)
        {
            Segment seg = _segments[s];
            ReadOnlySpan<int> variant = Apply(hypothesis, best, seg);
            double ctcGain = ClampedGain(_scorer.LogLikelihood(variant) - ctcH);
            double lmGain = SentenceLn(variant, lm) - lmH;
            int agree = 0;
            for (int k = 0; k < texts; k++)
            {
                ReadOnlySpan<int> other = result.Hypotheses[k].Labels.AsSpan();
                int distance = other.Length is > 0 and <= BitParallelDistance.MaxPattern
                    ? BitParallelDistance.Distance(_masks.AsSpan(k * classes, classes), other.Length, variant)
                    : Distance(variant, other);
                if (distance < baseDistance[k])
                {
                    agree++;
                }
            }

            ReadOnlySpan<int> removed = hypothesis[seg.Start..seg.End];
            ReadOnlySpan<int> inserted = best.Slice(seg.ReplacementStart, seg.ReplacementLength);
            (string from, string to, string left, string right) = KeyOf(vocabulary, hypothesis, best, seg);
            x.CtcGain = ctcGain;
            x.LmGain = lmGain;
            x.Removed = removed.Length;
            x.Inserted = inserted.Length;
            x.TouchesSpace = ContainsSpace(removed, vocabulary) || ContainsSpace(inserted, vocabulary);
            x.NBestAgreement = (double)agree / result.Hypotheses.Length;
            x.Key = keys.Get(from, to, null, null);
            x.ContextKey = keys.Get(from, to, left, right);

            // Every one of the Width values is written (no clearing needed).
            Span<double> row = _rows.AsSpan(s * Width, Width);
            for (int k = 0; k < row.Length; k++)
            {
                row[k] = descriptors[k].Compute(in x);
            }
        }

        return Count;
    }

    /// <summary>Rewrites the features of a row that come from the key's counts without and with context (<see cref="SegmentFeatureDescriptor.FromKeyCounts"/>).</summary>
    public static void WriteKeyFeatures(Span<double> row, (int Helped, int Seen) plain, (int Helped, int Seen) context)
    {
        var x = new SegmentInputs { Key = plain, ContextKey = context };
        ReadOnlySpan<SegmentFeatureDescriptor> descriptors = BeamRevisionFeatures.Descriptors.AsSpan();
        for (int k = 0; k < descriptors.Length; k++)
        {
            if (descriptors[k].FromKeyCounts)
            {
                row[k] = descriptors[k].Compute(in x);
            }
        }
    }

    /// <summary>Aligns two label sequences as <see cref="Evaluate"/> does (<paramref name="b"/> as the beam text); for tests.</summary>
    internal int AlignForTesting(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        BestLength = b.Length;
        Grow(ref _best, b.Length);
        b.CopyTo(_best);
        Align(a, Best);
        return Count;
    }

    /// <summary>The key of a segment: replaced text, replacement text, and the hypothesis label on each side (empty at an end).</summary>
    public static (string From, string To, string Left, string Right) KeyOf(CtcVocabulary vocabulary, ReadOnlySpan<int> hypothesis, ReadOnlySpan<int> best, Segment seg)
    {
        string from = vocabulary.Decode(hypothesis[seg.Start..seg.End]);
        string to = vocabulary.Decode(best.Slice(seg.ReplacementStart, seg.ReplacementLength));
        string left = seg.Start > 0 ? vocabulary.GetSymbol(hypothesis[seg.Start - 1]).ToString() : string.Empty;
        string right = seg.End < hypothesis.Length ? vocabulary.GetSymbol(hypothesis[seg.End]).ToString() : string.Empty;
        return (from, to, left, right);
    }

    /// <summary>H with only <paramref name="seg"/> replaced, in a buffer the next call overwrites.</summary>
    public ReadOnlySpan<int> Apply(ReadOnlySpan<int> hypothesis, ReadOnlySpan<int> best, Segment seg)
    {
        int n = hypothesis.Length - (seg.End - seg.Start) + seg.ReplacementLength;
        Grow(ref _variant, n);
        hypothesis[..seg.Start].CopyTo(_variant);
        best.Slice(seg.ReplacementStart, seg.ReplacementLength).CopyTo(_variant.AsSpan(seg.Start));
        hypothesis[seg.End..].CopyTo(_variant.AsSpan(seg.Start + seg.ReplacementLength));
        return _variant.AsSpan(0, n);
    }

    // Levenshtein alignment, backtraced from the end preferring match, then substitution, deletion, insertion; a segment
    // is a maximal run of non-match steps. Deterministic: the segments depend only on the two sequences.
    private void Align(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int n = a.Length, m = b.Length, w = m + 1;
        Grow(ref _table, (n + 1) * w);
        Span<int> d = _table.AsSpan(0, (n + 1) * w);
        for (int j = 0; j <= m; j++)
        {
            d[j] = j;
        }

        for (int i = 1; i <= n; i++)
        {
            d[i * w] = i;
            for (int j = 1; j <= m; j++)
            {
                int sub = d[((i - 1) * w) + j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                d[(i * w) + j] = Math.Min(sub, Math.Min(d[((i - 1) * w) + j], d[(i * w) + j - 1]) + 1);
            }
        }

        // Walk back; segment ends are recorded when a run of differences starts (going backwards) and closed at its match.
        int ii = n, jj = m, runEndA = -1, runEndB = -1;
        Count = 0;
        while (ii > 0 || jj > 0)
        {
            bool match = ii > 0 && jj > 0 && a[ii - 1] == b[jj - 1] && d[(ii * w) + jj] == d[((ii - 1) * w) + jj - 1];
            if (match)
            {
                if (runEndA >= 0)
                {
                    AddSegment(ii, runEndA, jj, runEndB - jj);
                    runEndA = -1;
                }

                ii--;
                jj--;
                continue;
            }

            if (runEndA < 0)
            {
                runEndA = ii;
                runEndB = jj;
            }

            if (ii > 0 && jj > 0 && d[(ii * w) + jj] == d[((ii - 1) * w) + jj - 1] + 1)
            {
                ii--;
                jj--;
            }
            else if (ii > 0 && d[(ii * w) + jj] == d[((ii - 1) * w) + jj] + 1)
            {
                ii--;
            }
            else
            {
                jj--;
            }
        }

        if (runEndA >= 0)
        {
            AddSegment(0, runEndA, 0, runEndB);
        }

        // Collected back to front: put them in text order.
        _segments.AsSpan(0, Count).Reverse();
    }

    private void AddSegment(int start, int end, int replacementStart, int replacementLength)
    {
        if (Count == _segments.Length)
        {
            Array.Resize(ref _segments, Count * 2);
        }

        _segments[Count++] = new Segment(start, end, replacementStart, replacementLength);
    }

    private void PrepareLm(CtcVocabulary vocabulary, CharLanguageModel lm)
    {
        if (ReferenceEquals(lm, _lmFor) && ReferenceEquals(vocabulary, _vocabularyFor))
        {
            return;
        }

        _lmToken = new int[vocabulary.Count];
        for (int c = 0; c < vocabulary.Count; c++)
        {
            if (c == vocabulary.BlankIndex)
            {
                _lmToken[c] = -1;
                continue;
            }

            char symbol = vocabulary.GetSymbol(c);
            _lmToken[c] = char.IsWhiteSpace(symbol) ? lm.WordSeparatorId : lm.GetTokenId(symbol);
        }

        _lmFor = lm;
        _vocabularyFor = vocabulary;
    }

    // ln P_lm of the labels as a sentence (<s> … </s>), the same tokens the beam search scores.
    private double SentenceLn(ReadOnlySpan<int> labels, CharLanguageModel lm)
    {
        LmState state = lm.BeginSentenceState;
        double log10 = 0;
        foreach (int label in labels)
        {
            log10 += lm.Score(state, _lmToken[label], out LmState next);
            state = next;
        }

        log10 += lm.Score(state, lm.EndSentenceId, out _);
        return log10 * CharLanguageModel.Ln10;
    }

    private static int Distance(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => Evaluation.EditDistance.Levenshtein(a, b);

    private static bool ContainsSpace(ReadOnlySpan<int> labels, CtcVocabulary vocabulary)
    {
        foreach (int label in labels)
        {
            if (char.IsWhiteSpace(vocabulary.GetSymbol(label)))
            {
                return true;
            }
        }

        return false;
    }

    // A CTC gain clamped to [−50, 50]; NaN (an unalignable text's −∞ − −∞) counts as −50.
    private static double ClampedGain(double gain) => double.IsNaN(gain) || gain < -50 ? -50 : Math.Min(gain, 50);

    private static void Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[Math.Max(length, buffer.Length * 2)];
        }
    }
}
