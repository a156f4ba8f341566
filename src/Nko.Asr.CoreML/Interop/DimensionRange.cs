using System.Globalization;

namespace Nko.Asr.CoreML.Interop;

/// <summary>CoreML's <c>MLMultiArrayShapeConstraintType</c> values.</summary>
internal enum ShapeConstraintKind : long
{
    /// <summary><c>MLMultiArrayShapeConstraintTypeUnspecified</c>: only the default shape is known.</summary>
    Unspecified = 1,

    /// <summary><c>MLMultiArrayShapeConstraintTypeEnumerated</c>: one of a list of shapes.</summary>
    Enumerated = 2,

    /// <summary><c>MLMultiArrayShapeConstraintTypeRange</c>: each dimension within an <c>NSRange</c>.</summary>
    Range = 3,
}

/// <summary>
/// How a multi-array feature's shape constraint turns into the shape the back end validates (a fixed size, or -1 for a
/// flexible dimension). Pure: the Objective-C layer only gathers the numbers, so the rules are tested on every OS.
/// </summary>
/// <remarks>
/// <para><b>Ranges.</b> <c>sizeRangeForDimension</c> gives one <c>NSRange</c> per dimension, read as the half-open
/// interval <c>[location, location + length)</c> (the reading of Apple's Swift overlay): a dimension fixed at N is
/// <c>{N, 1}</c>, <c>RangeDim(1, 3000)</c> is <c>{1, 3000}</c>. A dimension is flexible when its range holds more than
/// one size (<c>length &gt; 1</c>) or when its only size is not the default shape's (<c>location</c> differs).</para>
/// <para>Not verified on Apple hardware: how an unbounded upper bound is encoded (a huge <c>length</c> is assumed, which
/// reads as flexible either way).</para>
/// </remarks>
internal static class DimensionRange
{
    /// <summary>Whether a dimension whose default size is <paramref name="defaultSize"/> and whose range is <paramref name="range"/> accepts more than one size.</summary>
    public static bool IsFlexible(NSRange range, long defaultSize)
    {
        if (range.Length > 1)
        {
            return true;
        }

        return range.Location > long.MaxValue || (long)range.Location != defaultSize;
    }

    /// <summary>
    /// The shape to validate: <paramref name="defaultShape"/> with every dimension the constraint leaves open set to -1
    /// (as is any non-positive default size).
    /// </summary>
    /// <param name="defaultShape">The constraint's <c>shape</c> (the default shape).</param>
    /// <param name="kind">The constraint's type.</param>
    /// <param name="ranges">For <see cref="ShapeConstraintKind.Range"/>: <c>sizeRangeForDimension</c>, one per dimension.</param>
    /// <param name="enumerated">For <see cref="ShapeConstraintKind.Enumerated"/>: <c>enumeratedShapes</c>.</param>
    /// <exception cref="FormatException">The ranges or an enumerated shape do not have the default shape's rank.</exception>
    public static long[] Resolve(ReadOnlySpan<long> defaultShape, ShapeConstraintKind kind, ReadOnlySpan<NSRange> ranges, IReadOnlyList<long[]>? enumerated)
    {
        long[] shape = defaultShape.ToArray();
        switch (kind)
        {
            case ShapeConstraintKind.Range:
                if (ranges.Length != shape.Length)
                {
                    throw new FormatException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"The range constraint has {ranges.Length} dimensions but the default shape [{MultiArrayLayout.Join(defaultShape)}] has {shape.Length}."));
                }

                for (int d = 0; d < shape.Length; d++)
                {
                    if (IsFlexible(ranges[d], shape[d]))
                    {
                        shape[d] = -1;
                    }
                }

                break;
            case ShapeConstraintKind.Enumerated when enumerated is not null:
                foreach (long[] other in enumerated)
                {
                    if (other.Length != shape.Length)
                    {
                        throw new FormatException(string.Create(
                            CultureInfo.InvariantCulture,
                            $"An enumerated shape [{MultiArrayLayout.Join(other)}] differs in rank from the default shape [{MultiArrayLayout.Join(defaultShape)}]."));
                    }

                    for (int d = 0; d < shape.Length; d++)
                    {
                        if (other[d] != shape[d])
                        {
                            shape[d] = -1;
                        }
                    }
                }

                break;
        }

        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] <= 0)
            {
                shape[d] = -1;
            }
        }

        return shape;
    }
}
