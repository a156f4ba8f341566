using System.Buffers.Binary;
using Nko.Asr.Onnx;
using Nko.Audio;
using Nko.Speech;
using Nko.Testing;

namespace Nko.Extensions.AI.Tests;

/// <summary>The bundled recogniser, its ranker config and the bundled speech samples, loaded once.</summary>
internal static class TestAssets
{
    public static string ModelPath => RepositoryPaths.Combine("models", "nko-tts", "nko_tts_ctc.onnx");

    public static string ConfigPath => RepositoryPaths.Combine("models", "nko-tts", "ranker.json");

    public static string SimulatedConfigPath => RepositoryPaths.Combine("models", "candidate_ranker_v1.json");

    public static string Wav(string name) => RepositoryPaths.Combine("samples", "speech", name);

    public static OnnxAcousticModel Model => field ??= new OnnxAcousticModel(ModelPath, sessionOptions: new OnnxSessionOptions { IntraOpThreads = 1 });

    public static SpeechCorrectionPipeline Pipeline => field ??= SpeechCorrectionPipeline.Create(Model, ConfigPath);

    /// <summary>Two bundled utterances with 10 s of silence between them: 16 kHz samples over two 15 s windows.</summary>
    public static float[] TwoWindowSamples => field ??=
    [
        .. AudioLoader.LoadMono16k(Wav("dev_000.wav")),
        .. new float[10 * SpeechCorrectionPipeline.SampleRate],
        .. AudioLoader.LoadMono16k(Wav("dev_037.wav")),
    ];

    /// <summary>A 16 kHz mono IEEE-float WAV file of <paramref name="samples"/> (lossless, so it decodes to the same values).</summary>
    public static byte[] FloatWav(ReadOnlySpan<float> samples)
    {
        int data = samples.Length * 4;
        byte[] wav = new byte[44 + data];
        Span<byte> s = wav;
        "RIFF"u8.CopyTo(s);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], 36 + data);
        "WAVEfmt "u8.CopyTo(s[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(s[20..], 3); // IEEE float
        BinaryPrimitives.WriteInt16LittleEndian(s[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], SpeechCorrectionPipeline.SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], SpeechCorrectionPipeline.SampleRate * 4);
        BinaryPrimitives.WriteInt16LittleEndian(s[32..], 4);
        BinaryPrimitives.WriteInt16LittleEndian(s[34..], 32);
        "data"u8.CopyTo(s[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[40..], data);
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(s[(44 + (4 * i))..], samples[i]);
        }

        return wav;
    }
}
