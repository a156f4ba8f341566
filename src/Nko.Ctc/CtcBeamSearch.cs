// About 600 lines on purpose: one algorithm (prefix beam search with shallow LM fusion) whose prefix trie, LM states
// and beam arrays (struct of arrays, reused per call) every method here shares; split, one loop's invariants would span files.
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Nko.Lm;

namespace Nko.Ctc;

/// <summary>
/// CTC prefix beam search, optionally with a character n-gram language model by shallow fusion: each prefix keeps its
/// blank-ending and non-blank-ending log-probabilities (every alignment summed exactly), and is ranked by
/// <c>log P_ctc + α · ln P_lm(prefix | &lt;s&gt;) + β · length</c>; the <c>&lt;/s&gt;</c> term is added at the end.
/// </summary>
/// <remarks>
/// <para>
/// <b>Per frame</b>: the candidate classes are those with log-prob ≥ <see cref="BeamSearchOptions.TokenLogProbCutoff"/>
/// plus the frame's arg-max (lowest id on a tie). A frame where only the blank is a candidate adds its log-prob to every
/// prefix (p_b ← logaddexp(p_b, p_nb) + blank, p_nb ← −∞) and keeps the beam as it is. Otherwise every prefix of the beam
/// (in beam order) is combined with every candidate (in ascending class id): the blank keeps the prefix (into p_b); a
/// label equal to the prefix's last one keeps the prefix from p_nb (a repeat collapses) and starts a new copy only from
/// p_b; any other label extends the prefix from both. Prefixes reached more than once are merged (log-add-exp). The new
/// prefixes are then ranked by score (highest first; <b>ties keep the order in which the prefixes were first reached</b>,
/// which with the combination order above is a total order), those below the best score minus
/// <see cref="BeamSearchOptions.BeamPruning"/> and those of probability zero are dropped, and at most
/// <see cref="BeamSearchOptions.BeamWidth"/> are kept.
/// </para>
/// <para>
/// <b>At the end</b> each surviving prefix gets α · ln P_lm(&lt;/s&gt; | prefix); the n-best list is sorted by the final
/// score in the same total order.
/// </para>
/// <para>
/// <b>Language-model tokens</b>: a class whose symbol is white space is the word separator <c>|</c>; any other label is its
/// character's token, or <c>&lt;unk&gt;</c> if the model lacks it (scored as KenLM does: <c>&lt;unk&gt;</c> plus the
/// back-offs it falls through). Scores are the model's log10 values × ln 10, accumulated in double.
/// </para>
/// <para>
/// <b>Memory</b>: prefixes are nodes of a trie (parent, label, length, language-model state and cumulative score; the
/// children of a node in a sibling list, searched by label), so extending, merging and re-reaching a prefix never copies
/// labels and scores each (prefix, label) with the language model once per utterance. Every buffer is owned by the
/// instance and only grows: once warm, <see cref="DecodeBest"/> allocates nothing, and <see cref="Decode(LogProbMatrix)"/>
/// allocates only its result. Instances are <b>not thread-safe</b>: use one per thread (results do not depend on which
/// instance or thread decodes).
/// </para>
/// </remarks>
public sealed class CtcBeamSearch
{
    private const int NoNode = -1;

    private readonly CtcVocabulary _vocabulary;
    private readonly CharLanguageModel? _lm;
    private readonly int _blank;
    private readonly int _classes;
    private readonly int _width;
    private readonly double _cutoff;
    private readonly double _pruning;
    private readonly double _alpha;
    private readonly double _beta;
    private readonly int _nbest;
    private readonly int[] _lmToken;     // per class: the LM token id (−1 for the blank)
    private readonly bool[] _isSpace;    // per class: the symbol is white space
    private readonly int[] _candidates;  // the current frame's candidate classes, ascending

    // The trie of prefixes (node 0 = the empty prefix), struct of arrays.
    private int[] _parent = new int[256];
    private int[] _label = new int[256];
    private int[] _length = new int[256];
    private int[] _firstChild = new int[256];
    private int[] _nextSibling = new int[256];
    private LmState[] _lmState = new LmState[256];
    private double[] _lmLn = new double[256];      // ln P_lm(prefix | <s>), without </s>
    private int[] _slotStamp = new int[256];       // == _stamp when the node has a slot in the next beam
    private int[] _slot = new int[256];
    private int _nodes;
    private int _stamp;

