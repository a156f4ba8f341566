using Nko.Ctc;

namespace Nko.Ctc.Tests;

public class CtcVocabularyTests
{
    [Fact]
    public void NkoBlankFirst_maps_code_points_after_the_blank()
    {
        var v = CtcVocabulary.NkoBlankFirst;
        Assert.Equal(66, v.Count);
        Assert.Equal(0, v.BlankIndex);
        Assert.Equal(1, v.GetId('\u07C0'));
        Assert.Equal(64, v.GetId('\u07FF'));
        Assert.Equal(65, v.GetId(' '));
    }

    [Fact]
    public void NkoBlankLast_maps_code_points_from_zero()
    {
        var v = CtcVocabulary.NkoBlankLast;
        Assert.Equal(65, v.BlankIndex);
        Assert.Equal(0, v.GetId('\u07C0'));
        Assert.Equal(64, v.GetId(' '));
    }
}
