namespace Nko.Lm;

/// <summary>
/// The tokens of a text under the <see cref="CharTokens"/> convention, one at a time and without allocating: each is a
/// character, or <see cref="Separator"/> for the word separator <c>|</c> that stands for a run of white space between
/// two characters. The one walk that <see cref="CharTokens"/> and <see cref="CharLanguageModel"/> tokenize with.
/// </summary>
internal ref struct CharTokenEnumerator
{
    /// <summary>The value of <see cref="Current"/> for the word separator.</summary>
    public const int Separator = -1;

    private readonly ReadOnlySpan<char> _text;
    private int _next;
    private bool _any;
    private bool _pendingSeparator;

    public CharTokenEnumerator(ReadOnlySpan<char> text) => _text = text;

    /// <summary>The current token: a character, or <see cref="Separator"/>.</summary>
    public int Current { get; private set; }

    public readonly CharTokenEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        while (_next < _text.Length)
        {
            char c = _text[_next];
            if (char.IsWhiteSpace(c))
            {
                _pendingSeparator = _any; // none at the start
                _next++;
                continue;
            }

            if (_pendingSeparator)
            {
                // The character stays for the next call.
                _pendingSeparator = false;
                Current = Separator;
                return true;
            }

            _any = true;
            _next++;
            Current = c;
            return true;
        }

        return false;
    }
}
