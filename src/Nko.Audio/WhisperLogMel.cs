using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
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

    /// <summary>The widest batch: 8 frames with <see cref="Vector512Lanes"/> (or more if <see cref="Vector{T}"/> is wider).</summary>
    private static readonly int MaxLanes = Math.Max(Vector512<double>.Count, Vector<double>.Count);

    private readonly float[] _filters;
    private readonly double[] _filterValues;
    private readonly int[] _filterStart;
    private readonly int[] _filterCount;
    private readonly double[] _window;
    private readonly double[] _postCos;
    private readonly double[] _postSin;
    private readonly BatchFft _fft = new(Half);

    // FFT input/output and its scratch (later the power spectrum), for MaxLanes frames: one pinned array, used from a
    // 64-byte-aligned offset so no vector straddles a cache line.
    private readonly double[] _workspace;
    private readonly int _workspaceOffset;
    private float[] _padded = [];
    /// <summary>Creates the front end for <paramref name="melCount"/> mel bands (whisper uses 80, or 128 for large-v3).</summary>
    /// <param name="melCount">Mel bands, 1 to <see cref="MaxMelCount"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="melCount"/> is out of range.</exception>
    public WhisperLogMel(int melCount = 80)
        : this(melCount, allowVector512: true)
    {
    }

    /// <summary>As the public constructor; <paramref name="allowVector512"/> false keeps to <see cref="Vector{T}"/> (the tests pin both paths).</summary>
    internal WhisperLogMel(int melCount, bool allowVector512)
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
                // ¼: the power spectrum arrives as |2X|² (scaling by a power of two is exact).
                values.Add(row[k] * 0.25);
            }
        }

        _filterValues = [.. values];
        _window = new double[FftSize];
        for (int n = 0; n < FftSize; n++)
        {
            // torch.hann_window(400) (periodic), rounded to float32 as torch stores it.
            _window[n] = (float)(0.5 - (0.5 * Math.Cos(2.0 * Math.PI * n / FftSize)));
        }

        UsesVector512 = allowVector512 && Vector512.IsHardwareAccelerated;
        _workspace = GC.AllocateArray<double>(WorkspaceLength + (64 / sizeof(double)), pinned: true);
        _workspaceOffset = AlignmentOffset(_workspace);
        _postCos = new double[Bins];
        _postSin = new double[Bins];
        for (int k = 0; k < Bins; k++)
        {
            _postCos[k] = Math.Cos(2.0 * Math.PI * k / FftSize);
            _postSin[k] = Math.Sin(2.0 * Math.PI * k / FftSize);
        }
    }

    /// <summary>True when frames run 8 at a time in <see cref="Vector512{T}"/> lanes (AVX-512), false on <see cref="Vector{T}"/>.</summary>
    internal bool UsesVector512 { get; }

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

    private static int WorkspaceLength => 4 * Half * MaxLanes;

    private static unsafe int AlignmentOffset(double[] pinned)
    {
        fixed (double* p = pinned)
        {
            return (int)(((64 - ((nint)p & 63)) & 63) / sizeof(double));
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
        if (UsesVector512)
        {
            MelFrames<Vector512Lanes>(padded, frames, output);
        }
        else
        {
            MelFrames<VectorLanes>(padded, frames, output);
        }

        LogAndClamp(output, UsesVector512);
        return frames;
    }

    /// <summary>The mel power of every frame into <paramref name="output"/> (<c>[mels, frames]</c>), <c>T.Count</c> frames per batch, one per lane.</summary>
    private void MelFrames<T>(ReadOnlySpan<float> padded, int frames, Span<float> output)
        where T : unmanaged, IDoubleLanes<T>
    {
        int width = T.Count;
        int block = Half * MaxLanes;
        Span<double> workspace = _workspace.AsSpan(_workspaceOffset, WorkspaceLength);
        Span<T> re = MemoryMarshal.Cast<double, T>(workspace[..block])[..Half];
        Span<T> im = MemoryMarshal.Cast<double, T>(workspace.Slice(block, block))[..Half];
        Span<T> workRe = MemoryMarshal.Cast<double, T>(workspace.Slice(2 * block, block))[..Half];
        Span<T> workIm = MemoryMarshal.Cast<double, T>(workspace.Slice(3 * block, block))[..Half];

        // The FFT leaves its result in re/im, so its scratch (2 × 200 vectors) holds the 201 power bins: a smaller working set.
        Span<T> power = MemoryMarshal.Cast<double, T>(workspace.Slice(2 * block, 2 * block))[..Bins];
        Span<float> partial = stackalloc float[MaxLanes];
        for (int t0 = 0; t0 < frames; t0 += width)
        {
            int lanes = Math.Min(width, frames - t0);
            if (!LoadFrames(padded, t0, lanes, re, im))
            {
                // Every sample of these frames is zero: mel power 0 (the FFT would give exactly that).
                for (int b = 0; b < MelCount; b++)
                {
                    output.Slice((b * frames) + t0, lanes).Clear();
                }

                continue;
            }

            _fft.Forward(re, im, workRe, workIm);
            PowerSpectrum<T>(re, im, power);
            MelBands<T>(power, output, frames, t0, lanes, partial);
        }
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
    private bool LoadFrames<T>(ReadOnlySpan<float> padded, int t0, int lanes, Span<T> re, Span<T> im)
        where T : unmanaged, IDoubleLanes<T>
    {
        int width = T.Count;
        int start = t0 * HopLength;
        ReadOnlySpan<float> span = padded.Slice(start, ((lanes - 1) * HopLength) + FftSize);
        if (span.IndexOfAnyExcept(0f) < 0)
        {
            return false;
        }

        Span<double> reD = MemoryMarshal.Cast<T, double>(re);
        Span<double> imD = MemoryMarshal.Cast<T, double>(im);
        if (lanes == width && width == 8 && Avx512F.IsSupported)
        {
            Gather8(span, reD, imD);
            return true;
        }

        if (lanes == width && width == 4 && Avx2.IsSupported)
        {
            Gather4(span, reD, imD);
            return true;
        }

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

    /// <summary>Eight frames 160 samples apart (<paramref name="span"/> covers them all): one gather per sample index, widened, windowed.</summary>
    private unsafe void Gather8(ReadOnlySpan<float> span, Span<double> re, Span<double> im)
    {
        if (span.Length < (7 * HopLength) + FftSize || re.Length < 8 * Half || im.Length < 8 * Half)
        {
            throw new ArgumentException("The gather needs eight whole frames and 8 × 200 doubles per buffer.", nameof(span));
        }

        Vector256<int> offsets = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * HopLength;
        ReadOnlySpan<double> w = _window;
        fixed (float* f = span)
        fixed (double* r = re, i = im)
        {
            for (int n = 0; n < Half; n++)
            {
                int e = 2 * n;
                Vector512<double> even = Avx512F.ConvertToVector512Double(Avx2.GatherVector256(f + e, offsets, sizeof(float)));
                Vector512<double> odd = Avx512F.ConvertToVector512Double(Avx2.GatherVector256(f + e + 1, offsets, sizeof(float)));
                (even * w[e]).Store(r + (8 * n));
                (odd * w[e + 1]).Store(i + (8 * n));
            }
        }
    }

    /// <summary>As <see cref="Gather8"/> for four frames (AVX2).</summary>
    private unsafe void Gather4(ReadOnlySpan<float> span, Span<double> re, Span<double> im)
    {
        if (span.Length < (3 * HopLength) + FftSize || re.Length < 4 * Half || im.Length < 4 * Half)
        {
            throw new ArgumentException("The gather needs four whole frames and 4 × 200 doubles per buffer.", nameof(span));
        }

        Vector128<int> offsets = Vector128.Create(0, 1, 2, 3) * HopLength;
        ReadOnlySpan<double> w = _window;
        fixed (float* f = span)
        fixed (double* r = re, i = im)
        {
            for (int n = 0; n < Half; n++)
            {
                int e = 2 * n;
                Vector256<double> even = Avx.ConvertToVector256Double(Avx2.GatherVector128(f + e, offsets, sizeof(float)));
                Vector256<double> odd = Avx.ConvertToVector256Double(Avx2.GatherVector128(f + e + 1, offsets, sizeof(float)));
                (even * w[e]).Store(r + (4 * n));
                (odd * w[e + 1]).Store(i + (4 * n));
            }
        }
    }

    /// <summary>
    /// Four times the one-sided power spectrum (<c>|2X|²</c>; the mel weights carry the ¼, exactly) of the 400 real samples,
    /// from the 200-point complex FFT <c>z</c> of their even/odd pairs: <c>2X[k] = (z[k] + z*[200−k]) − i·e^(−2πik/400)·(z[k] − z*[200−k])</c>.
    /// </summary>
    private void PowerSpectrum<T>(ReadOnlySpan<T> zr, ReadOnlySpan<T> zi, Span<T> power)
        where T : unmanaged, IDoubleLanes<T>
    {
        ReadOnlySpan<double> cos = _postCos, sin = _postSin;

        // k = 0 and k = 200: X = Re z0 ± Im z0 (real).
        T dc = zr[0] + zi[0], nyquist = zr[0] - zi[0];
        dc += dc;
        nyquist += nyquist;
        power[0] = dc * dc;
        power[Half] = nyquist * nyquist;
        for (int k = 1; k < Half; k++)
        {
            int b = Half - k;
            T ar = zr[k], ai = zi[k], br = zr[b], bi = zi[b];
            T er = ar + br, ei = ai - bi;
            T or = ai + bi, oi = br - ar;
            T c = T.Create(cos[k]), s = T.Create(sin[k]), ns = T.Create(-sin[k]);
            T xr = T.MultiplyAdd(oi, s, T.MultiplyAdd(or, c, er));
            T xi = T.MultiplyAdd(or, ns, T.MultiplyAdd(oi, c, ei));
            power[k] = T.MultiplyAdd(xr, xr, xi * xi);
        }
    }

    private void MelBands<T>(ReadOnlySpan<T> power, Span<float> output, int frames, int t0, int lanes, Span<float> partial)
        where T : unmanaged, IDoubleLanes<T>
    {
        ReadOnlySpan<double> values = _filterValues;
        int v = 0;
        for (int b = 0; b < MelCount; b++)
        {
            int start = _filterStart[b], count = _filterCount[b];
            T acc = T.Zero;
            for (int j = 0; j < count; j++)
            {
                acc = T.MultiplyAdd(power[start + j], T.Create(values[v + j]), acc);
            }

            v += count;
            Span<float> row = output.Slice((b * frames) + t0, lanes);
            if (lanes == T.Count)
            {
                T.NarrowTo(acc, row);
                continue;
            }

            T.NarrowTo(acc, partial);
            partial[..lanes].CopyTo(row);
        }
    }

    /// <summary><c>log10(max(x, 1e-10))</c>, then <c>(max(x, max − 8) + 4) / 4</c> over the whole output, in float32 as whisper.</summary>
    private static void LogAndClamp(Span<float> output, bool wide)
    {
        float max = float.NegativeInfinity;
        int i = 0;
        if (wide && output.Length >= Vector512<float>.Count)
        {
            // The same arithmetic as the Vector<float> loop below, 16 lanes at a time.
            Span<Vector512<float>> vectors = MemoryMarshal.Cast<float, Vector512<float>>(output);
            Vector512<float> floor = Vector512.Create(1e-10f);
            Vector512<float> invLn10 = Vector512.Create((float)(1.0 / Math.Log(10.0)));
            Vector512<float> vmax = Vector512.Create(float.NegativeInfinity);
            for (int j = 0; j < vectors.Length; j++)
            {
                Vector512<float> y = Vector512.Log(Vector512.Max(vectors[j], floor)) * invLn10;
                vectors[j] = y;
                vmax = Vector512.Max(vmax, y);
            }

            for (int l = 0; l < Vector512<float>.Count; l++)
            {
                max = Math.Max(max, vmax[l]);
            }

            i = vectors.Length * Vector512<float>.Count;
        }
        else if (Vector.IsHardwareAccelerated && output.Length >= Vector<float>.Count)
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
        if (wide && output.Length >= Vector512<float>.Count)
        {
            Span<Vector512<float>> vectors = MemoryMarshal.Cast<float, Vector512<float>>(output);
            Vector512<float> vlow = Vector512.Create(low);
            Vector512<float> four = Vector512.Create(4f);
            Vector512<float> quarter = Vector512.Create(0.25f);
            for (int j = 0; j < vectors.Length; j++)
            {
                vectors[j] = (Vector512.Max(vectors[j], vlow) + four) * quarter;
            }

            i = vectors.Length * Vector512<float>.Count;
        }
        else if (Vector.IsHardwareAccelerated && output.Length >= Vector<float>.Count)
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
