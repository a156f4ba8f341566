using System.Numerics;
using System.Runtime.InteropServices;

namespace Nko.Audio;

/// <summary>
/// A band-limited sample-rate converter for an exact rational ratio <c>L / M</c> (<c>outputRate / inputRate</c> reduced):
/// Kaiser-windowed sinc (β = <see cref="KaiserBeta"/>), passband to 0.9 × the lower Nyquist frequency, stopband from the
/// lower Nyquist frequency, about 90 dB of stopband rejection by design (measured figures in the package README),
/// evaluated as a polyphase filter bank of <c>L</c> phases in float32. Zero phase: output sample <c>k</c> is the
/// band-limited signal at input time <c>k·M/L</c>; samples outside the input count as zero.
/// </summary>
/// <remarks>
/// Output length: <c>ceil(inputLength · L / M)</c>, every output instant inside the input's duration. Ratios with more
/// than <see cref="MaxTablePhases"/> phases (unusual rates such as 44,056 Hz) compute each output's coefficients on the
/// fly: same result, much slower. Immutable after construction, so one instance may be shared across threads.
/// </remarks>
public sealed class Resampler
{
    /// <summary>The Kaiser window's β (about 90 dB of stopband attenuation).</summary>
    public const double KaiserBeta = 8.96;

    /// <summary>The passband edge as a fraction of the lower Nyquist frequency.</summary>
    public const double PassbandEdge = 0.9;

    /// <summary>Phases beyond which coefficients are computed per output instead of tabulated.</summary>
    public const int MaxTablePhases = 4096;

    /// <summary>Half the filter length, in samples at the lower of the two rates.</summary>
    internal const int HalfLengthAtLowRate = 58;

    private readonly long _up;
    private readonly long _down;
    private readonly double _cutoff;
    private readonly double _radius;
    private readonly int _half;
    private readonly int _taps;
    private readonly float[]? _table;
    private static readonly double InvI0Beta = 1.0 / BesselI0(KaiserBeta);

    /// <summary>Creates a converter.</summary>
    /// <param name="inputRate">Input frames per second, 1 to 1,000,000.</param>
    /// <param name="outputRate">Output frames per second, 1 to 1,000,000 (16,000 for whisper).</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate is out of range.</exception>
    public Resampler(int inputRate, int outputRate = WhisperLogMel.SampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(inputRate, 1_000_000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outputRate, 1_000_000);
        InputRate = inputRate;
        OutputRate = outputRate;
        long g = Gcd(inputRate, outputRate);
        _up = outputRate / g;
        _down = inputRate / g;
        double scale = Math.Min(1.0, (double)outputRate / inputRate);
        _cutoff = (1 + PassbandEdge) / 2 * scale;
        _radius = HalfLengthAtLowRate / scale;
        _half = (int)Math.Ceiling(_radius) + 1;
        int taps = 2 * _half;
        int lanes = Vector<float>.Count;
        _taps = (taps + lanes - 1) / lanes * lanes;
        if (_up <= MaxTablePhases)
        {
            _table = new float[_up * _taps];
            for (int phase = 0; phase < _up; phase++)
            {
                FillPhase(phase, _table.AsSpan(phase * _taps, _taps));
            }
        }
    }

    /// <summary>Input frames per second.</summary>
    public int InputRate { get; }

    /// <summary>Output frames per second.</summary>
    public int OutputRate { get; }

    /// <summary>Output samples for <paramref name="inputLength"/> input samples: <c>ceil(inputLength · L / M)</c>.</summary>
    /// <param name="inputLength">Input samples, 0 or more.</param>
    public long OutputLength(long inputLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputLength);
        return (long)(((Int128)inputLength * _up + _down - 1) / _down);
    }

    /// <summary>Converts <paramref name="input"/> into a new array of <see cref="OutputLength"/> samples.</summary>
    /// <param name="input">Mono samples at <see cref="InputRate"/>.</param>
    /// <returns>Mono samples at <see cref="OutputRate"/>.</returns>
    /// <exception cref="ArgumentException">The output would be longer than an array can be.</exception>
    public float[] Process(ReadOnlySpan<float> input)
    {
        long length = OutputLength(input.Length);
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"{input.Length} samples at {InputRate} Hz give {length} at {OutputRate} Hz, more than an array holds.", nameof(input));
        }

        float[] output = new float[length];
        Process(input, output);
        return output;
    }

    /// <summary>Converts <paramref name="input"/> into <paramref name="destination"/>; allocates nothing for tabulated ratios.</summary>
    /// <param name="input">Mono samples at <see cref="InputRate"/>.</param>
    /// <param name="destination">At least <see cref="OutputLength"/> samples.</param>
    /// <returns>The samples written.</returns>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public int Process(ReadOnlySpan<float> input, Span<float> destination)
    {
        long length = OutputLength(input.Length);
        if (destination.Length < length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} samples; {length} are needed.", nameof(destination));
        }

        int n = (int)length;
        int taps = _taps;
        float[]? scratch = _table is null ? new float[taps] : null;
        long index = 0;
        long phase = 0;
        long whole = _down / _up, frac = _down % _up;
        for (int k = 0; k < n; k++)
        {
            ReadOnlySpan<float> h;
            if (_table is not null)
            {
                h = _table.AsSpan((int)phase * taps, taps);
            }
            else
            {
                FillPhase(phase, scratch);
                h = scratch;
            }

            long first = index - _half + 1;
            destination[k] = first >= 0 && first + taps <= input.Length
                ? Dot(input.Slice((int)first, taps), h)
                : DotClipped(input, first, h);
            index += whole;
            phase += frac;
            if (phase >= _up)
            {
                phase -= _up;
                index++;
            }
        }

        return n;
    }

    /// <summary>The continuous kernel at <paramref name="tau"/> input samples from the output instant (for the exact reference in tests).</summary>
    internal double Kernel(double tau)
    {
        double x = tau / _radius;
        if (x is <= -1 or >= 1)
        {
            return 0;
        }

        double arg = _cutoff * tau;
        double sinc = arg == 0 ? 1 : Math.Sin(Math.PI * arg) / (Math.PI * arg);
        return _cutoff * sinc * BesselI0(KaiserBeta * Math.Sqrt(1 - (x * x))) * InvI0Beta;
    }

    /// <summary>The (L, M) of the reduced ratio.</summary>
    internal (long Up, long Down) Ratio => (_up, _down);

    private void FillPhase(long phase, Span<float> h)
    {
        double offset = (double)phase / _up;
        for (int t = 0; t < h.Length; t++)
        {
            h[t] = t < 2 * _half ? (float)Kernel(offset + _half - 1 - t) : 0f;
        }
    }

    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> h)
    {
        ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x);
        ReadOnlySpan<Vector<float>> hv = MemoryMarshal.Cast<float, Vector<float>>(h);
        Vector<float> acc = Vector<float>.Zero;
        for (int i = 0; i < hv.Length; i++)
        {
            acc += xv[i] * hv[i];
        }

        return Vector.Sum(acc);
    }

    private static float DotClipped(ReadOnlySpan<float> input, long first, ReadOnlySpan<float> h)
    {
        float sum = 0;
        for (int t = 0; t < h.Length; t++)
        {
            long j = first + t;
            if (j >= 0 && j < input.Length)
            {
                sum += input[(int)j] * h[t];
            }
        }

        return sum;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    /// <summary>The modified Bessel function of the first kind, order 0, by its power series (double precision).</summary>
    internal static double BesselI0(double x)
    {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 200; k++)
        {
            term *= q / ((double)k * k);
            sum += term;
            if (term < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }
}
