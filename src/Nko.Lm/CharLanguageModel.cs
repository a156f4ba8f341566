using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using Nko.Lm.Internal;

namespace Nko.Lm;

/// <summary>
/// A character n-gram language model (ARPA semantics: log10 probabilities, back-off weights, <c>&lt;s&gt;</c>,
/// <c>&lt;/s&gt;</c>, <c>&lt;unk&gt;</c>) that scores exactly as KenLM does, with a stateful, allocation-free API for
/// decoders.
/// </summary>
/// <remarks>
/// <para>
/// Load one with <see cref="LoadArpa(string)"/> (text) or <see cref="Load(string)"/> (this library's binary form, written by
/// <see cref="Save(string)"/>; it loads in milliseconds). The model is immutable and safe to share between threads.
/// </para>
/// <para>
/// Scoring follows KenLM: <c>p(w | h)</c> is the probability of the longest listed n-gram <c>h' w</c> (<c>h'</c> a
/// suffix of <c>h</c>) plus the back-off weights of the contexts it fell through. An unknown token is scored as
/// <c>&lt;unk&gt;</c> plus those back-offs, and the next state is then empty. Values are float32 and summed in
/// float32 in KenLM's order, so they equal KenLM's bit for bit on the fixtures.
/// </para>
/// <para>
/// Limits: order 1 to <see cref="MaxOrder"/>; at most <see cref="MaxNgramsPerOrder"/> n-grams per order (the tables are
/// .NET arrays). Tokens are strings; the character helpers map one UTF-16 code unit to a one-character token.
/// </para>
/// </remarks>
public sealed partial class CharLanguageModel
{
    /// <summary>The highest order this library loads (KenLM's default build limit, <c>KENLM_MAX_ORDER</c>, is 6; its fixture build used 10).</summary>
    public const int MaxOrder = 10;

    /// <summary>The most n-grams of one order this library loads (and the largest vocabulary).</summary>
    public const int MaxNgramsPerOrder = 1 << 30;

    /// <summary>The unknown-token string, <c>&lt;unk&gt;</c>; its id is always 0.</summary>
    public const string UnknownToken = "<unk>";

    /// <summary>The sentence-start token string, <c>&lt;s&gt;</c>.</summary>
    public const string BeginSentenceToken = "<s>";

    /// <summary>The sentence-end token string, <c>&lt;/s&gt;</c>.</summary>
    public const string EndSentenceToken = "</s>";

    /// <summary>ln 10, to turn log10 scores into natural logs.</summary>
    public const double Ln10 = 2.302585092994045684;

    private const int DenseCharLimit = 0x0800;

    private readonly NgramLevel[] _levels;
    private readonly string[] _tokens;
    private readonly FrozenDictionary<string, int> _ids;
    private readonly FrozenDictionary<char, int> _sparseCharIds;
    private readonly int[] _denseCharIds;

    internal CharLanguageModel(string[] tokens, NgramLevel[] levels)
    {
        _tokens = tokens;
        _levels = levels;
        Order = levels.Length;
        var ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
        {
            ids[tokens[i]] = i;
        }

        _ids = ids.ToFrozenDictionary(StringComparer.Ordinal);
        BeginSentenceId = ids[BeginSentenceToken];
        EndSentenceId = ids[EndSentenceToken];
        WordSeparatorId = ids.GetValueOrDefault(CharTokens.WordSeparator, UnknownId);

        _denseCharIds = new int[DenseCharLimit];
        var sparse = new Dictionary<char, int>();
        for (int i = 0; i < tokens.Length; i++)
        {
            if (tokens[i].Length == 1)
            {
                char c = tokens[i][0];
                if (c < DenseCharLimit)
                {
                    _denseCharIds[c] = i;
                }
                else
                {
                    sparse[c] = i;
                }
            }
        }

        _sparseCharIds = sparse.ToFrozenDictionary();
        var counts = new long[levels.Length];
        for (int i = 0; i < levels.Length; i++)
        {
            counts[i] = levels[i].Count;
        }

        NgramCounts = counts;
        BeginSentenceState = new LmState(1, BeginSentenceId);
    }

    /// <summary>The model's order N (the longest n-gram; states hold at most N − 1 tokens).</summary>
    public int Order { get; }

    /// <summary>How many tokens the vocabulary holds, <c>&lt;unk&gt;</c>, <c>&lt;s&gt;</c> and <c>&lt;/s&gt;</c> included. Ids are 0 … size − 1.</summary>
    public int VocabularySize => _tokens.Length;

