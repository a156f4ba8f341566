namespace Nko.Candidates.Script;

/// <summary>What the library knows about one character: its Unicode name, class, features and Latin (Bambara) transcription.</summary>
/// <param name="Character">The character.</param>
/// <param name="Name">Its Unicode character name (e.g. <c>NKO LETTER EE</c>; <c>SPACE</c> for U+0020); empty for unassigned code points.</param>
/// <param name="Class">Its class.</param>
/// <param name="Features">Its featural flags.</param>
/// <param name="Latin">
/// The usual Bambara Latin spelling of a letter (<c>ɛ</c> for E, <c>ɲ</c> for NYA, <c>g</c> for GBA), the digit for a
/// digit, <c>" "</c> for the space; empty for marks, signs and DAGBASINNA.
/// </param>
public readonly record struct NkoCharInfo(char Character, string Name, NkoCharClass Class, NkoFeatures Features, string Latin);
