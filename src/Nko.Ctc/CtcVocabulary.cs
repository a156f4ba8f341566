using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Nko.Ctc;

/// <summary>
/// The class inventory of a CTC recogniser: one blank class and one UTF-16 character per other class.
/// </summary>
/// <remarks>
/// Two conventions exist for N'Ko recognisers and both are supported by configuration, never by assumption:
/// <see cref="NkoBlankFirst"/> (blank = 0, U+07C0..U+07FF = 1..64, space = 65) and <see cref="NkoBlankLast"/>
/// (U+07C0..U+07FF = 0..63, space = 64, blank = 65). Instances are immutable and safe to share between threads.
/// </remarks>
public sealed class CtcVocabulary : IEquatable<CtcVocabulary>
{
    private const char FirstNko = '\u07C0';
    private const int NkoCount = 64;

    // Index = character - _lookupBase; value = class id, or -1. Covers the contiguous span of the labels.
    private readonly int[] _lookup;
    private readonly char _lookupBase;
    private readonly char[] _symbols; // by class id; '\0' at the blank

    private CtcVocabulary(ImmutableArray<char> labels, int blankIndex)
    {
        Labels = labels;
        BlankIndex = blankIndex;
        _symbols = labels.ToArray();
        char min = char.MaxValue, max = char.MinValue;
        for (int i = 0; i < _symbols.Length; i++)
        {
            if (i == blankIndex)
            {
                continue;
            }

            min = (char)Math.Min(min, _symbols[i]);
            max = (char)Math.Max(max, _symbols[i]);
        }

        _lookupBase = min;
        _lookup = new int[max - min + 1];
        Array.Fill(_lookup, -1);
        for (int i = 0; i < _symbols.Length; i++)
        {
            if (i != blankIndex)
            {
                _lookup[_symbols[i] - min] = i;
            }
        }
    }

    /// <summary>The default N'Ko vocabulary with the blank first: blank = 0, U+07C0..U+07FF = 1..64, space = 65.</summary>
    public static CtcVocabulary NkoBlankFirst { get; } = CreateNko(blankFirst: true);

    /// <summary>The default N'Ko vocabulary with the blank last: U+07C0..U+07FF = 0..63, space = 64, blank = 65.</summary>
    public static CtcVocabulary NkoBlankLast { get; } = CreateNko(blankFirst: false);

    /// <summary>Number of classes C, including the blank.</summary>
    public int Count => _symbols.Length;

    /// <summary>Class id of the CTC blank.</summary>
    public int BlankIndex { get; }

    /// <summary>The character of every class by id; the blank's entry is <c>'\0'</c>.</summary>
    public ImmutableArray<char> Labels { get; }

