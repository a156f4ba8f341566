namespace Nko.TurboQuant.Kernels;

/// <summary>
/// The vector operations the kernels need, implemented once per width (<see cref="Simd128"/>, <see cref="Simd256"/>,
/// <see cref="Simd512"/>). Kernels are generic over an implementation so that one body serves every width; the JIT
/// specialises each instantiation and inlines these static members, so the generated code is what a hand-written
/// per-width kernel would be.
/// </summary>
/// <typeparam name="TF">The float vector type.</typeparam>
/// <typeparam name="TU">The 32-bit unsigned integer vector type of the same width.</typeparam>
internal interface ISimdOps<TF, TU>
    where TF : struct
    where TU : struct
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>True when this width runs in hardware on this machine.</summary>
    static abstract bool IsSupported { get; }

    static abstract TF Load(ref float source);

    static abstract TU LoadUInt32(ref uint source);

    static abstract void Store(TF value, ref float destination);

    /// <summary>Loads <see cref="Count"/> fp16 bit patterns and converts them exactly to float.</summary>
    static abstract TF LoadHalf(ref ushort source);

    /// <summary>Converts to fp16 (round to nearest even, saturating at ±65504) and stores <see cref="Count"/> bit patterns.</summary>
    static abstract void StoreHalf(TF value, ref ushort destination);

    /// <summary>
    /// Stores 2·<see cref="Count"/> values as fp16 (round to nearest even, saturating at ±65504, like
    /// <see cref="StoreHalf"/>): <paramref name="first"/>'s lanes, then <paramref name="second"/>'s. NaN lanes are outside the
    /// contract (the codecs never produce them).
    /// </summary>
    static abstract void StoreHalfPair(TF first, TF second, ref ushort destination);

    /// <summary><see cref="StoreHalfPair"/> for finite values with |x| &lt; 2^48 (what the affine decoder produces).</summary>
    static abstract void StoreHalfPairBounded(TF first, TF second, ref ushort destination);

    /// <summary>
    /// a·b + c for products the callers know to be exact (a code times an fp16 scale): fused and separate give the same
    /// bits, so the hardware's fused form is used where it exists.
    /// </summary>
    static abstract TF MultiplyAddExact(TF a, TF b, TF c);

    static abstract TF Broadcast(float value);

    static abstract TU Broadcast(uint value);

    static abstract TF Add(TF left, TF right);

    static abstract TF Subtract(TF left, TF right);

    static abstract TF Multiply(TF left, TF right);

    static abstract TF Min(TF left, TF right);

    static abstract TF Max(TF left, TF right);

    /// <summary>All-ones lanes where |value| ≤ limit (false for NaN).</summary>
    static abstract TU AbsLessThanOrEqual(TF value, TF limit);

    static abstract TU And(TU left, TU right);

    static abstract TU Or(TU left, TU right);

    static abstract TU ShiftLeft(TU value, int count);

    static abstract TU ShiftRight(TU value, int count);

    static abstract TF Xor(TF value, TU mask);

    static abstract bool AllBitsSet(TU mask);

    /// <summary>
    /// For 16 groups whose partial minima (and maxima) were stored as one vector each at <paramref name="partialMins"/>
    /// (<see cref="Count"/> floats per group), writes each group's minimum and maximum.
    /// </summary>
    static abstract void ReduceGroups(ref float partialMins, ref float partialMaxs, Span<float> lows, Span<float> highs);

    static abstract float HorizontalMin(TF value);

    static abstract float HorizontalMax(TF value);

    /// <summary>
    /// round-half-away-from-zero(t) for t ≥ 0, from <paramref name="twiceT"/> = 2t (exact: scaling by 2 commutes with
    /// rounding): ⌊2t⌋ = 2⌊t⌋ + [frac(t) ≥ ½], so (⌊2t⌋ + 1) ≫ 1 = ⌊t⌋ + [frac(t) ≥ ½]. No clamp to L is needed:
    /// with m ≤ x ≤ hi, s ≥ fl((hi − m)/L) and every step rounded to nearest, t ≤ L·(1 + 2^-24)²/(1 − 2^-24) &lt; L + ½,
    /// so the reference's min(L, ·) never binds (the properties check the bytes are identical).
    /// </summary>
    static abstract TU AffineCodes(TF twiceT);

    /// <summary>
    /// The 8-bit layout of 2·<see cref="Count"/> codes: <see cref="AffineCodes"/> of <paramref name="firstTwiceT"/>'s lanes, then
    /// of <paramref name="secondTwiceT"/>'s, one byte each.
    /// </summary>
    static abstract void StoreCodePair(TF firstTwiceT, TF secondTwiceT, ref byte destination);

    /// <summary>
    /// The 4-bit layout of 2·<see cref="Count"/> codes: byte j = code(<paramref name="lowTwiceT"/>[j]) |
    /// code(<paramref name="highTwiceT"/>[j]) ≪ 4, <see cref="Count"/> bytes.
    /// </summary>
    static abstract void StoreNibblePair(TF lowTwiceT, TF highTwiceT, ref byte destination);

    /// <summary>Converts non-negative integer lanes exactly to float.</summary>
    static abstract TF ConvertToSingle(TU value);

    /// <summary>Loads <see cref="Count"/> bytes, zero-extended to 32-bit lanes.</summary>
    static abstract TU LoadBytes(ref byte source);

    /// <summary>Stores the low byte of each lane (<see cref="Count"/> bytes).</summary>
    static abstract void StoreBytes(TU value, ref byte destination);

    /// <summary>One in-register stage of the unnormalised Walsh–Hadamard butterfly for a stride below <see cref="Count"/>.</summary>
    static abstract TF HadamardStage(TF value, int stride);

    /// <summary>
    /// The turbo code of each lane: the number of Lloyd–Max thresholds at or below the value.
    /// <paramref name="search"/> is <see cref="Widths.LloydMaxCodebook.SearchTable"/> (entry c = the c-th threshold, +∞ padded);
    /// call with a constant <paramref name="bits"/> so the dispatch folds away.
    /// </summary>
    static abstract TU TurboCodes(TF value, ReadOnlySpan<float> search, int bits);

    /// <summary>table[code] per lane; the table is padded to 16 entries.</summary>
    static abstract TF Lookup(TU codes, ReadOnlySpan<float> table);

    /// <summary>Σ x² in double in the canonical order of <see cref="TurboReference.SumOfSquares"/> (length a multiple of 16).</summary>
    static abstract double SumOfSquares(ReadOnlySpan<float> values);
}
