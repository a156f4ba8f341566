using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;
using Nko.Audio.Spectral;

namespace Nko.Audio;

/// <summary>
/// openai/whisper's <c>log_mel_spectrogram</c> on 16 kHz mono samples: periodic Hann window of 400, hop 160, centred
/// STFT with reflect padding (200 samples each side), the last frame dropped, power <c>|X|²</c>, Slaney mel filters
/// (computed here, equal to whisper's <c>mel_filters.npz</c>), <c>log10(max(mel, 1e-10))</c>, <c>max(x, max − 8)</c> over the
/// whole output, <c>(x + 4) / 4</c>. Output layout <c>[mels, frames]</c> row-major float32, <c>frames = samples / 160</c>.
/// </summary>
/// <remarks>
/// <para>Three forms, as whisper uses them: <see cref="ComputeWindow(ReadOnlySpan{float}, Span{float}, int)"/> is
/// <c>log_mel_spectrogram(pad_or_trim(audio, window))</c> (30 s by default; a model may declare another window, e.g.
/// 240,000 samples = 15 s → 1500 frames); <see cref="Compute(ReadOnlySpan{float}, Span{float}, int)"/> with
/// <see cref="LongPaddingSamples"/> is <c>transcribe()</c>'s whole-input spectrogram, cut into 3000-frame windows by
/// <see cref="CopySegment"/>. The max − 8 floor runs over each call's whole output, so a window and the same frames of a
/// long spectrogram differ.</para>
/// <para>Computed in double (FFT, power, mel) and rounded to float32 before the logarithm; within 1e-4 of whisper's float32
/// PyTorch output on every fixture clip. An instance keeps a workspace that grows to the largest input seen, after which
/// the span overloads allocate nothing. <b>Not thread-safe</b>: use one instance per thread.</para>
/// </remarks>
public sealed class WhisperLogMel
{
    /// <summary>The sample rate whisper expects, in Hz.</summary>
    public const int SampleRate = 16000;

    /// <summary>The FFT (and window) length in samples.</summary>
    public const int FftSize = 400;

    /// <summary>The hop between frames in samples (10 ms).</summary>
    public const int HopLength = 160;

    /// <summary>Frequency bins of the one-sided spectrum (<c>FftSize / 2 + 1</c>).</summary>
    public const int Bins = (FftSize / 2) + 1;

    /// <summary>Whisper's window: 30 s of samples (<c>N_SAMPLES</c>).</summary>
    public const int WindowSamples = 480000;

    /// <summary>Frames of whisper's window (<c>N_FRAMES</c>).</summary>
    public const int WindowFrames = WindowSamples / HopLength;

    /// <summary>The zero padding <c>transcribe()</c> appends before its whole-input spectrogram (30 s).</summary>
    public const int LongPaddingSamples = WindowSamples;

    /// <summary>The most mel bands accepted.</summary>
    public const int MaxMelCount = 256;

    private const int Half = FftSize / 2;
    private static readonly int Lanes = Vector<double>.Count;

    private readonly float[] _filters;
    private readonly double[] _filterValues;
    private readonly int[] _filterStart;
    private readonly int[] _filterCount;
    private readonly double[] _window;
    private readonly double[] _postCos;
    private readonly double[] _postSin;
    private readonly BatchFft _fft = new(Half);
    private readonly Vector<double>[] _re = new Vector<double>[Half];
    private readonly Vector<double>[] _im = new Vector<double>[Half];
    private readonly Vector<double>[] _workRe = new Vector<double>[Half];
    private readonly Vector<double>[] _workIm = new Vector<double>[Half];
    private readonly Vector<double>[] _power = new Vector<double>[Bins];
    private float[] _padded = [];

