using System.Globalization;

namespace Nko.Lm;

/// <summary>
/// The context a <see cref="CharLanguageModel"/> scores the next token in: KenLM's minimal right state, i.e. the longest
/// suffix of the history that the model can still extend (a listed n-gram that is the context of a longer n-gram or
/// carries a back-off weight), at most <c>Order − 1</c> tokens.
/// </summary>
/// <remarks>
/// An 8-byte value: copying, comparing and hashing it allocate nothing. Two histories with equal states receive the same
/// score for every continuation, so a decoder may merge prefixes whose states are equal. A state is meaningful only for
/// the model that produced it; <c>default</c> is the empty context (<see cref="CharLanguageModel.NullContextState"/>).
/// </remarks>
public readonly struct LmState : IEquatable<LmState>
{
    internal LmState(int length, int index)
    {
        Length = length;
        Index = index;
    }

    /// <summary>How many tokens of context the state holds (0 ≤ <see cref="Length"/> &lt; the model's order).</summary>
    public int Length { get; }

    /// <summary>The context n-gram's position in the model's table of order <see cref="Length"/> (0 when empty).</summary>
    internal int Index { get; }

    /// <summary>Whether two states are the same context.</summary>
    public bool Equals(LmState other) => Length == other.Length && Index == other.Index;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is LmState other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Length, Index);

    /// <summary>Whether two states are the same context.</summary>
    public static bool operator ==(LmState left, LmState right) => left.Equals(right);

    /// <summary>Whether two states are different contexts.</summary>
    public static bool operator !=(LmState left, LmState right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"LmState(length {Length}, #{Index})");
}
