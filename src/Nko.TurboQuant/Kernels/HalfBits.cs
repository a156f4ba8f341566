using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nko.TurboQuant.Kernels;

/// <summary>IEEE binary16 helpers: exact conversions and the directed roundings the affine parameters use.</summary>
internal static class HalfBits
{
    /// <summary>The largest finite fp16 value, 65504.</summary>
    public const float MaxValue = 65504f;

    /// <summary>2^-24, the fp16 subnormal step.</summary>
    public const float TwoPowMinus24 = 1f / 16777216f;

    /// <summary>Exact fp16 → float for any bit pattern (Inf and NaN map to values above 65504, never used by the codecs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits)
    {
        uint em = bits & 0x7FFFu;
        float magnitude = em >= 0x400u
            ? BitConverter.UInt32BitsToSingle((em << 13) + (112u << 23))
            : (int)em * TwoPowMinus24;
        return BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(magnitude) | ((bits & 0x8000u) << 16));
    }

    /// <summary>The reference rounding of a float to fp16 for output: round to nearest even, saturating at ±65504.</summary>
    public static Half ToHalfSaturating(float value) => (Half)Math.Clamp(value, -MaxValue, MaxValue);

    /// <summary>Reference: the largest fp16 value ≤ <paramref name="value"/> (|value| ≤ 65504, finite).</summary>
    public static Half RoundDown(float value)
    {
        Half h = (Half)value;
        return (float)h > value ? Half.BitDecrement(h) : h;
    }

    /// <summary>Reference: the smallest fp16 value ≥ <paramref name="value"/> (|value| ≤ 65504, finite).</summary>
    public static Half RoundUp(float value)
    {
        Half h = (Half)value;
        return (float)h < value ? Half.BitIncrement(h) : h;
    }

    /// <summary>2^112: scales a float whose exponent field holds an fp16 exponent to the fp16 value.</summary>
    public const float TwoPow112 = 5.1922968585348276e33f;

    /// <summary>
    /// The fast exact fp16 → float for the vector loads, from fp16 patterns <b>sign-extended</b> to 32 bits (one
    /// <c>vpmovsxwd</c>): shifted left by 13, bit 31 holds the sign and bits 13–27 the fp16 exponent and mantissa; masking
    /// off the sign copies in bits 28–30 leaves a float that is the fp16 value times 2^-112 (a normal fp16 gets a float
    /// exponent 112 too small; an fp16 subnormal m·2^-24 becomes the float subnormal m·2^-136), and the product by 2^112
    /// is exact. Equals <see cref="ToSingle(ushort)"/> on all 65536 patterns (Inf and NaN give 2^16·1.f, above 65504),
    /// so long as float subnormals are not flushed to zero (.NET never sets DAZ/FTZ).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> FromSignExtended(Vector128<int> halves) =>
        ((halves << 13) & Vector128.Create(unchecked((int)0x8FFF_E000))).AsSingle() * Vector128.Create(TwoPow112);

    /// <summary>Vector256 copy of the Vector128 overload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FromSignExtended(Vector256<int> halves) =>
        ((halves << 13) & Vector256.Create(unchecked((int)0x8FFF_E000))).AsSingle() * Vector256.Create(TwoPow112);

    /// <summary>Vector512 copy of the Vector128 overload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FromSignExtended(Vector512<int> halves) =>
        ((halves << 13) & Vector512.Create(unchecked((int)0x8FFF_E000))).AsSingle() * Vector512.Create(TwoPow112);

    /// <summary>Vector twin of <see cref="ToSingle(ushort)"/> over 16-bit patterns held in 32-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ToSingle(Vector128<uint> bits)
    {
        Vector128<uint> em = bits & Vector128.Create(0x7FFFu);
        Vector128<float> normal = ((em << 13) + Vector128.Create(112u << 23)).AsSingle();
        Vector128<float> subnormal = Vector128.ConvertToSingle(em.AsInt32()) * Vector128.Create(TwoPowMinus24);
        Vector128<float> magnitude = Vector128.ConditionalSelect(Vector128.LessThan(em, Vector128.Create(0x400u)).AsSingle(), subnormal, normal);
        return (magnitude.AsUInt32() | ((bits & Vector128.Create(0x8000u)) << 16)).AsSingle();
    }

    /// <summary>
    /// Vector twin of <see cref="RoundDown"/> (<paramref name="up"/> false) and <see cref="RoundUp"/> (true): truncate the
    /// magnitude to fp16, then step one fp16 ulp away from zero when the truncation was inexact and the direction asks for it.
    /// Returns fp16 bit patterns in 32-bit lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> RoundDirected(Vector128<float> value, bool up)
    {
        Vector128<uint> bits = value.AsUInt32();
        Vector128<uint> sign = bits & Vector128.Create(0x8000_0000u);
        Vector128<uint> abs = bits ^ sign;

        // fp16 normal range (|x| ≥ 2^-14): drop 13 mantissa bits and rebias the exponent.
        Vector128<uint> normal = (abs - Vector128.Create(112u << 23)) >> 13;
        Vector128<uint> normalInexact = ~Vector128.Equals(abs & Vector128.Create(0x1FFFu), Vector128<uint>.Zero);

        // fp16 subnormal range: the pattern is |x| / 2^-24 truncated (the product is exact).
        Vector128<float> scaled = abs.AsSingle() * Vector128.Create(16777216f);
        Vector128<float> truncated = Vector128.Truncate(scaled);
        Vector128<uint> subnormal = Vector128.ConvertToInt32Native(truncated).AsUInt32();
        Vector128<uint> subnormalInexact = ~Vector128.Equals(scaled, truncated).AsUInt32();

        Vector128<uint> isNormal = Vector128.GreaterThanOrEqual(abs, Vector128.Create(113u << 23));
        Vector128<uint> magnitude = Vector128.ConditionalSelect(isNormal, normal, subnormal);
        Vector128<uint> inexact = Vector128.ConditionalSelect(isNormal, normalInexact, subnormalInexact);
        Vector128<uint> awayFromZero = up ? Vector128.Equals(sign, Vector128<uint>.Zero) : ~Vector128.Equals(sign, Vector128<uint>.Zero);
        magnitude += inexact & awayFromZero & Vector128<uint>.One;
        return magnitude | (sign >> 16);
    }

    /// <summary>Vector256 copy of the Vector128 overload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ToSingle(Vector256<uint> bits)
    {
        Vector256<uint> em = bits & Vector256.Create(0x7FFFu);
        Vector256<float> normal = ((em << 13) + Vector256.Create(112u << 23)).AsSingle();
        Vector256<float> subnormal = Vector256.ConvertToSingle(em.AsInt32()) * Vector256.Create(TwoPowMinus24);
        Vector256<float> magnitude = Vector256.ConditionalSelect(Vector256.LessThan(em, Vector256.Create(0x400u)).AsSingle(), subnormal, normal);
        return (magnitude.AsUInt32() | ((bits & Vector256.Create(0x8000u)) << 16)).AsSingle();
    }

    /// <summary>Vector256 copy of the Vector128 overload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> RoundDirected(Vector256<float> value, bool up)
    {
        Vector256<uint> bits = value.AsUInt32();
        Vector256<uint> sign = bits & Vector256.Create(0x8000_0000u);
        Vector256<uint> abs = bits ^ sign;

        // fp16 normal range (|x| ≥ 2^-14): drop 13 mantissa bits and rebias the exponent.
        Vector256<uint> normal = (abs - Vector256.Create(112u << 23)) >> 13;
        Vector256<uint> normalInexact = ~Vector256.Equals(abs & Vector256.Create(0x1FFFu), Vector256<uint>.Zero);

        // fp16 subnormal range: the pattern is |x| / 2^-24 truncated (the product is exact).
        Vector256<float> scaled = abs.AsSingle() * Vector256.Create(16777216f);
        Vector256<float> truncated = Vector256.Truncate(scaled);
        Vector256<uint> subnormal = Vector256.ConvertToInt32Native(truncated).AsUInt32();
        Vector256<uint> subnormalInexact = ~Vector256.Equals(scaled, truncated).AsUInt32();

        Vector256<uint> isNormal = Vector256.GreaterThanOrEqual(abs, Vector256.Create(113u << 23));
        Vector256<uint> magnitude = Vector256.ConditionalSelect(isNormal, normal, subnormal);
        Vector256<uint> inexact = Vector256.ConditionalSelect(isNormal, normalInexact, subnormalInexact);
        Vector256<uint> awayFromZero = up ? Vector256.Equals(sign, Vector256<uint>.Zero) : ~Vector256.Equals(sign, Vector256<uint>.Zero);
        magnitude += inexact & awayFromZero & Vector256<uint>.One;
        return magnitude | (sign >> 16);
    }

    /// <summary>Vector512 copy of the Vector128 overload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ToSingle(Vector512<uint> bits)
    {
        Vector512<uint> em = bits & Vector512.Create(0x7FFFu);
        Vector512<float> normal = ((em << 13) + Vector512.Create(112u << 23)).AsSingle();
        Vector512<float> subnormal = Vector512.ConvertToSingle(em.AsInt32()) * Vector512.Create(TwoPowMinus24);
        Vector512<float> magnitude = Vector512.ConditionalSelect(Vector512.LessThan(em, Vector512.Create(0x400u)).AsSingle(), subnormal, normal);
        return (magnitude.AsUInt32() | ((bits & Vector512.Create(0x8000u)) << 16)).AsSingle();
    }

    /// <summary>Vector512 copy of the Vector128 overload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> RoundDirected(Vector512<float> value, bool up)
    {
        Vector512<uint> bits = value.AsUInt32();
        Vector512<uint> sign = bits & Vector512.Create(0x8000_0000u);
        Vector512<uint> abs = bits ^ sign;

        // fp16 normal range (|x| ≥ 2^-14): drop 13 mantissa bits and rebias the exponent.
        Vector512<uint> normal = (abs - Vector512.Create(112u << 23)) >> 13;
        Vector512<uint> normalInexact = ~Vector512.Equals(abs & Vector512.Create(0x1FFFu), Vector512<uint>.Zero);

        // fp16 subnormal range: the pattern is |x| / 2^-24 truncated (the product is exact).
        Vector512<float> scaled = abs.AsSingle() * Vector512.Create(16777216f);
        Vector512<float> truncated = Vector512.Truncate(scaled);
        Vector512<uint> subnormal = Vector512.ConvertToInt32Native(truncated).AsUInt32();
        Vector512<uint> subnormalInexact = ~Vector512.Equals(scaled, truncated).AsUInt32();

        Vector512<uint> isNormal = Vector512.GreaterThanOrEqual(abs, Vector512.Create(113u << 23));
        Vector512<uint> magnitude = Vector512.ConditionalSelect(isNormal, normal, subnormal);
        Vector512<uint> inexact = Vector512.ConditionalSelect(isNormal, normalInexact, subnormalInexact);
        Vector512<uint> awayFromZero = up ? Vector512.Equals(sign, Vector512<uint>.Zero) : ~Vector512.Equals(sign, Vector512<uint>.Zero);
        magnitude += inexact & awayFromZero & Vector512<uint>.One;
        return magnitude | (sign >> 16);
    }
}
