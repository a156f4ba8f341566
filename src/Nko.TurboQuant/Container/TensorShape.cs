using System.Collections.Immutable;
using System.Globalization;

namespace Nko.TurboQuant.Container;

/// <summary>Shape rules shared by the API and the container: rank 1 to 8, every dimension ≥ 0, the last ≥ 1, at most int.MaxValue elements.</summary>
internal static class TensorShape
{
    public const int MaxRank = 8;

    /// <summary>Returns null when valid, else what is wrong.</summary>
    public static string? Check(ReadOnlySpan<int> shape, out int elementCount)
    {
        elementCount = 0;
        if (shape.Length is < 1 or > MaxRank)
        {
            return string.Create(CultureInfo.InvariantCulture, $"The shape has rank {shape.Length}; supported ranks are 1 to {MaxRank}.");
        }

        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"Dimension {i} of the shape is {shape[i]}; dimensions must be non-negative.");
            }

            count *= shape[i];
            if (count > int.MaxValue)
            {
                return string.Create(CultureInfo.InvariantCulture, $"The shape [{string.Join(", ", shape.ToArray())}] has more than {int.MaxValue} elements.");
            }
        }

        if (shape[^1] < 1)
        {
            return "The last dimension (the row length) must be at least 1.";
        }

        elementCount = (int)count;
        return null;
    }

    public static ImmutableArray<int> Validate(ReadOnlySpan<int> shape, out int elementCount)
    {
        string? problem = Check(shape, out elementCount);
        return problem is null ? ImmutableArray.Create(shape) : throw new ArgumentException(problem, nameof(shape));
    }
}
