using Nko.Candidates.Script;
using Nko.Ctc;

namespace Nko.Ranker.Features;

/// <summary>Per-label script facts of one vocabulary, precomputed so feature extraction is table lookups.</summary>
internal sealed class LabelFacts
{
    private readonly NkoCharClass[] _class;
    private readonly bool[] _knownPair;
    private readonly int _count;

    public LabelFacts(CtcVocabulary vocabulary)
    {
        _count = vocabulary.Count;
        _class = new NkoCharClass[_count];
        _knownPair = new bool[_count * _count];
        SpaceId = vocabulary.TryGetId(' ', out int space) ? space : -1;
        for (int a = 0; a < _count; a++)
        {
            if (!vocabulary.IsLabel(a))
            {
                _class[a] = NkoCharClass.Other;
                continue;
            }

            char ca = vocabulary.GetSymbol(a);
            _class[a] = NkoScript.GetClass(ca);
            for (int b = 0; b < _count; b++)
            {
                if (vocabulary.IsLabel(b))
                {
                    _knownPair[(a * _count) + b] = NkoScript.IsKnownConfusablePair(ca, vocabulary.GetSymbol(b));
                }
            }
        }
    }

    public int SpaceId { get; }

    public NkoCharClass ClassOf(int label) => (uint)label < (uint)_count ? _class[label] : NkoCharClass.Other;

    public bool IsKnownPair(int a, int b) => (uint)a < (uint)_count && (uint)b < (uint)_count && _knownPair[(a * _count) + b];
}
