using System.Buffers;
using System.CommandLine;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;
using Nko.Asr;
using Nko.Audio;
using Nko.Ctc;
using Nko.Data;
using Nko.IO;
using Nko.Cli.Output;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko dataset [--model FILE.onnx | --encoder FILE.onnx --head FILE.onnx] --manifest FILE.jsonl --out DIR [--frames 375]</c>:
/// runs the recogniser on recordings and writes a dataset folder (<c>rows.jsonl</c> + <c>logprobs.npy</c>) that
/// <c>nko train</c>, <c>nko eval</c> and the other dataset commands read.
/// </summary>
/// <remarks>
/// <para><b>Front end, as the nko-tts-asr data sets were made.</b> Each recording is read (resampled to 16 kHz mono),
/// zero-padded to the input window that gives exactly <c>--frames</c> output frames (the model's own window when it gives
/// them, e.g. 240,000 samples → 1500 log-mel frames → 375 output frames for <c>nko_tts_ctc.onnx</c>; otherwise the longest
/// input its frame reduction maps to <c>--frames</c>), turned into Whisper log-mel over the padded audio and run through the
/// model, so the frames after the audio are the model's real output on digital silence. A recording longer than that
/// window is reported on stderr and skipped.</para>
/// <para><b>Output.</b> <c>logprobs.npy</c>: float16 <c>[N, frames, C]</c>, the model's float32 log-probs rounded to
/// float16 (round to nearest even). <c>rows.jsonl</c>, one row per written matrix, in manifest order:
/// <c>{"index", "feat_id", "ref", "asr_hyp", "asr_score", "frames", "speech_frames", "duration", "audio"}</c> —
/// <c>asr_hyp</c> the greedy decode of the stored float16 matrix (lowest index on ties), <c>asr_score</c> the mean over the
/// first <c>speech_frames</c> frames of the per-frame largest stored log-prob (6 decimals), <c>speech_frames</c>
/// <c>ceil(samples × frames / window samples)</c>, <c>duration</c> the audio's seconds (4 decimals), <c>feat_id</c> the
/// manifest's (default: its audio path), <c>ref</c> omitted when the manifest has none, <c>audio</c> the manifest's path.
/// The bytes depend only on the inputs, the model and ONNX Runtime's arithmetic; each file is written all-or-nothing
/// (<c>logprobs.npy</c> first). A recording that cannot be read fails the command (nothing is written) after every
/// problem has been reported.</para>
/// </remarks>
internal static class DatasetCommand
{
    /// <summary>The default output frames per row (15 s at 25 frames/s, as the nko-tts-asr data sets).</summary>
    public const int DefaultFrames = 375;