    /// <summary>The id of <c>&lt;unk&gt;</c>: 0.</summary>
    public int UnknownId => 0;

    /// <summary>The id of <c>&lt;s&gt;</c>.</summary>
    public int BeginSentenceId { get; }

    /// <summary>The id of <c>&lt;/s&gt;</c>.</summary>
    public int EndSentenceId { get; }

    /// <summary>The id of the word separator <c>|</c>, or <see cref="UnknownId"/> if the vocabulary lacks it.</summary>
    public int WordSeparatorId { get; }

    /// <summary>How many n-grams of each order the model holds (index 0: unigrams).</summary>
    public IReadOnlyList<long> NgramCounts { get; }

    /// <summary>Bytes held by the n-gram tables (the scoring structure; the vocabulary's strings not included).</summary>
    public long TableBytes
    {
        get
        {
            long bytes = 0;
            foreach (NgramLevel level in _levels)
            {
                bytes += level.Bytes;
            }

            return bytes;
        }
    }

    /// <summary>The state at the start of a sentence: the context <c>&lt;s&gt;</c> (KenLM's <c>BeginSentenceState</c>).</summary>
    public LmState BeginSentenceState { get; }

    /// <summary>The empty context (KenLM's <c>NullContextState</c>); equal to <c>default(LmState)</c>.</summary>
    public LmState NullContextState => default;

