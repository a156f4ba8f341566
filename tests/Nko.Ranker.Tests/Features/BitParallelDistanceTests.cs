using FsCheck;
using FsCheck.Fluent;
using Nko.Ranker.Evaluation;
using Nko.Ranker.Features;

namespace Nko.Ranker.Tests.Features;

/// <summary>Myers' bit-vector edit distance against the DP it replaces on the n-best agreement path.</summary>
public sealed class BitParallelDistanceTests
{
    [Fact]
    public void Equals_the_dynamic_programme_for_every_pattern_up_to_64_labels() =>
        Prop.ForAll(
            Gen.Choose(0, 5).ArrayOf().Select(a => a.Take(64).ToArray()).Where(a => a.Length > 0).ToArbitrary(),
            Gen.Choose(0, 5).ArrayOf().Select(a => a.Take(90).ToArray()).ToArbitrary(),
            (pattern, text) =>
            {
                ulong[] masks = new ulong[6];
                BitParallelDistance.Prepare(pattern, masks);
                Assert.Equal(EditDistance.Levenshtein<int>(pattern, text), BitParallelDistance.Distance(masks, pattern.Length, text));
            }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_64_label_pattern_uses_every_bit()
    {
        int[] pattern = [.. Enumerable.Range(0, 64).Select(i => i % 3)];
        int[] text = [.. pattern.Skip(1), 2, 2];
        ulong[] masks = new ulong[3];
        BitParallelDistance.Prepare(pattern, masks);
        Assert.Equal(EditDistance.Levenshtein<int>(pattern, text), BitParallelDistance.Distance(masks, 64, text));
        Assert.Equal(64, BitParallelDistance.Distance(masks, 64, []));
    }
}