    /// <summary>
    /// Creates a vocabulary from the characters of the non-blank classes in id order and the position of the blank.
    /// </summary>
    /// <param name="labels">One character per non-blank class, in class-id order (the blank is inserted at <paramref name="blankIndex"/>).</param>
    /// <param name="blankIndex">Class id of the blank, in [0, labels.Length].</param>
    /// <exception cref="ArgumentException">A label is duplicated, is <c>'\0'</c> or a lone surrogate, or there are no labels.</exception>
    public static CtcVocabulary Create(ReadOnlySpan<char> labels, int blankIndex)
    {
        if (labels.IsEmpty)
        {
            throw new ArgumentException("A vocabulary needs at least one non-blank label.", nameof(labels));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(blankIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blankIndex, labels.Length);
        var seen = new HashSet<char>();
        var builder = ImmutableArray.CreateBuilder<char>(labels.Length + 1);
        for (int i = 0; i < labels.Length; i++)
        {
            char c = labels[i];
            if (c == '\0' || char.IsSurrogate(c))
            {
                throw new ArgumentException(
                    $"Label {i} (U+{(int)c:X4}) cannot be a class: use one BMP character per class.", nameof(labels));
            }

            if (!seen.Add(c))
            {
                throw new ArgumentException($"Label '{c}' (U+{(int)c:X4}) appears twice in the vocabulary.", nameof(labels));
            }

            if (builder.Count == blankIndex)
            {
                builder.Add('\0');
            }

            builder.Add(c);
        }

        if (builder.Count == blankIndex)
        {
            builder.Add('\0');
        }

        return new CtcVocabulary(builder.MoveToImmutable(), blankIndex);
    }

    /// <summary>Creates the 66-class N'Ko vocabulary (64 code points U+07C0..U+07FF and space) with the blank first or last.</summary>
    /// <param name="blankFirst"><see langword="true"/> for blank = 0; <see langword="false"/> for blank = 65.</param>
    public static CtcVocabulary CreateNko(bool blankFirst)
    {
        Span<char> labels = stackalloc char[NkoCount + 1];
        for (int i = 0; i < NkoCount; i++)
        {
            labels[i] = (char)(FirstNko + i);
        }

        labels[NkoCount] = ' ';
        return Create(labels, blankFirst ? 0 : NkoCount + 1);
    }

    /// <summary>Returns the class id of <paramref name="symbol"/>.</summary>
    /// <exception cref="OutOfVocabularyException">The character is not in the vocabulary.</exception>
    public int GetId(char symbol) => TryGetId(symbol, out int id) ? id : throw new OutOfVocabularyException(symbol, 0);

    /// <summary>Returns the class id of <paramref name="symbol"/>, or <see langword="false"/> when it is not in the vocabulary.</summary>
    public bool TryGetId(char symbol, out int id)
    {
        int offset = symbol - _lookupBase;
        if ((uint)offset < (uint)_lookup.Length && _lookup[offset] >= 0)
        {
            id = _lookup[offset];
            return true;
        }

        id = -1;
        return false;
    }

    /// <summary>Returns the character of a non-blank class.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside [0, C) or is the blank.</exception>
    public char GetSymbol(int id)
    {
        if ((uint)id >= (uint)_symbols.Length || id == BlankIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Class id must be in [0, {Count}) and not the blank ({BlankIndex}).");
        }

        return _symbols[id];
    }

    /// <summary>Whether <paramref name="id"/> is a non-blank class of this vocabulary.</summary>
    public bool IsLabel(int id) => (uint)id < (uint)_symbols.Length && id != BlankIndex;

    /// <summary>Encodes text to class ids.</summary>
    /// <param name="text">The text; every character must be a label of this vocabulary.</param>
    /// <param name="normalization">What to do with characters outside the vocabulary.</param>
    /// <exception cref="OutOfVocabularyException">A character is not in the vocabulary and <paramref name="normalization"/> is <see cref="TextNormalization.None"/>.</exception>
    public int[] Encode(ReadOnlySpan<char> text, TextNormalization normalization = TextNormalization.None)
    {
        int[] buffer = new int[text.Length];
        int n = Encode(text, buffer, normalization);
        return n == buffer.Length ? buffer : buffer.AsSpan(0, n).ToArray();
    }

    /// <summary>Encodes text to class ids into <paramref name="destination"/> without allocating.</summary>
    /// <returns>The number of ids written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than the encoded text.</exception>
    /// <exception cref="OutOfVocabularyException">A character is not in the vocabulary and <paramref name="normalization"/> is <see cref="TextNormalization.None"/>.</exception>
    public int Encode(ReadOnlySpan<char> text, Span<int> destination, TextNormalization normalization = TextNormalization.None)
    {
        int n = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (!TryGetId(text[i], out int id))
            {
                if (normalization == TextNormalization.DropUnknown)
                {
                    continue;
                }

                throw new OutOfVocabularyException(text[i], i);
            }

            if (n >= destination.Length)
            {
                throw new ArgumentException($"Destination holds {destination.Length} ids; the text needs more.", nameof(destination));
            }

            destination[n++] = id;
        }

        return n;
    }

    /// <summary>Decodes class ids to text.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, C) or is the blank.</exception>
    public string Decode(ReadOnlySpan<int> ids)
    {
        if (ids.IsEmpty)
        {
            return string.Empty;
        }

        return ids.Length <= 512 ? DecodeSmall(ids) : DecodeLarge(ids);
    }

    /// <summary>Decodes class ids into <paramref name="destination"/>; returns the number of characters written.</summary>
    public int Decode(ReadOnlySpan<int> ids, Span<char> destination)
    {
        if (destination.Length < ids.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} characters; {ids.Length} are needed.", nameof(destination));
        }

        for (int i = 0; i < ids.Length; i++)
        {
            destination[i] = GetSymbol(ids[i]);
        }

        return ids.Length;
    }

    private string DecodeSmall(ReadOnlySpan<int> ids)
    {
        Span<char> chars = stackalloc char[ids.Length];
        Decode(ids, chars);
        return new string(chars);
    }

    private string DecodeLarge(ReadOnlySpan<int> ids)
    {
        var sb = new StringBuilder(ids.Length);
        foreach (int id in ids)
        {
            sb.Append(GetSymbol(id));
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public bool Equals(CtcVocabulary? other) =>
        other is not null && BlankIndex == other.BlankIndex && _symbols.AsSpan().SequenceEqual(other._symbols);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CtcVocabulary);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(BlankIndex);
        foreach (char c in _symbols)
        {
            hash.Add(c);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"CtcVocabulary(C={Count}, blank={BlankIndex})");
}