    // The beam and the next beam: node, p_blank, p_non-blank (natural logs), and the next beam's scores.
    private int[] _beamNode = new int[64];
    private double[] _beamPb = new double[64];
    private double[] _beamPnb = new double[64];
    private int _beamCount;
    private int[] _nextNode = new int[64];
    private double[] _nextPb = new double[64];
    private double[] _nextPnb = new double[64];
    private double[] _nextScore = new double[64];
    private int[] _order = new int[64];
    private int _nextCount;

    /// <summary>Creates a search over <paramref name="vocabulary"/>, with or without a language model.</summary>
    /// <param name="vocabulary">The recogniser's classes (the matrices' column count and blank).</param>
    /// <param name="languageModel">A character n-gram model for shallow fusion, or <see langword="null"/> for CTC alone.</param>
    /// <param name="options">The knobs (validated and copied here); <see langword="null"/> for <see cref="BeamSearchOptions.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="vocabulary"/> is null.</exception>
    public CtcBeamSearch(CtcVocabulary vocabulary, CharLanguageModel? languageModel = null, BeamSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        options ??= BeamSearchOptions.Default; // valid by construction: its values are checked as they are set
        _vocabulary = vocabulary;
        _lm = languageModel;
        Options = options;
        _blank = vocabulary.BlankIndex;
        _classes = vocabulary.Count;
        _width = options.BeamWidth;
        _cutoff = options.TokenLogProbCutoff;
        _pruning = options.BeamPruning;
        _alpha = languageModel is null ? 0 : options.LmWeight;
        _beta = languageModel is null ? 0 : options.LengthBonus;
        _nbest = options.NBest;
        _lmToken = new int[_classes];
        _isSpace = new bool[_classes];
        _candidates = new int[_classes + 1];
        for (int c = 0; c < _classes; c++)
        {
            if (c == _blank)
            {
                _lmToken[c] = -1;
                continue;
            }

            char symbol = vocabulary.GetSymbol(c);
            _isSpace[c] = char.IsWhiteSpace(symbol);
            _lmToken[c] = languageModel is null ? -1 : _isSpace[c] ? languageModel.WordSeparatorId : languageModel.GetTokenId(symbol);
        }
    }

    /// <summary>The vocabulary the search decodes with.</summary>
    public CtcVocabulary Vocabulary => _vocabulary;

    /// <summary>The options the search was created with (validated; immutable).</summary>
    public BeamSearchOptions Options { get; }

    /// <summary>The language model of the shallow fusion, or <see langword="null"/>.</summary>
    public CharLanguageModel? LanguageModel => _lm;

    /// <summary>Decodes <paramref name="logProbs"/> into an n-best list of <see cref="BeamSearchOptions.NBest"/> hypotheses.</summary>
    /// <param name="logProbs">Natural-log CTC posteriors <c>[T, C]</c>, C = the vocabulary's size; used as given (see <see cref="LogProbMatrix.Validate"/>).</param>
    /// <exception cref="ArgumentException">The matrix's class count differs from the vocabulary's.</exception>
    public BeamSearchResult Decode(LogProbMatrix logProbs)
    {
        Search(logProbs);
        int count = Finish();
        int n = Math.Min(count, _nbest);
        var hypotheses = ImmutableArray.CreateBuilder<BeamHypothesis>(n);
        for (int k = 0; k < n; k++)
        {
            int i = _order[k];
            int node = _nextNode[i];
            int[] labels = new int[_length[node]];
            WriteLabels(node, labels);
            double ctc = LogAddExp(_nextPb[i], _nextPnb[i]);
            double lm = _lm is null ? 0 : _lmLn[node] + EndLn(node);
            hypotheses.Add(new BeamHypothesis(ImmutableArray.Create(labels), ToText(labels), ctc, lm, _nextScore[i]));
        }

        return new BeamSearchResult(hypotheses.MoveToImmutable());
    }

