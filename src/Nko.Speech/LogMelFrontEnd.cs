using System.Collections.Concurrent;
using Nko.Asr;
using Nko.Audio;

namespace Nko.Speech;

/// <summary>
/// The audio front end a log-mel model's <see cref="AcousticInputContract"/> asks for: Whisper log-mel with the model's mel
/// count over windows of the model's length, each zero-padded to the full window before the spectrogram
/// (<c>log_mel_spectrogram(pad_or_trim(window, windowSamples))</c>). Thread-safe: spectrogram workspaces are pooled.
/// </summary>
internal sealed class LogMelFrontEnd
{
    private readonly ConcurrentBag<WhisperLogMel> _pool = [];

    private LogMelFrontEnd(int mels, int windowSamples)
    {
        Mels = mels;
        WindowSamples = windowSamples;
        WindowFrames = WhisperLogMel.FrameCount(windowSamples);
    }

    /// <summary>Mel bands per frame.</summary>
    public int Mels { get; }

    /// <summary>Samples per window.</summary>
    public int WindowSamples { get; }

    /// <summary>Log-mel frames per window (<c>WindowSamples / 160</c>).</summary>
    public int WindowFrames { get; }

    /// <summary>The front end for <paramref name="model"/>, or an exception that says why audio cannot feed it.</summary>
    /// <exception cref="InvalidOperationException">The model takes encoder features, or states a sample rate other than 16 kHz or a window that is not a whole number of hops.</exception>
    public static LogMelFrontEnd For(IAcousticModel model)
    {
        AcousticInputContract contract = model.InputContract;
        if (contract.Kind != AcousticInputKind.LogMel)
        {
            throw new InvalidOperationException(
                $"The acoustic model takes {contract.DescribeInput()}, not a log-mel spectrogram, so it cannot be fed audio; give a model (or an encoder + head chain) that starts at Whisper log-mel, or pass encoder features to Correct.");
        }

        if (contract.SampleRate is int rate && rate != WhisperLogMel.SampleRate)
        {
            throw new InvalidOperationException($"The acoustic model expects audio at {rate} Hz; the Whisper log-mel front end works at {WhisperLogMel.SampleRate} Hz.");
        }

        if (contract.Dimension > WhisperLogMel.MaxMelCount)
        {
            throw new InvalidOperationException($"The acoustic model takes {contract.Dimension} mel bands; the front end makes at most {WhisperLogMel.MaxMelCount}.");
        }

        int window = contract.WindowSamples ?? WhisperLogMel.WindowSamples;
        if (window <= WhisperLogMel.FftSize / 2)
        {
            throw new InvalidOperationException($"The acoustic model's window of {window} samples is too short for the log-mel front end (more than {WhisperLogMel.FftSize / 2} needed).");
        }

        return new LogMelFrontEnd(contract.Dimension, window);
    }

    /// <summary>The number of windows for <paramref name="samples"/> samples: <c>ceil(samples / WindowSamples)</c>, at least one.</summary>
    public int WindowCount(int samples) => samples == 0 ? 1 : (int)(((long)samples + WindowSamples - 1) / WindowSamples);

    /// <summary>Writes the log-mel <c>[Mels, WindowFrames]</c> of <paramref name="window"/> (at most <see cref="WindowSamples"/> samples, zero-padded to it).</summary>
    /// <exception cref="ArgumentException">A sample is NaN or infinite.</exception>
    public void Compute(ReadOnlySpan<float> window, Span<float> destination)
    {
        if (!_pool.TryTake(out WhisperLogMel? mel))
        {
            mel = new WhisperLogMel(Mels);
        }

        try
        {
            mel.ComputeWindow(window, destination, WindowSamples);
        }
        finally
        {
            _pool.Add(mel);
        }
    }
}