    public static Command Create()
    {
        SpeechModelCliOptions model = SpeechModelCliOptions.Create();
        var manifest = new Option<string>("--manifest")
        {
            Description = "JSON lines {\"audio\": PATH, \"ref\": TEXT, \"feat_id\": ID} (ref and feat_id optional; paths relative to the manifest).",
            Required = true,
        };
        var output = new Option<string>("--out") { Description = "The dataset folder to write (rows.jsonl + logprobs.npy; created if missing).", Required = true };
        var frames = new Option<int>("--frames")
        {
            Description = "Output frames per row: audio is zero-padded to the window that gives exactly this many; longer recordings are skipped.",
            DefaultValueFactory = _ => DefaultFrames,
        };
        var command = new Command("dataset", "Build a dataset folder (rows.jsonl + float16 logprobs.npy) from recordings and references, for nko train and nko eval.")
        {
            manifest, output, frames,
        };
        model.AddTo(command);
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () => Execute(
            new DatasetArguments(model.Parse(parseResult), parseResult.GetRequiredValue(manifest), parseResult.GetRequiredValue(output), parseResult.GetValue(frames)),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error)));
        return command;
    }

    /// <summary>Runs the command; returns the exit code. Skipped recordings are reported on <paramref name="stderr"/>, the summary on <paramref name="stdout"/>.</summary>
    internal static int Execute(DatasetArguments arguments, TextWriter stdout, TextWriter stderr)
    {
        arguments.Model.Validate();
        if (arguments.Frames < 1)
        {
            throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"--frames must be 1 or more, not {arguments.Frames}."));
        }

        string outDir = Path.GetFullPath(arguments.Out);
        if (File.Exists(outDir))
        {
            throw new IOException($"--out '{arguments.Out}' is a file; it must name a folder.");
        }

        OutputFile.Check(Path.Combine(outDir, "rows.jsonl"), "--out");
        List<SpeechManifestEntry> entries = SpeechManifest.Read(arguments.Manifest);
        (IAcousticModel model, string modelSource) = arguments.Model.Load();
        using (model)
        {
            CtcVocabulary vocabulary = model.Vocabulary;
            foreach (SpeechManifestEntry e in entries)
            {
                if (e.Reference is { } reference)
                {
                    try
                    {
                        _ = vocabulary.Encode(reference);
                    }
                    catch (OutOfVocabularyException x)
                    {
                        throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"{arguments.Manifest}:{e.Line}: \"ref\": {x.Message}"), x);
                    }
                }
            }

            (int inputFrames, int windowSamples) = Window(model, arguments.Frames);
            int mels = model.InputContract.Dimension;
            int frames = arguments.Frames, classes = vocabulary.Count;
            var logMel = new WhisperLogMel(mels);
            float[] mel = new float[mels * inputFrames];
            float[] logProbs = new float[frames * classes];
            var matrices = new List<Half[]>();
            var rows = new ArrayBufferWriter<byte>(1 << 16);
            int skipped = 0, failed = 0;
            using (var json = CliJson.CreateWriter(rows))
            using (FileProgressBar? progress = FileProgressBar.Create(stderr, entries.Count))
            {
                for (int i = 0; i < entries.Count; i++)
                {
                    SpeechManifestEntry e = entries[i];
                    progress?.Report(i, e.Audio);
                    float[] samples;
                    try
                    {
                        samples = AudioLoader.LoadMono16k(e.FullPath);
                    }
                    catch (Exception x) when (CommandRunner.IsUserError(x))
                    {
                        progress?.Clear();
                        stderr.WriteLine($"nko: error: {arguments.Manifest}:{e.Line}: {e.Audio}: {CommandRunner.OneLine(x.Message)}");
                        failed++;
                        continue;
                    }

                    if (samples.Length > windowSamples)
                    {
                        progress?.Clear();
                        stderr.WriteLine(string.Create(
                            CultureInfo.InvariantCulture,
                            $"nko: skipped {e.Audio} ({arguments.Manifest}:{e.Line}): {samples.Length / 16000.0:F2} s is longer than the {windowSamples / 16000.0:F2} s window of {frames} frames."));
                        skipped++;
                        continue;
                    }

                    logMel.ComputeWindow(samples, mel, windowSamples);
                    int got = model.Run(AcousticFeatures.FromLogMel(mel, mels, inputFrames), logProbs);
                    if (got != frames)
                    {
                        throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"The model gave {got} frames for {inputFrames} input frames, not the {frames} it promised."));
                    }

                    Half[] stored = new Half[frames * classes];
                    TensorPrimitives.ConvertToHalf(logProbs, stored);
                    if (failed == 0)
                    {
                        WriteRow(json, rows, matrices.Count, e, stored, frames, classes, samples.Length, windowSamples, vocabulary);
                        matrices.Add(stored);
                    }
                }
            }

            if (failed > 0)
            {
                stderr.WriteLine($"nko: {failed} of {entries.Count} recordings could not be read; nothing was written.");
                return 1;
            }

            if (matrices.Count == 0)
            {
                throw new CommandLineException($"Every recording of {arguments.Manifest} was longer than the window; nothing to write.");
            }

            using (AtomicFileWriter npy = OutputFile.Create(Path.Combine(outDir, "logprobs.npy")))
            {
                WriteNpy(npy.Stream, matrices, frames, classes);
                npy.Commit();
            }

            OutputFile.WriteBytes(Path.Combine(outDir, "rows.jsonl"), rows.WrittenSpan);
            string skippedNote = skipped > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {skipped} longer recordings skipped") : string.Empty;
            stdout.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"nko dataset: {matrices.Count} rows [{frames}, {classes}] from {modelSource} ({windowSamples / 16000.0:G} s windows) → {arguments.Out}{skippedNote}"));
            return 0;
        }
    }

    /// <summary>
    /// The input frames (and samples) of the window that gives exactly <paramref name="frames"/> output frames: the model's
    /// own window when it does, else the longest input its frame reduction maps to <paramref name="frames"/>.
    /// </summary>
    internal static (int InputFrames, int WindowSamples) Window(IAcousticModel model, int frames)
    {
        AcousticInputContract contract = model.InputContract;
        if (contract.Kind != AcousticInputKind.LogMel)
        {
            throw new CommandLineException($"The acoustic model takes {contract.DescribeInput()}, not a log-mel spectrogram, so it cannot be fed audio.");
        }

        int? n = null;
        if (contract.WindowFrames is int window && model.GetOutputFrames(window) == frames)
        {
            n = window;
        }
        else if (!contract.IsWindowFixed && contract.FrameReduction is { } reduction)
        {
            long candidate = ((long)frames * reduction.Stride) + reduction.Stride - 1 - reduction.Offset;
            if (candidate > 0 && candidate <= int.MaxValue / WhisperLogMel.HopLength && model.GetOutputFrames((int)candidate) == frames)
            {
                n = (int)candidate;
            }
        }

        if (n is not int input)
        {
            string have = contract.WindowFrames is int w ? string.Create(CultureInfo.InvariantCulture, $"its window of {w} input frames gives {model.GetOutputFrames(w)}") : "it states no window";
            throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"No input length gives --frames {frames} output frames with this model ({have})."));
        }

        return (input, input * WhisperLogMel.HopLength);
    }

    private static void WriteRow(
        Utf8JsonWriter json, ArrayBufferWriter<byte> rows, int index, SpeechManifestEntry e, Half[] stored, int frames, int classes,
        int samples, int windowSamples, CtcVocabulary vocabulary)
    {
        LogProbMatrix matrix = LogProbMatrix.FromHalf(stored, frames, classes);
        string hypothesis = vocabulary.Decode(GreedyDecoder.Decode(matrix, vocabulary.BlankIndex).Labels.AsSpan());
        int speechFrames = Nko.Speech.SpeechCorrectionPipeline.SpeechFrames(samples, windowSamples, frames);
        double score = Nko.Speech.SpeechCorrectionPipeline.MeanBestLogProb(matrix, speechFrames);
        json.WriteStartObject();
        json.WriteNumber("index", index);
        CliJson.WriteString(json, "feat_id", e.FeatId ?? e.Audio);
        if (e.Reference is { } reference)
        {
            CliJson.WriteString(json, "ref", reference);
        }

        CliJson.WriteString(json, "asr_hyp", hypothesis);
        json.WriteNumber("asr_score", Math.Round(score, 6));
        json.WriteNumber("frames", frames);
        json.WriteNumber("speech_frames", speechFrames);
        json.WriteNumber("duration", Math.Round(samples / (double)WhisperLogMel.SampleRate, 4));
        CliJson.WriteString(json, "audio", e.Audio);
        json.WriteEndObject();
        json.Flush();
        json.Reset();
        rows.Write("\n"u8);
    }

    private static void WriteNpy(Stream stream, List<Half[]> matrices, int frames, int classes)
    {
        // One contiguous [N, frames, classes] array; rows are small (375 × 66 × 2 bytes), so one copy is cheap.
        Half[] all = new Half[checked(matrices.Count * frames * classes)];
        for (int i = 0; i < matrices.Count; i++)
        {
            matrices[i].CopyTo(all, i * frames * classes);
        }

        NpyFile.Write(stream, all, [matrices.Count, frames, classes]);
    }
}

/// <summary>The parsed arguments of <c>nko dataset</c>.</summary>
internal sealed record DatasetArguments(SpeechModelArguments Model, string Manifest, string Out, int Frames);