    /// <summary>
    /// Decodes <paramref name="logProbs"/> and writes the best hypothesis' labels (as <see cref="BeamHypothesis.Labels"/>)
    /// into <paramref name="labels"/>, allocating nothing once the instance is warm.
    /// </summary>
    /// <param name="logProbs">As for <see cref="Decode(LogProbMatrix)"/>.</param>
    /// <param name="labels">Receives the labels; at most T are written, so T entries always suffice.</param>
    /// <param name="score">The best hypothesis' <see cref="BeamHypothesis.Score"/>; −∞ when every alignment has probability zero (then 0 labels).</param>
    /// <returns>The number of labels written.</returns>
    /// <exception cref="ArgumentException">The matrix's class count differs from the vocabulary's, or <paramref name="labels"/> is too short for the best hypothesis.</exception>
    public int DecodeBest(LogProbMatrix logProbs, Span<int> labels, out double score)
    {
        Search(logProbs);
        int count = Finish();
        if (count == 0)
        {
            score = double.NegativeInfinity;
            return 0;
        }

        int i = _order[0];
        int node = _nextNode[i];
        int length = _length[node];
        if (labels.Length < length)
        {
            throw new ArgumentException($"The destination has {labels.Length} entries; the best hypothesis has {length} labels.", nameof(labels));
        }

        WriteLabels(node, labels[..length]);
        score = _nextScore[i];
        return length;
    }

    /// <summary>Runs the frames; leaves the surviving prefixes in the beam, in beam order.</summary>
    private void Search(LogProbMatrix logProbs)
    {
        if (logProbs.Classes != _classes)
        {
            throw new ArgumentException($"The matrix has {logProbs.Classes} classes; the vocabulary has {_classes}.", nameof(logProbs));
        }

        // The empty prefix.
        _nodes = 0;
        int root = NewNode(NoNode, -1);
        _length[root] = 0;
        _lmState[root] = _lm is null ? default : _lm.BeginSentenceState;
        _lmLn[root] = 0;
        _beamCount = 1;
        _beamNode[0] = root;
        _beamPb[0] = 0;
        _beamPnb[0] = double.NegativeInfinity;

        ReadOnlySpan<float> data = logProbs.Span;
        for (int t = 0; t < logProbs.Frames && _beamCount > 0; t++)
        {
            ReadOnlySpan<float> row = data.Slice(t * _classes, _classes);
            int candidates = Candidates(row);
            if (candidates == 1 && _candidates[0] == _blank)
            {
                BlankOnlyFrame(row[_blank]);
            }
            else
            {
                Frame(row, candidates);
            }
        }
    }

    /// <summary>Collects the frame's candidate classes (ascending): log-prob ≥ the cut-off, plus the arg-max.</summary>
    private int Candidates(ReadOnlySpan<float> row)
    {
        int n = 0, argmax = 0;
        float max = row[0];
        for (int c = 0; c < row.Length; c++)
        {
            float v = row[c];
            if (v > max)
            {
                max = v;
                argmax = c;
            }

            if (v >= _cutoff)
            {
                _candidates[n++] = c;
            }
        }

        if (!(max >= _cutoff))
        {
            // The arg-max alone (every other class is below it, hence below the cut-off).
            _candidates[0] = argmax;
            n = 1;
        }

        return n;
    }

    private void BlankOnlyFrame(double blank)
    {
        if (double.IsNegativeInfinity(blank) || double.IsNaN(blank))
        {
            _beamCount = 0;
            return;
        }

        for (int i = 0; i < _beamCount; i++)
        {
            _beamPb[i] = LogAddExp(_beamPb[i], _beamPnb[i]) + blank;
            _beamPnb[i] = double.NegativeInfinity;
        }
    }

    private void Frame(ReadOnlySpan<float> row, int candidates)
    {
        EnsureNext(_beamCount * (candidates + 1));
        NextStamp();
        _nextCount = 0;
        for (int i = 0; i < _beamCount; i++)
        {
            int node = _beamNode[i];
            double pb = _beamPb[i], pnb = _beamPnb[i];
            double total = LogAddExp(pb, pnb);
            int last = _label[node];
            for (int k = 0; k < candidates; k++)
            {
                int c = _candidates[k];
                double p = row[c];
                if (c == _blank)
                {
                    int s = SlotOf(node);
                    _nextPb[s] = LogAddExp(_nextPb[s], total + p);
                }
                else if (c == last)
                {
                    int s = SlotOf(node);
                    _nextPnb[s] = LogAddExp(_nextPnb[s], pnb + p);
                    int child = Child(node, c);
                    int cs = SlotOf(child);
                    _nextPnb[cs] = LogAddExp(_nextPnb[cs], pb + p);
                }
                else
                {
                    int child = Child(node, c);
                    int cs = SlotOf(child);
                    _nextPnb[cs] = LogAddExp(_nextPnb[cs], total + p);
                }
            }
        }

        int kept = Rank(_pruning, _width);

        // The kept prefixes become the beam, in rank order.
        for (int k = 0; k < kept; k++)
        {
            int s = _order[k];
            _beamNode[k] = _nextNode[s];
            _beamPb[k] = _nextPb[s];
            _beamPnb[k] = _nextPnb[s];
        }

        _beamCount = kept;
    }

