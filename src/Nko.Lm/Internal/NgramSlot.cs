using System.Runtime.InteropServices;

namespace Nko.Lm.Internal;

/// <summary>
/// One n-gram of order ≥ 2 in a level's open-addressing table (16 bytes): its context (the n-gram without its last
/// token, a slot of the level below), its last token, and its log10 probability and back-off.
/// </summary>
/// <remarks>
/// An empty slot has <see cref="Context"/> = <see cref="Word"/> = −1. The back-off's sign bit carries KenLM's extension
/// flag: −0.0 means "no longer n-gram has this one as its context and its back-off is 0" (the state stops before it).
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal struct NgramSlot
{
    public int Context;
    public int Word;
    public float Prob;
    public float Backoff;
}
