using Nko.Testing;

namespace Nko.Ctc.Tests;

/// <summary>The shared allocation probe the zero-allocation tests rely on: it must see a real allocation.</summary>
public sealed class AllocationProbeTests
{
    [Fact]
    public void A_call_that_allocates_is_seen_on_every_attempt()
    {
        byte[]? kept = null;
        long bytes = AllocationProbe.Fewest(() => kept = new byte[1000]);
        Assert.InRange(bytes, 1000, 1100);
        Assert.NotNull(kept);
    }

    [Fact]
    public void A_call_that_allocates_nothing_measures_zero()
    {
        int[] data = [3, 1, 2];
        Assert.Equal(0, AllocationProbe.Fewest(() => data.AsSpan().Sort()));
        Assert.Equal(0, AllocationProbe.Fewest(() => data[0], out int first));
        Assert.Equal(1, first);
    }
}