    /// <summary>
    /// Scores the next beam's entries, and writes into <c>_order</c> the indices of those within <paramref name="pruning"/>
    /// of the best and of non-zero probability, best first (ties in entry order), at most <paramref name="width"/>.
    /// </summary>
    private int Rank(double pruning, int width)
    {
        double best = double.NegativeInfinity;
        for (int s = 0; s < _nextCount; s++)
        {
            int node = _nextNode[s];
            double ctc = LogAddExp(_nextPb[s], _nextPnb[s]);
            double score = ctc + (_alpha * _lmLn[node]) + (_beta * _length[node]);
            if (double.IsNegativeInfinity(ctc))
            {
                score = double.NegativeInfinity;
            }

            _nextScore[s] = score;
            if (score > best)
            {
                best = score;
            }
        }

        if (double.IsNegativeInfinity(best))
        {
            return 0;
        }

        double threshold = best - pruning;
        int kept = 0;
        for (int s = 0; s < _nextCount; s++)
        {
            double score = _nextScore[s];
            if (!(score >= threshold) || double.IsNegativeInfinity(score))
            {
                continue;
            }

            if (kept == width)
            {
                if (score <= _nextScore[_order[kept - 1]])
                {
                    continue;
                }

                kept--; // the last one drops out
            }

            kept = InsertRanked(kept, s, score);
        }

        return kept;
    }

    /// <summary>Moves the beam into the next-beam arrays with final scores (&lt;/s&gt; added) and ranks all of it.</summary>
    private int Finish()
    {
        EnsureNext(_beamCount);
        for (int i = 0; i < _beamCount; i++)
        {
            _nextNode[i] = _beamNode[i];
            _nextPb[i] = _beamPb[i];
            _nextPnb[i] = _beamPnb[i];
        }

        _nextCount = _beamCount;
        double best = double.NegativeInfinity;
        for (int s = 0; s < _nextCount; s++)
        {
            int node = _nextNode[s];
            double ctc = LogAddExp(_nextPb[s], _nextPnb[s]);
            double lm = _lm is null ? 0 : _lmLn[node] + EndLn(node);
            double score = double.IsNegativeInfinity(ctc) ? double.NegativeInfinity : ctc + (_alpha * lm) + (_beta * _length[node]);
            _nextScore[s] = score;
            best = Math.Max(best, score);
        }

        // Stable insertion sort of everything (the beam is small), ties in beam order; −∞ entries dropped.
        int kept = 0;
        for (int s = 0; s < _nextCount; s++)
        {
            double score = _nextScore[s];
            if (double.IsNegativeInfinity(score) || double.IsNaN(score))
            {
                continue;
            }

            kept = InsertRanked(kept, s, score);
        }

        return kept;
    }

    /// <summary>Inserts entry <paramref name="s"/> into <c>_order[..kept]</c> by descending score, after equal scores (stable); returns the new count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int InsertRanked(int kept, int s, double score)
    {
        int pos = kept;
        while (pos > 0 && _nextScore[_order[pos - 1]] < score)
        {
            _order[pos] = _order[pos - 1];
            pos--;
        }

        _order[pos] = s;
        return kept + 1;
    }

    private double EndLn(int node) => _lm!.Score(_lmState[node], _lm.EndSentenceId, out _) * CharLanguageModel.Ln10;

    /// <summary>The child of <paramref name="node"/> by <paramref name="label"/>, created (and scored by the LM) on first use.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Child(int node, int label)
    {
        for (int c = _firstChild[node]; c != NoNode; c = _nextSibling[c])
        {
            if (_label[c] == label)
            {
                return c;
            }
        }

        int child = NewNode(node, label);
        _nextSibling[child] = _firstChild[node];
        _firstChild[node] = child;
        _length[child] = _length[node] + 1;
        if (_lm is not null)
        {
            float log10 = _lm.Score(_lmState[node], _lmToken[label], out LmState next);
            _lmState[child] = next;
            _lmLn[child] = _lmLn[node] + (log10 * CharLanguageModel.Ln10);
        }
        else
        {
            _lmLn[child] = 0;
        }

        return child;
    }

