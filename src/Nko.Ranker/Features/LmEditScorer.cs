using Nko.Ctc;
using Nko.Lm;

namespace Nko.Ranker.Features;

/// <summary>
/// The language-model side of candidate features: the hypothesis' LM states and token scores once per round, then the
/// exact full-sentence LM change of each single edit by stepping from the state before the edit until the candidate's
/// state merges with the hypothesis' (at most order − 1 tokens after the edit; from there every score is the same).
/// </summary>
/// <remarks>
/// Labels map to LM tokens one for one under Nko.Lm's convention: a space is the word separator <c>|</c>, any other
/// label its one-character token, <c>&lt;unk&gt;</c> when the LM lacks it. Runs of spaces are not collapsed (the LM
/// scores a doubled separator as it scores any unseen sequence). Scores are log10 with <c>&lt;s&gt;</c> and
/// <c>&lt;/s&gt;</c>; differences are summed in double in token order, so values are deterministic. Not thread-safe;
/// reuses its buffers (nothing allocated per round after warm-up).
/// </remarks>
internal sealed class LmEditScorer
{
    private CharLanguageModel? _lm;
    private CtcVocabulary? _vocabulary;
    private int[] _labelToToken = [];
    private int[] _tokens = [];
    private float[] _scores = [];
    private LmState[] _states = [];
    private int _length;
    private float _endScore;

    /// <summary>The hypothesis' LM log10 (with <c>&lt;s&gt;</c> and <c>&lt;/s&gt;</c>).</summary>
    public double HypothesisLog10 { get; private set; }

    /// <summary>The hypothesis' LM log10 per token (its labels and <c>&lt;/s&gt;</c>).</summary>
    public double HypothesisPerToken => HypothesisLog10 / (_length + 1);

    /// <summary>Scores the hypothesis: its states before each token and each token's log10.</summary>
    public void SetHypothesis(CharLanguageModel lm, CtcVocabulary vocabulary, ReadOnlySpan<int> hypothesis)
    {
        if (!ReferenceEquals(lm, _lm) || !ReferenceEquals(vocabulary, _vocabulary))
        {
            _labelToToken = new int[vocabulary.Count];
            for (int id = 0; id < vocabulary.Count; id++)
            {
                _labelToToken[id] = vocabulary.IsLabel(id) ? lm.GetTokenId(vocabulary.GetSymbol(id)) : lm.UnknownId;
            }

            _lm = lm;
            _vocabulary = vocabulary;
        }

        int length = hypothesis.Length;
        if (_tokens.Length < length + 1)
        {
            int size = Math.Max(length + 1, 2 * _tokens.Length);
            _tokens = new int[size];
            _scores = new float[size];
            _states = new LmState[size + 1];
        }

        LmState state = lm.BeginSentenceState;
        double total = 0;
        for (int i = 0; i < length; i++)
        {
            int token = _labelToToken[hypothesis[i]];
            _tokens[i] = token;
            _states[i] = state;
            float s = lm.Score(state, token, out state);
            _scores[i] = s;
            total += s;
        }

        _states[length] = state;
        _endScore = lm.Score(state, lm.EndSentenceId, out _);
        _length = length;
        HypothesisLog10 = total + _endScore;
    }

    /// <summary>
    /// The LM change <paramref name="edit"/> makes: the candidate's full-sentence log10 minus the hypothesis'; the
    /// log10 of the edit's first token in its left context (the new label for a substitution or insertion, the token that
    /// follows a deletion, <c>&lt;/s&gt;</c> at the end); and whether the edit brings in a label the LM lacks.
    /// </summary>
    public double Score(LabelEdit edit, out double editLog10, out bool unknown)
    {
        CharLanguageModel lm = _lm!;
        int p = edit.Position, length = _length, j;
        LmState state = _states[p];
        double delta;
        unknown = false;
        switch (edit.Kind)
        {
            case EditKind.Substitute:
            case EditKind.Insert:
                int token = _labelToToken[edit.Label];
                unknown = token == lm.UnknownId;
                float s = lm.Score(state, token, out state);
                editLog10 = s;
                delta = edit.Kind == EditKind.Substitute ? s - (double)_scores[p] : s;
                j = edit.Kind == EditKind.Substitute ? p + 1 : p;
                break;
            default:
                j = p + 1;
                delta = -(double)_scores[p];
                editLog10 = lm.Score(state, j < length ? _tokens[j] : lm.EndSentenceId, out _);
                break;
        }

        // The candidate has now read the hypothesis' tokens up to j (exclusive); once its state equals the hypothesis'
        // state there, every later score is the same.
        while (j < length && state != _states[j])
        {
            delta += lm.Score(state, _tokens[j], out state) - (double)_scores[j];
            j++;
        }

        if (j == length && state != _states[length])
        {
            delta += lm.Score(state, lm.EndSentenceId, out _) - (double)_endScore;
        }

        return delta;
    }
}