    /// <summary>Creates the front end for <paramref name="melCount"/> mel bands (whisper uses 80, or 128 for large-v3).</summary>
    /// <param name="melCount">Mel bands, 1 to <see cref="MaxMelCount"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="melCount"/> is out of range.</exception>
    public WhisperLogMel(int melCount = 80)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(melCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(melCount, MaxMelCount);
        MelCount = melCount;
        _filters = SlaneyMel.Filters(melCount, FftSize, SampleRate);

        // Each band's nonzero bins, contiguous (a triangle), stored compactly for the sparse product.
        _filterStart = new int[melCount];
        _filterCount = new int[melCount];
        var values = new List<double>();
        for (int b = 0; b < melCount; b++)
        {
            ReadOnlySpan<float> row = _filters.AsSpan(b * Bins, Bins);
            int first = row.IndexOfAnyExcept(0f);
            int last = row.LastIndexOfAnyExcept(0f);
            _filterStart[b] = first < 0 ? 0 : first;
            _filterCount[b] = first < 0 ? 0 : last - first + 1;
            for (int k = _filterStart[b]; k < _filterStart[b] + _filterCount[b]; k++)
            {
                values.Add(row[k]);
            }
        }

        _filterValues = [.. values];
        _window = new double[FftSize];
        for (int n = 0; n < FftSize; n++)
        {
            // torch.hann_window(400) (periodic), rounded to float32 as torch stores it.
            _window[n] = (float)(0.5 - (0.5 * Math.Cos(2.0 * Math.PI * n / FftSize)));
        }

        _postCos = new double[Bins];
        _postSin = new double[Bins];
        for (int k = 0; k < Bins; k++)
        {
            _postCos[k] = Math.Cos(2.0 * Math.PI * k / FftSize);
            _postSin[k] = Math.Sin(2.0 * Math.PI * k / FftSize);
        }
    }

    /// <summary>Mel bands per frame.</summary>
    public int MelCount { get; }

    /// <summary>The mel filters, float32 <c>[MelCount, Bins]</c> row-major (librosa's Slaney filters, as whisper ships them).</summary>
    public ReadOnlySpan<float> Filters => _filters;

    /// <summary>Frames of the spectrogram of <paramref name="samples"/> samples (padding included): <c>samples / 160</c>.</summary>
    /// <param name="samples">Samples after any padding.</param>
    public static int FrameCount(int samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        return samples / HopLength;
    }

    /// <summary>
    /// <c>log_mel_spectrogram(samples, padding=paddingSamples)</c>: the spectrogram of the samples followed by
    /// <paramref name="paddingSamples"/> zeros; <see cref="LongPaddingSamples"/> gives <c>transcribe()</c>'s whole-input form.
    /// </summary>
    /// <param name="samples">16 kHz mono samples.</param>
    /// <param name="destination">At least <c>MelCount × FrameCount(samples.Length + paddingSamples)</c> floats, written as <c>[mels, frames]</c>.</param>
    /// <param name="paddingSamples">Zeros appended (0 or more).</param>
    /// <returns>The frames written.</returns>
    /// <exception cref="ArgumentException">The padded input has 200 samples or fewer (the reflect padding needs more), or the destination is too short.</exception>
    public int Compute(ReadOnlySpan<float> samples, Span<float> destination, int paddingSamples = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(paddingSamples);
        long length = (long)samples.Length + paddingSamples;
        if (length > Array.MaxLength - FftSize)
        {
            throw new ArgumentException($"{length} samples (with padding) are more than one spectrogram can cover.", nameof(samples));
        }

        return ComputeCore(samples, (int)length, destination);
    }

    /// <summary>As <see cref="Compute(ReadOnlySpan{float}, Span{float}, int)"/>, into a new array.</summary>
    /// <param name="samples">16 kHz mono samples.</param>
    /// <param name="paddingSamples">Zeros appended (0 or more).</param>
    /// <returns><c>[MelCount, frames]</c> float32.</returns>
    public float[] Compute(ReadOnlySpan<float> samples, int paddingSamples = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(paddingSamples);
        float[] result = new float[checked(MelCount * FrameCount(checked(samples.Length + paddingSamples)))];
        Compute(samples, result, paddingSamples);
        return result;
    }

