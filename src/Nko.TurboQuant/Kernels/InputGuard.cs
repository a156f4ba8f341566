using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Nko.TurboQuant.Kernels;

/// <summary>The exceptions for input the codecs cannot represent, naming the first offending element.</summary>
internal static class InputGuard
{
    /// <summary>Throws for <paramref name="value"/> at flattened index <paramref name="index"/> when it is not finite or |value| exceeds <paramref name="limit"/>.</summary>
    public static void Check(float value, long index, float limit)
    {
        if (!(Math.Abs(value) <= limit))
        {
            Throw(value, index, limit);
        }
    }

    /// <summary>Finds and reports the first element of <paramref name="values"/> that fails <see cref="Check"/>.</summary>
    public static void ThrowFirstInvalid(ReadOnlySpan<float> values, long firstIndex, float limit)
    {
        for (int i = 0; i < values.Length; i++)
        {
            Check(values[i], firstIndex + i, limit);
        }
    }

    /// <summary>Half input: finds and reports the first element that is not finite.</summary>
    public static void ThrowFirstInvalid(ReadOnlySpan<Half> values, long firstIndex, float limit)
    {
        for (int i = 0; i < values.Length; i++)
        {
            Check((float)values[i], firstIndex + i, limit);
        }
    }

    [DoesNotReturn]
    private static void Throw(float value, long index, float limit)
    {
        string at = index.ToString(CultureInfo.InvariantCulture);
        if (float.IsNaN(value))
        {
            throw new ArgumentException($"Input value at index {at} is NaN; quantisation needs finite values.", "source");
        }

        if (float.IsInfinity(value))
        {
            throw new ArgumentException($"Input value at index {at} is {(value > 0 ? "+" : "-")}Infinity; quantisation needs finite values.", "source");
        }

        throw new ArgumentOutOfRangeException(
            "source",
            value,
            $"Input value at index {at} is {value.ToString("R", CultureInfo.InvariantCulture)}: the affine codec stores fp16 parameters, so it accepts |x| ≤ {limit.ToString(CultureInfo.InvariantCulture)}.");
    }
}
