using System.Reflection;
using Nko.Ranker.Features;

namespace Nko.Ranker.Tests.Features;

public sealed class FeatureNamesTests
{
    // One declaration: the descriptor table gives the names and their order; every public name constant is in it once.
    [Fact]
    public void All_is_the_descriptor_table_and_every_name_constant_is_declared_once()
    {
        Assert.Equal(FeatureNames.Descriptors.Select(d => d.Name), FeatureNames.All);
        Assert.Equal(FeatureNames.All.Length, FeatureNames.All.Distinct(StringComparer.Ordinal).Count());
        string[] constants = [.. typeof(FeatureNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)];
        Assert.Equal(constants.Order(StringComparer.Ordinal), FeatureNames.All.Order(StringComparer.Ordinal));
        for (int k = 0; k < FeatureNames.All.Length; k++)
        {
            Assert.Equal(k, FeatureNames.IndexOf(FeatureNames.All[k]));
        }
    }
}