    private int NewNode(int parent, int label)
    {
        if (_nodes == _parent.Length)
        {
            GrowNodes();
        }

        int node = _nodes++;
        _parent[node] = parent;
        _label[node] = label;
        _firstChild[node] = NoNode;
        _nextSibling[node] = NoNode;
        _slotStamp[node] = 0;
        return node;
    }

    /// <summary>The node's entry in the next beam, created (p_b = p_nb = −∞) on first use in this frame.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SlotOf(int node)
    {
        if (_slotStamp[node] == _stamp)
        {
            return _slot[node];
        }

        int s = _nextCount++;
        _slotStamp[node] = _stamp;
        _slot[node] = s;
        _nextNode[s] = node;
        _nextPb[s] = double.NegativeInfinity;
        _nextPnb[s] = double.NegativeInfinity;
        return s;
    }

    private void NextStamp()
    {
        if (_stamp == int.MaxValue)
        {
            Array.Clear(_slotStamp);
            _stamp = 0;
        }

        _stamp++;
    }

    private void EnsureNext(int capacity)
    {
        if (_nextNode.Length >= capacity)
        {
            return;
        }

        int size = Math.Max(capacity, _nextNode.Length * 2);
        _nextNode = new int[size];
        _nextPb = new double[size];
        _nextPnb = new double[size];
        _nextScore = new double[size];
        _order = new int[size];
        Array.Resize(ref _beamNode, size);
        Array.Resize(ref _beamPb, size);
        Array.Resize(ref _beamPnb, size);
    }

    private void GrowNodes()
    {
        int size = _parent.Length * 2;
        Array.Resize(ref _parent, size);
        Array.Resize(ref _label, size);
        Array.Resize(ref _length, size);
        Array.Resize(ref _firstChild, size);
        Array.Resize(ref _nextSibling, size);
        Array.Resize(ref _lmState, size);
        Array.Resize(ref _lmLn, size);
        Array.Resize(ref _slotStamp, size);
        Array.Resize(ref _slot, size);
    }

    private void WriteLabels(int node, Span<int> destination)
    {
        for (int k = _length[node] - 1; k >= 0; k--)
        {
            destination[k] = _label[node];
            node = _parent[node];
        }
    }

    private string ToText(ReadOnlySpan<int> labels)
    {
        Span<char> buffer = labels.Length <= 256 ? stackalloc char[labels.Length] : new char[labels.Length];
        int n = 0;
        bool pendingSpace = false;
        foreach (int label in labels)
        {
            if (_isSpace[label])
            {
                pendingSpace = n > 0;
                continue;
            }

            if (pendingSpace)
            {
                buffer[n++] = ' ';
                pendingSpace = false;
            }

            buffer[n++] = _vocabulary.GetSymbol(label);
        }

        return new string(buffer[..n]);
    }

    /// <summary>
    /// ln(e^a + e^b), as NumPy's <c>logaddexp</c>: max + log1p(exp(−|a − b|)); −∞ if both are −∞. Where exp(−|a − b|) is
    /// exactly 0 in double (one side −∞, or |a − b| &gt; 746) the answer is max itself, returned without calling exp: glibc's
    /// exp takes a slow path (errno) for results that underflow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double LogAddExp(double a, double b)
    {
        if (a == b)
        {
            // Also the −∞ case (−∞ − −∞ would be NaN).
            return double.IsNegativeInfinity(a) ? a : a + 0.6931471805599453;
        }

        double max = Math.Max(a, b), diff = Math.Abs(a - b);
        if (!(diff <= ExpUnderflow))
        {
            // exp(−diff) rounds to 0, so log1p adds nothing (also when one side is −∞).
            return max;
        }

        return max + LogOnePlus(Math.Exp(-diff));
    }

    /// <summary>Above this, exp(−x) is 0 in double (the smallest subnormal is 2^−1074 ≈ e^−744.44).</summary>
    private const double ExpUnderflow = 746.0;

    /// <summary>ln(1 + x) for 0 ≤ x ≤ 1, accurate for small x (Goldberg's correction: ln(u) · x / (u − 1), u = 1 + x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double LogOnePlus(double x)
    {
        double u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }
}