    /// <summary>The token string of <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not a token id.</exception>
    public string GetToken(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, _tokens.Length);
        return _tokens[id];
    }

    /// <summary>The id of a token string (as written in the ARPA file), or <see cref="UnknownId"/> if the vocabulary lacks it.</summary>
    public int GetTokenId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _ids.GetValueOrDefault(token, UnknownId);
    }

    /// <summary>
    /// The token id of one character under the <see cref="CharTokens"/> convention: white space is the word separator
    /// <c>|</c>; any other character is its one-character token, or <see cref="UnknownId"/> if the vocabulary lacks it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetTokenId(char c)
    {
        if (c < DenseCharLimit)
        {
            int id = _denseCharIds[c];
            if (id != 0 || !char.IsWhiteSpace(c))
            {
                return id;
            }

            return WordSeparatorId;
        }

        return char.IsWhiteSpace(c) ? WordSeparatorId : _sparseCharIds.GetValueOrDefault(c, UnknownId);
    }

    /// <summary>The token ids of <paramref name="text"/> under the <see cref="CharTokens"/> convention.</summary>
    public int[] Encode(ReadOnlySpan<char> text)
    {
        var ids = new List<int>(text.Length);
        foreach (int token in new CharTokenEnumerator(text))
        {
            ids.Add(token == CharTokenEnumerator.Separator ? WordSeparatorId : GetTokenId((char)token));
        }

        return [.. ids];
    }

    /// <summary>
    /// The log10 probability of <paramref name="token"/> in context <paramref name="state"/>, and the state after it
    /// (KenLM's <c>FullScore</c>/<c>BaseScore</c>). Allocates nothing.
    /// </summary>
    /// <param name="state">The context, from <see cref="BeginSentenceState"/>, <see cref="NullContextState"/> or an earlier call.</param>
    /// <param name="token">A token id (0 = <c>&lt;unk&gt;</c>).</param>
    /// <param name="next">The minimal state after <paramref name="token"/>: empty after an unknown token.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="token"/> is not a token id, or <paramref name="state"/> does not fit this model.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Score(in LmState state, int token, out LmState next) => Score(state, token, out next, out _);

    /// <summary>
    /// As <see cref="Score(in LmState, int, out LmState)"/>, also giving the length of the n-gram that matched
    /// (KenLM's <c>ngram_length</c> in <c>full_scores</c>: 1 for a unigram, also for <c>&lt;unk&gt;</c>).
    /// </summary>
    [SkipLocalsInit]
    public float Score(in LmState state, int token, out LmState next, out int ngramLength)
    {
        NgramLevel[] levels = _levels;
        if ((uint)token >= (uint)_tokens.Length)
        {
            ThrowBadToken(token);
        }

        int length = state.Length;
        int context = state.Index;
        if ((uint)length >= (uint)levels.Length || (length > 0 ? (uint)context >= (uint)levels[length - 1].Slots.Length : context != 0))
        {
            ThrowBadState(state);
        }

        BackoffBuffer backoffs = default;
        int fallen = 0;
        int slot = token;
        while (length > 0)
        {
            int found = levels[length].Find(context, token);
            if (found >= 0)
            {
                slot = found;
                break;
            }

            NgramLevel contextLevel = levels[length - 1];
            backoffs[fallen++] = contextLevel.Slots[context].Backoff;
            context = contextLevel.Suffix[context];
            length--;
        }

        // KenLM adds the back-offs to the probability from the shortest context to the longest, in float32.
        NgramLevel level = levels[length];
        float score = level.Slots[slot].Prob;
        for (int i = fallen - 1; i >= 0; i--)
        {
            score += backoffs[i];
        }

        int order = length + 1;
        ngramLength = order;

        // The next state: the longest suffix of the matched n-gram (at most N − 1 tokens) that can be extended.
        if (order == levels.Length)
        {
            slot = level.Suffix[slot];
            order--;
        }

        while (order > 0 && !NgramLevel.HasExtension(levels[order - 1].Slots[slot].Backoff))
        {
            slot = levels[order - 1].Suffix[slot];
            order--;
        }

        next = new LmState(order, order == 0 ? 0 : slot);
        return score;
    }

    /// <summary>As <see cref="Score(in LmState, int, out LmState)"/>, in natural log (log10 × ln 10, in double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double ScoreLn(in LmState state, int token, out LmState next) => Score(state, token, out next, out _) * Ln10;

    /// <summary>
    /// The log10 probability of a token sequence, as KenLM's Python <c>Model.score(sentence, bos, eos)</c>: from
    /// <see cref="BeginSentenceState"/> when <paramref name="bos"/> (else the empty context), adding
    /// <c>p(&lt;/s&gt; | …)</c> when <paramref name="eos"/>; summed in float32 like KenLM.
    /// </summary>
    public float ScoreTokens(ReadOnlySpan<int> tokens, bool bos = true, bool eos = true)
    {
        LmState state = bos ? BeginSentenceState : NullContextState;
        float total = 0;
        foreach (int token in tokens)
        {
            total += Score(state, token, out state, out _);
        }

        if (eos)
        {
            total += Score(state, EndSentenceId, out _, out _);
        }

        return total;
    }

    /// <summary>
    /// The log10 probability of <paramref name="text"/>, tokenized by the <see cref="CharTokens"/> convention (white
    /// space runs → one <c>|</c>, none at the ends), as <see cref="ScoreTokens"/>. Allocates nothing.
    /// </summary>
    public float ScoreSentence(ReadOnlySpan<char> text, bool bos = true, bool eos = true)
    {
        LmState state = bos ? BeginSentenceState : NullContextState;
        float total = 0;
        foreach (int token in new CharTokenEnumerator(text))
        {
            total += Score(state, token == CharTokenEnumerator.Separator ? WordSeparatorId : GetTokenId((char)token), out state, out _);
        }

        if (eos)
        {
            total += Score(state, EndSentenceId, out _, out _);
        }

        return total;
    }

    /// <summary>
    /// Scores every text as a sentence (<c>&lt;s&gt;</c> … <c>&lt;/s&gt;</c>, <see cref="CharTokens"/> convention) and
    /// reports the perplexities KenLM's <c>query</c> prints (every <c>&lt;/s&gt;</c> counts as a token).
    /// </summary>
    public PerplexityResult EvaluatePerplexity(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        double total = 0;
        double oovTotal = 0;
        long tokens = 0;
        long oov = 0;
        long sentences = 0;
        foreach (string text in texts)
        {
            LmState state = BeginSentenceState;
            foreach (int token in Encode(text))
            {
                float score = Score(state, token, out state, out _);
                total += score;
                tokens++;
                if (token == UnknownId)
                {
                    oov++;
                    oovTotal += score;
                }
            }

            total += Score(state, EndSentenceId, out _, out _);
            tokens++;
            sentences++;
        }

        return new PerplexityResult(total, tokens, oov, oovTotal, sentences);
    }

    /// <summary>Converts a log10 score to a natural log.</summary>
    public static double ToNaturalLog(double log10) => log10 * Ln10;

    private static void ThrowBadToken(int token) =>
        throw new ArgumentOutOfRangeException(nameof(token), token, "Not a token id of this model.");

    private static void ThrowBadState(LmState state) =>
        throw new ArgumentOutOfRangeException(nameof(state), state, "The state does not belong to this model.");

    internal NgramLevel[] Levels => _levels;

    internal string[] Tokens => _tokens;

    [InlineArray(MaxOrder)]
    private struct BackoffBuffer
    {
        private float _element;
    }
}
