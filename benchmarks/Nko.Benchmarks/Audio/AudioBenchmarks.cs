using Nko.Testing;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Nko.Audio;

namespace Nko.Benchmarks.Audio;

/// <summary>
/// The audio front end, one thread: whisper log-mel of a 30 s window (the 30 s French speech fixture
/// <c>../shared/data/whisper-frontend/audio/fr_30s.wav</c>), and WAV read + mono mix + resample of 30 s of 44.1 kHz
/// 16-bit stereo (that speech upsampled once in setup, in memory).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AudioBenchmarks
{
    private float[] _speech = [];
    private byte[] _wav44kStereo = [];
    private float[] _mono44k = [];
    private WhisperLogMel _mel128 = null!;
    private WhisperLogMel _mel80 = null!;
    private float[] _destination128 = [];
    private float[] _destination80 = [];
    private float[] _resampled = [];
    private Resampler _resampler = null!;

    [GlobalSetup]
    public void Setup()
    {
        string clip = Path.GetFullPath(Path.Combine(BenchmarkData.RepositoryRoot, "..", "shared", "data", "whisper-frontend", "audio", "fr_30s.wav"));
        _speech = AudioLoader.LoadMono16k(clip);
        _mel128 = new WhisperLogMel(128);
        _mel80 = new WhisperLogMel(80);
        _destination128 = new float[128 * WhisperLogMel.WindowFrames];
        _destination80 = new float[80 * WhisperLogMel.WindowFrames];
        _mel128.ComputeWindow(_speech, _destination128);
        _mel80.ComputeWindow(_speech, _destination80);

        _mono44k = new Resampler(16000, 44100).Process(_speech);
        int frames = _mono44k.Length;
        byte[] data = new byte[frames * 4];
        for (int i = 0; i < frames; i++)
        {
            short left = (short)Math.Clamp(Math.Round(_mono44k[i] * 32768), -32768, 32767);
            short right = (short)Math.Clamp(Math.Round(_mono44k[i] * 16384), -32768, 32767);
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(4 * i), left);
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan((4 * i) + 2), right);
        }

        _wav44kStereo = TestWav.Pcm16(data, channels: 2, rate: 44100);
        _resampler = new Resampler(44100);
        _resampled = new float[_resampler.OutputLength(frames)];
    }

    /// <summary>log_mel_spectrogram(pad_or_trim(audio), 128): 30 s window, into a reused destination.</summary>
    [Benchmark(Description = "log-mel 30 s window, 128 mels")]
    public float LogMel128() => _mel128.ComputeWindow(_speech, _destination128) + _destination128[0];

    /// <summary>The same with 80 mels.</summary>
    [Benchmark(Description = "log-mel 30 s window, 80 mels")]
    public float LogMel80() => _mel80.ComputeWindow(_speech, _destination80) + _destination80[0];

    /// <summary>AudioLoader.LoadMono16k on 30 s of 44.1 kHz 16-bit stereo WAV bytes: read, mix, resample (new arrays).</summary>
    [Benchmark(Description = "WAV read + mix + resample, 30 s 44.1 kHz stereo")]
    public int LoadAndResample() => AudioLoader.LoadMono16k(_wav44kStereo).Length;

    /// <summary>Resampling alone: 30 s mono 44.1 kHz to 16 kHz into a reused destination.</summary>
    [Benchmark(Description = "resample only, 30 s 44.1 kHz mono")]
    public int ResampleOnly() => _resampler.Process(_mono44k, _resampled);
}
