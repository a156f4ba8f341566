using System.Collections.Immutable;
using Nko.Ranker.Configuration;

namespace Nko.Ranker.Features;

/// <summary>The training counts of segment keys, looked up by text (a frozen table built once per config).</summary>
internal sealed class SegmentKeyTable
{
    // '\0' cannot be a vocabulary symbol (the config rejects it), so it separates the parts unambiguously.
    private readonly Dictionary<string, (int Helped, int Seen)> _counts = new(StringComparer.Ordinal);

    public SegmentKeyTable(IEnumerable<SegmentKeyCount> keys)
    {
        foreach (SegmentKeyCount k in keys)
        {
            _counts[Key(k.From, k.To, k.Left, k.Right)] = (k.Helped, k.Seen);
        }
    }

    public static SegmentKeyTable Empty { get; } = new([]);

    public (int Helped, int Seen) Get(string from, string to, string? left, string? right) =>
        _counts.TryGetValue(Key(from, to, left, right), out var c) ? c : default;

    public static string Key(string from, string to, string? left, string? right) =>
        left is null ? string.Concat(from, "\0", to) : string.Concat("\0\0", left, "\0", from, "\0", to, "\0", right);

    /// <summary>Counts keys (with and without context) over segments and whether each helped: the table a config ships.</summary>
    public static ImmutableArray<SegmentKeyCount> Count(IEnumerable<(string From, string To, string Left, string Right, bool Helped)> segments)
    {
        var plain = new Dictionary<(string, string), (int, int)>();
        var context = new Dictionary<(string, string, string, string), (int, int)>();
        foreach ((string from, string to, string left, string right, bool helped) in segments)
        {
            plain.TryGetValue((from, to), out var p);
            plain[(from, to)] = (p.Item1 + (helped ? 1 : 0), p.Item2 + 1);
            context.TryGetValue((from, to, left, right), out var c);
            context[(from, to, left, right)] = (c.Item1 + (helped ? 1 : 0), c.Item2 + 1);
        }

        // Ordinal order: the table's bytes in the config depend only on the counts.
        return
        [
            .. plain.Select(kv => new SegmentKeyCount(kv.Key.Item1, kv.Key.Item2, null, null, kv.Value.Item1, kv.Value.Item2))
                .Concat(context.Select(kv => new SegmentKeyCount(kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, kv.Key.Item4, kv.Value.Item1, kv.Value.Item2)))
                .OrderBy(k => k.HasContext)
                .ThenBy(k => k.From, StringComparer.Ordinal)
                .ThenBy(k => k.To, StringComparer.Ordinal)
                .ThenBy(k => k.Left, StringComparer.Ordinal)
                .ThenBy(k => k.Right, StringComparer.Ordinal),
        ];
    }
}
