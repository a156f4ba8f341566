namespace Nko.Candidates.Script;

/// <summary>How two characters relate, for ranker features: their classes and the known-pair reasons that link them.</summary>
/// <param name="FirstClass">Class of the first character.</param>
/// <param name="SecondClass">Class of the second character.</param>
/// <param name="Pair">Why the two are a known confusable pair; <see cref="NkoPairKind.None"/> when they are not (or are equal).</param>
/// <remarks>Obtain one from <see cref="NkoScript.GetRelation(char, char)"/>. Swapping the characters swaps the classes and keeps <paramref name="Pair"/>.</remarks>
public readonly record struct NkoCharRelation(NkoCharClass FirstClass, NkoCharClass SecondClass, NkoPairKind Pair)
{
    /// <summary>Both characters have the same class (and it is not <see cref="NkoCharClass.Other"/>).</summary>
    public bool SameClass => FirstClass == SecondClass && FirstClass != NkoCharClass.Other;

    /// <summary>The characters are a known confusable pair (<see cref="Pair"/> is not <see cref="NkoPairKind.None"/>).</summary>
    public bool IsKnownPair => Pair != NkoPairKind.None;

    /// <summary>Either character is a combining mark of U+07EB..U+07F3 (<see cref="NkoCharClass.ToneMark"/>).</summary>
    public bool InvolvesToneMark => FirstClass == NkoCharClass.ToneMark || SecondClass == NkoCharClass.ToneMark;

    /// <summary>Either character is the space (a word-boundary edit).</summary>
    public bool InvolvesSpace => FirstClass == NkoCharClass.Space || SecondClass == NkoCharClass.Space;

    /// <summary>Both characters are vowels.</summary>
    public bool BothVowels => FirstClass == NkoCharClass.Vowel && SecondClass == NkoCharClass.Vowel;

    /// <summary>Both characters are consonants.</summary>
    public bool BothConsonants => FirstClass == NkoCharClass.Consonant && SecondClass == NkoCharClass.Consonant;
}
