using FsCheck.Xunit;
using Nko.Ctc;

namespace Nko.Candidates.Tests;

public sealed class CandidateKeyTests
{
    [Property(MaxTest = 5000)]
    public void Key_order_is_candidate_order_and_keys_round_trip(byte kindX, int positionX, int labelX, int countX, byte kindY, int positionY, int labelY, int countY, bool sameCount, bool samePosition)
    {
        var x = new Candidate(new LabelEdit((EditKind)(kindX % 3), positionX, labelX), countX);
        var y = new Candidate(new LabelEdit((EditKind)(kindY % 3), samePosition ? positionX : positionY, labelY), sameCount ? countX : countY);
        CandidateKey kx = new(x), ky = new(y);

        Assert.Equal(x, kx.ToCandidate());
        Assert.Equal(Candidate.Compare(x, y) < 0, kx.IsBefore(ky));
        Assert.Equal(Candidate.Compare(y, x) < 0, ky.IsBefore(kx));
        Assert.False(kx.IsBefore(kx));
    }

    [Theory]
    [InlineData(int.MinValue)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(int.MaxValue)]
    public void Extreme_values_round_trip(int value)
    {
        var c = new Candidate(new LabelEdit(EditKind.Insert, value, value), value);
        Assert.Equal(c, new CandidateKey(c).ToCandidate());
    }

    [Fact]
    public void Keys_are_candidate_sized()
    {
        Assert.Equal(System.Runtime.CompilerServices.Unsafe.SizeOf<Candidate>(), System.Runtime.CompilerServices.Unsafe.SizeOf<CandidateKey>());
    }
}