    /// <summary>
    /// <c>log_mel_spectrogram(pad_or_trim(samples, windowSamples))</c>: the samples zero-padded on the right or truncated to
    /// exactly <paramref name="windowSamples"/> (30 s by default), giving <c>windowSamples / 160</c> frames.
    /// </summary>
    /// <param name="samples">16 kHz mono samples.</param>
    /// <param name="destination">At least <c>MelCount × windowSamples / 160</c> floats, written as <c>[mels, frames]</c>.</param>
    /// <param name="windowSamples">The model's window in samples, more than 200.</param>
    /// <returns>The frames written.</returns>
    /// <exception cref="ArgumentException">The window has 200 samples or fewer, or the destination is too short.</exception>
    public int ComputeWindow(ReadOnlySpan<float> samples, Span<float> destination, int windowSamples = WindowSamples) =>
        ComputeCore(samples, windowSamples, destination);

    /// <summary>As <see cref="ComputeWindow(ReadOnlySpan{float}, Span{float}, int)"/>, into a new array.</summary>
    /// <param name="samples">16 kHz mono samples.</param>
    /// <param name="windowSamples">The model's window in samples, more than 200.</param>
    /// <returns><c>[MelCount, windowSamples / 160]</c> float32.</returns>
    public float[] ComputeWindow(ReadOnlySpan<float> samples, int windowSamples = WindowSamples)
    {
        ValidateLength(windowSamples);
        float[] result = new float[MelCount * FrameCount(windowSamples)];
        ComputeCore(samples, windowSamples, result);
        return result;
    }

    /// <summary>
    /// One window of a long spectrogram as <c>transcribe()</c> feeds it to the encoder:
    /// <c>mel[:, seek : seek + size]</c> with <c>size = min(windowFrames, contentFrames − seek)</c>, padded on the right with
    /// 0.0 (in the log-mel domain, as <c>pad_or_trim</c> does) to <paramref name="windowFrames"/>.
    /// </summary>
    /// <param name="mel">A spectrogram <c>[melCount, frames]</c>, e.g. from <see cref="Compute(ReadOnlySpan{float}, int)"/> with <see cref="LongPaddingSamples"/>.</param>
    /// <param name="melCount">Its mel bands.</param>
    /// <param name="contentFrames">Frames of real audio, <c>samples / 160</c> (the frames before the padding).</param>
    /// <param name="seek">The first frame of the window, in <c>[0, contentFrames)</c>.</param>
    /// <param name="destination">At least <c>melCount × windowFrames</c> floats, written as <c>[mels, windowFrames]</c>.</param>
    /// <param name="windowFrames">Frames per window (3000 for whisper).</param>
    /// <returns>The window's frames of real content (<c>segment_size</c>); advance <paramref name="seek"/> by it.</returns>
    /// <exception cref="ArgumentException">The arguments do not describe a window inside the spectrogram, or the destination is too short.</exception>
    public static int CopySegment(ReadOnlySpan<float> mel, int melCount, int contentFrames, int seek, Span<float> destination, int windowFrames = WindowFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(melCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowFrames);
        if (mel.Length % melCount != 0)
        {
            throw new ArgumentException($"The spectrogram's {mel.Length} values are not a whole number of {melCount}-band frames.", nameof(mel));
        }

        int frames = mel.Length / melCount;
        ArgumentOutOfRangeException.ThrowIfNegative(contentFrames);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(contentFrames, frames);
        ArgumentOutOfRangeException.ThrowIfNegative(seek);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(seek, Math.Max(contentFrames, 1));
        if (destination.Length < (long)melCount * windowFrames)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats; {melCount} × {windowFrames} are needed.", nameof(destination));
        }

        int size = Math.Min(windowFrames, contentFrames - seek);
        for (int b = 0; b < melCount; b++)
        {
            Span<float> row = destination.Slice(b * windowFrames, windowFrames);
            mel.Slice((b * frames) + seek, size).CopyTo(row);
            row[size..].Clear();
        }

