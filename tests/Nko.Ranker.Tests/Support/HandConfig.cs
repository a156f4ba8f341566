using System.Collections.Immutable;
using Nko.Candidates;
using Nko.Ctc;
using Nko.Ranker.Configuration;
using Nko.Ranker.Features;

namespace Nko.Ranker.Tests.Support;

/// <summary>A small config built in code with <see cref="ConfusionMapBuilder"/> and the <see cref="RankerConfig"/> constructor.</summary>
internal static class HandConfig
{
    /// <summary>The vocabulary of samples/dev50 (blank = 0).</summary>
    public static CtcVocabulary Vocabulary => CtcVocabulary.NkoBlankFirst;

    /// <summary>Modes from "never" (threshold 1) to "always" (threshold 0); the default is "mid".</summary>
    public static ImmutableArray<OperatingMode> Modes { get; } =
    [
        new("always", 0.0),
        new("low", 0.3),
        new("mid", 0.6),
        new("high", 0.9, MinCtcGain: 0.5),
        new("never", 1.0),
    ];

    /// <summary>The names of <see cref="Modes"/>.</summary>
    public static ImmutableArray<string> ModeNames { get; } = [.. Modes.Select(m => m.Name)];

    /// <summary>The config (built once).</summary>
    public static RankerConfig Config { get; } = Create(Modes, "mid");

    /// <summary>A config with the hand-built map, features and weights and the given modes.</summary>
    public static RankerConfig Create(ImmutableArray<OperatingMode> modes, string defaultMode, int maxRounds = 3) => new(
        "hand-in-code",
        Map(),
        [FeatureNames.OpSub, FeatureNames.OpDel, FeatureNames.OpIns, FeatureNames.CtcGain, FeatureNames.PriorLogRelative, FeatureNames.GainMargin, FeatureNames.Round],
        [0.5, 0.25, 0.25, -4, -3, -2, 0.5],
        [0.5, 0.4, 0.4, 6, 1.5, 5, 0.7],
        [0.1, -0.2, 0, 2.2, 0.5, 0.6, -0.4],
        -0.8,
        modes,
        defaultMode,
        new GeneratorOptions { MaxCandidates = 48, MinCount = 2, TopKPerLabel = 4 },
        maxRounds,
        new RankerProvenance { Description = "Hand-built in code for tests; not a trained model." });

    /// <summary>The confusion map: frequent N'Ko confusions (vowel openness, voicing, nasals, spurious tone marks, word boundaries).</summary>
    public static ConfusionMap Map()
    {
        CtcVocabulary v = Vocabulary;
        int Id(char c) => v.GetId(c);
        var b = new ConfusionMapBuilder();
        (char From, char To, int Count)[] subs =
        [
            ('\u07CD', '\u07CA', 178), ('\u07D0', '\u07CA', 155), ('\u07CB', '\u07CC', 103), ('\u07DC', '\u07DE', 81),
            ('\u07E1', '\u07E3', 62), ('\u07E2', '\u07E3', 60), ('\u07CA', '\u07CD', 58), ('\u07D4', '\u07D3', 50),
            ('\u07CF', '\u07CE', 49), ('\u07CA', '\u07D0', 48), ('\u07CD', ' ', 42), ('\u07D5', '\u07D8', 35),
        ];
        foreach ((char f, char t, int n) in subs)
        {
            b.AddSubstitution(Id(f), Id(t), n);
        }

        foreach ((char l, int n) in new[] { (' ', 245), ('\u07EB', 125), ('\u07D0', 118), ('\u07EC', 105), ('\u07E2', 104), ('\u07ED', 1) })
        {
            b.AddDeletion(Id(l), n);
        }

        (char After, char Label, int Count)[] ins =
        [
            (' ', '\u07DE', 147), ('\u07CA', ' ', 122), (' ', '\u07D3', 83), (' ', '\u07CA', 75), ('\u07E3', ' ', 72), ('\u07CA', '\u07E3', 56),
        ];
        foreach ((char a, char l, int n) in ins)
        {
            b.AddInsertion(Id(l), Id(a), n);
        }

        b.AddInsertion(Id('\u07CA'), InsertionEntry.UtteranceStart, 50);
        foreach ((char l, int n) in new[] { (' ', 4995), ('\u07CA', 2629), ('\u07E3', 1393), ('\u07D0', 1226), ('\u07CD', 1209), ('\u07CC', 1084), ('\u07CB', 1015), ('\u07CF', 932), ('\u07DE', 877) })
        {
            b.AddHypothesisLabel(Id(l), n);
        }

        return b.Build(v);
    }
}
