using System.CommandLine;
using System.Globalization;
using Nko.Audio;
using Nko.Data;
using Nko.IO;
using Nko.Cli.Output;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko mel --input FILE.wav [--mels 80|128] [--seconds 30] [--full] [--int16] --out FILE.npy</c>: whisper's log-mel
/// spectrogram of a WAV file as float32 <c>[mels, frames]</c> .npy, written all-or-nothing.
/// </summary>
/// <remarks>
/// The audio is read, mixed to mono and resampled to 16 kHz (Nko.Audio). Default: the window form,
/// <c>log_mel_spectrogram(pad_or_trim(audio, seconds · 16000))</c>, <c>seconds · 100</c> frames. <c>--full</c>: the long
/// form <c>transcribe()</c> computes, <c>log_mel_spectrogram(audio, padding=480000)</c>, <c>(samples + 480000) / 160</c>
/// frames. <c>--int16</c> quantises the samples as whisper's ffmpeg decode does. Prints
/// <c>{"mels", "frames", "samples", "seconds"}</c> as one JSON line.
/// </remarks>
internal static class MelCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "The WAV file (PCM 8/16/24/32-bit or float, any rate, any channels).", Required = true };
        var mels = new Option<int>("--mels") { Description = "Mel bands: 80 (whisper up to large-v2, the bundled recogniser) or 128 (large-v3).", DefaultValueFactory = _ => 80 };
        mels.AcceptOnlyFromAmong("80", "128");
        var seconds = new Option<double>("--seconds") { Description = "The window in seconds (pad or trim to it); 30 for whisper, 15 for the bundled recogniser.", DefaultValueFactory = _ => 30 };
        var full = new Option<bool>("--full") { Description = "Whisper's long-audio form: the whole input plus 30 s of zeros, (samples + 480000) / 160 frames (--seconds is ignored)." };
        var int16 = new Option<bool>("--int16") { Description = "Quantise the samples to 16 bits as whisper's ffmpeg decode does (equal to whisper's numbers on 16 kHz files)." };
        var output = new Option<string>("--out") { Description = "The float32 .npy file to write, shape [mels, frames].", Required = true };
        var command = new Command("mel", "Whisper log-mel spectrogram of a WAV file, written as float32 [mels, frames] .npy.")
        {
            input, mels, seconds, full, int16, output,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            using TextWriter stdout = CommandRunner.OpenStdout(parseResult);
            return Execute(
                parseResult.GetRequiredValue(input),
                parseResult.GetValue(mels),
                parseResult.GetValue(seconds),
                parseResult.GetValue(full),
                parseResult.GetValue(int16),
                parseResult.GetRequiredValue(output),
                stdout);
        }));
        return command;
    }

    /// <summary>Runs the command body; errors are exceptions that <see cref="CommandRunner"/> turns into one line.</summary>
    internal static int Execute(string input, int mels, double seconds, bool full, bool int16, string output, TextWriter stdout)
    {
        if (mels is not (80 or 128))
        {
            throw new CommandLineException($"--mels must be 80 or 128, not {mels}.");
        }

        int windowSamples = 0;
        if (!full)
        {
            double samples = seconds * WhisperLogMel.SampleRate;
            if (!double.IsFinite(samples) || samples <= WhisperLogMel.FftSize / 2 || samples > int.MaxValue / 2 || samples != Math.Floor(samples))
            {
                throw new CommandLineException($"--seconds {seconds.ToString(CultureInfo.InvariantCulture)} must give a whole number of 16 kHz samples, more than 200 (e.g. 30 or 15).");
            }

            windowSamples = (int)samples;
        }

        if (!File.Exists(input))
        {
            throw new FileNotFoundException($"Input file '{input}' does not exist.", input);
        }

        OutputFile.Check(output, "--out");
        float[] audio = AudioLoader.LoadMono16k(input, new AudioReadOptions { QuantizeToInt16 = int16 });
        var front = new WhisperLogMel(mels);
        float[] mel = full ? front.Compute(audio, WhisperLogMel.LongPaddingSamples) : front.ComputeWindow(audio, windowSamples);
        int frames = mel.Length / mels;
        using (AtomicFileWriter file = OutputFile.Create(output))
        {
            NpyFile.Write(file.Stream, mel, [mels, frames]);
            file.Commit();
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"mels\":{mels},\"frames\":{frames},\"samples\":{audio.Length},\"seconds\":{audio.Length / (double)WhisperLogMel.SampleRate}}}"));
        return 0;
    }
}