        return size;
    }

    private static void ValidateLength(int length)
    {
        if (length <= Half)
        {
            throw new ArgumentException($"The spectrogram needs more than {Half} samples (the reflect padding of torch.stft); got {length}.", nameof(length));
        }
    }

    private int ComputeCore(ReadOnlySpan<float> samples, int length, Span<float> destination)
    {
        ValidateLength(length);
        int frames = FrameCount(length);
        int mels = MelCount;
        if (destination.Length < (long)mels * frames)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats; {mels} × {frames} are needed.", nameof(destination));
        }

        Span<float> output = destination[..(mels * frames)];
        ReadOnlySpan<float> padded = Pad(samples, length);
        for (int t0 = 0; t0 < frames; t0 += Lanes)
        {
            int lanes = Math.Min(Lanes, frames - t0);
            if (!LoadFrames(padded, t0, lanes))
            {
                // Every sample of these frames is zero: mel power 0 (the FFT would give exactly that).
                for (int b = 0; b < mels; b++)
                {
                    output.Slice((b * frames) + t0, lanes).Clear();
                }

                continue;
            }

            _fft.Forward(_re, _im, _workRe, _workIm);
            PowerSpectrum();
            MelBands(output, frames, t0, lanes);
        }

        LogAndClamp(output);
        return frames;
    }

    /// <summary>The signal zero-extended or truncated to <paramref name="length"/>, reflect-padded by 200 on each side.</summary>
    private ReadOnlySpan<float> Pad(ReadOnlySpan<float> samples, int length)
    {
        int total = length + FftSize;
        if (_padded.Length < total)
        {
            _padded = new float[total];
        }

        Span<float> p = _padded.AsSpan(0, total);
        int n = Math.Min(samples.Length, length);
        if (!AudioMath.AllFinite(samples[..n]))
        {
            throw new ArgumentException("The samples contain NaN or infinity.", nameof(samples));
        }

        samples[..n].CopyTo(p[Half..]);
        p.Slice(Half + n, length - n).Clear();
        ReadOnlySpan<float> signal = p.Slice(Half, length);
        for (int i = 1; i <= Half; i++)
        {
            p[Half - i] = signal[i];
            p[Half + length - 1 + i] = signal[length - 1 - i];
        }

        return p;
    }

    /// <summary>Windows frames <c>t0 … t0 + lanes − 1</c> into the FFT buffers (one frame per lane, even samples real, odd imaginary); false when all are zero.</summary>
    private bool LoadFrames(ReadOnlySpan<float> padded, int t0, int lanes)
    {
        int start = t0 * HopLength;
        if (padded.Slice(start, ((lanes - 1) * HopLength) + FftSize).IndexOfAnyExcept(0f) < 0)
        {
            return false;
        }

        if (Lanes == 4 && lanes == 4 && Vector256.IsHardwareAccelerated)
        {
            // Four frames 160 samples apart: gather one element of each into a vector, window it, store it whole.
            ReadOnlySpan<float> f0 = padded.Slice(start, FftSize);
            ReadOnlySpan<float> f1 = padded.Slice(start + HopLength, FftSize);
            ReadOnlySpan<float> f2 = padded.Slice(start + (2 * HopLength), FftSize);
            ReadOnlySpan<float> f3 = padded.Slice(start + (3 * HopLength), FftSize);
            ReadOnlySpan<double> w = _window;
            Span<Vector<double>> re = _re, im = _im;
            for (int n = 0; n < Half; n++)
            {
                int e = 2 * n, o = e + 1;
                re[n] = (Vector256.Create((double)f0[e], f1[e], f2[e], f3[e]) * w[e]).AsVector();
                im[n] = (Vector256.Create((double)f0[o], f1[o], f2[o], f3[o]) * w[o]).AsVector();
            }

            return true;
        }

        Span<double> reD = MemoryMarshal.Cast<Vector<double>, double>(_re.AsSpan());
        Span<double> imD = MemoryMarshal.Cast<Vector<double>, double>(_im.AsSpan());
        int width = Lanes;
        for (int l = 0; l < width; l++)
        {
            if (l >= lanes)
            {
                for (int n = 0; n < Half; n++)
                {
                    reD[(n * width) + l] = 0;
                    imD[(n * width) + l] = 0;
                }

                continue;
            }

            ReadOnlySpan<float> frame = padded.Slice((t0 + l) * HopLength, FftSize);
            for (int n = 0; n < Half; n++)
            {
                reD[(n * width) + l] = frame[2 * n] * _window[2 * n];
                imD[(n * width) + l] = frame[(2 * n) + 1] * _window[(2 * n) + 1];
            }
        }

        return true;
    }

    /// <summary>The one-sided power spectrum of the 400 real samples from the 200-point complex FFT of their even/odd pairs.</summary>
    private void PowerSpectrum()
    {
        ReadOnlySpan<Vector<double>> zr = _re, zi = _im;
        Span<Vector<double>> power = _power;
        ReadOnlySpan<double> cos = _postCos, sin = _postSin;

        // k = 0 and k = 200: X = Re z0 ± Im z0 (real).
        Vector<double> dc = zr[0] + zi[0], nyquist = zr[0] - zi[0];
        power[0] = dc * dc;
        power[Half] = nyquist * nyquist;
        var half = new Vector<double>(0.5);
        for (int k = 1; k < Half; k++)
        {
            int b = Half - k;
            Vector<double> ar = zr[k], ai = zi[k], br = zr[b], bi = zi[b];
            Vector<double> er = (ar + br) * half, ei = (ai - bi) * half;
            Vector<double> or = (ai + bi) * half, oi = (br - ar) * half;
            double c = cos[k], s = sin[k];
            Vector<double> xr = er + (or * c) + (oi * s);
            Vector<double> xi = ei + (oi * c) - (or * s);
            power[k] = (xr * xr) + (xi * xi);
        }
    }

    private void MelBands(Span<float> output, int frames, int t0, int lanes)
    {
        ReadOnlySpan<double> values = _filterValues;
        Vector<double>[] power = _power;
        int v = 0;
        for (int b = 0; b < MelCount; b++)
        {
            int start = _filterStart[b], count = _filterCount[b];
            Vector<double> acc = Vector<double>.Zero;
            for (int j = 0; j < count; j++)
            {
                acc += power[start + j] * values[v + j];
            }

            v += count;
            Span<float> row = output.Slice((b * frames) + t0, lanes);
            if (Lanes == 4 && lanes == 4 && Vector256.IsHardwareAccelerated)
            {
                Vector256.Narrow(acc.AsVector256(), acc.AsVector256()).GetLower().CopyTo(row);
                continue;
            }

            for (int l = 0; l < row.Length; l++)
            {
                row[l] = (float)acc[l];
            }
        }
    }

    /// <summary><c>log10(max(x, 1e-10))</c>, then <c>(max(x, max − 8) + 4) / 4</c> over the whole output, in float32 as whisper.</summary>
    private static void LogAndClamp(Span<float> output)
    {
        float max = float.NegativeInfinity;
        int i = 0;
        if (Vector.IsHardwareAccelerated && output.Length >= Vector<float>.Count)
        {
            Span<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(output);
            var floor = new Vector<float>(1e-10f);
            var invLn10 = new Vector<float>((float)(1.0 / Math.Log(10.0)));
            var vmax = new Vector<float>(float.NegativeInfinity);
            for (int j = 0; j < vectors.Length; j++)
            {
                // ln in float32 (within an ulp or two), times 1/ln 10: a few 1e-7 of error on values of magnitude ≤ 10.
                Vector<float> y = Vector.Log(Vector.Max(vectors[j], floor)) * invLn10;
                vectors[j] = y;
                vmax = Vector.Max(vmax, y);
            }

            for (int l = 0; l < Vector<float>.Count; l++)
            {
                max = Math.Max(max, vmax[l]);
            }

            i = vectors.Length * Vector<float>.Count;
        }

        for (; i < output.Length; i++)
        {
            float y = (float)Math.Log10(Math.Max(output[i], 1e-10f));
            output[i] = y;
            max = Math.Max(max, y);
        }

        float low = max - 8f;
        i = 0;
        if (Vector.IsHardwareAccelerated && output.Length >= Vector<float>.Count)
        {
            Span<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(output);
            var vlow = new Vector<float>(low);
            var four = new Vector<float>(4f);
            var quarter = new Vector<float>(0.25f);
            for (int j = 0; j < vectors.Length; j++)
            {
                vectors[j] = (Vector.Max(vectors[j], vlow) + four) * quarter;
            }

            i = vectors.Length * Vector<float>.Count;
        }

        for (; i < output.Length; i++)
        {
            output[i] = (Math.Max(output[i], low) + 4f) * 0.25f;
        }
    }
}
