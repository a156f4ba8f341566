namespace Nko.Candidates.Tests;

public sealed class GeneratorOptionsTests
{
    [Fact]
    public void Defaults_are_documented_constants()
    {
        GeneratorOptions d = GeneratorOptions.Default;
        Assert.Equal(GeneratorOptions.DefaultMaxCandidates, d.MaxCandidates);
        Assert.Equal(GeneratorOptions.DefaultMinCount, d.MinCount);
        Assert.Equal(GeneratorOptions.DefaultTopKPerLabel, d.TopKPerLabel);
        Assert.Equal(EditOperations.All, d.Operations);
        Assert.Equal(new GeneratorOptions(), d);
    }

    [Theory]
    [InlineData(nameof(GeneratorOptions.MaxCandidates), 0)]
    [InlineData(nameof(GeneratorOptions.MaxCandidates), -1)]
    [InlineData(nameof(GeneratorOptions.MaxCandidates), GeneratorOptions.Limit + 1)]
    [InlineData(nameof(GeneratorOptions.MinCount), 0)]
    [InlineData(nameof(GeneratorOptions.TopKPerLabel), 0)]
    [InlineData(nameof(GeneratorOptions.TopKPerLabel), GeneratorOptions.Limit + 1)]
    public void Out_of_range_values_name_the_property(string property, int value)
    {
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => property switch
        {
            nameof(GeneratorOptions.MaxCandidates) => new GeneratorOptions { MaxCandidates = value },
            nameof(GeneratorOptions.MinCount) => new GeneratorOptions { MinCount = value },
            _ => GeneratorOptions.Default with { TopKPerLabel = value },
        });
        Assert.Equal(property, e.ParamName);
    }

    [Fact]
    public void Operations_must_be_known_flags()
    {
        Assert.Equal(nameof(GeneratorOptions.Operations), Assert.Throws<ArgumentOutOfRangeException>(() => new GeneratorOptions { Operations = (EditOperations)8 }).ParamName);
        Assert.Equal(EditOperations.None, new GeneratorOptions { Operations = EditOperations.None }.Operations);
    }

    [Fact]
    public void Limits_are_inclusive()
    {
        var o = new GeneratorOptions { MaxCandidates = GeneratorOptions.Limit, TopKPerLabel = GeneratorOptions.Limit, MinCount = int.MaxValue };
        Assert.Equal(GeneratorOptions.Limit, o.MaxCandidates);
        Assert.Equal(1, new GeneratorOptions { MaxCandidates = 1 }.MaxCandidates);
    }

    [Fact]
    public void With_expressions_derive_and_compare_by_value()
    {
        GeneratorOptions a = GeneratorOptions.Default with { MinCount = 3 };
        Assert.Equal(3, a.MinCount);
        Assert.Equal(GeneratorOptions.DefaultMaxCandidates, a.MaxCandidates);
        Assert.Equal(a, new GeneratorOptions { MinCount = 3 });
        Assert.NotEqual(a, GeneratorOptions.Default);
    }
}
