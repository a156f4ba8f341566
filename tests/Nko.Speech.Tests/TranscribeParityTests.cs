using System.Globalization;
using Nko.Audio;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Xunit.Abstractions;

namespace Nko.Speech.Tests;

/// <summary>
/// The trained recogniser from audio: every dev WAV of <c>nko-tts-asr</c> through the pipeline's front end and model gives
/// the data set's <c>asr_hyp</c> exactly and its float16 log-probs to float16 rounding.
/// </summary>
public sealed class TranscribeParityTests(ITestOutputHelper output)
{
    [DevDataFact]
    public void Dev_wavs_reproduce_the_data_sets_hypotheses_and_log_probs()
    {
        CtcDataset dev = CtcDataset.Load(SpeechTestData.Dev);
        RankerConfig config = RankerConfig.Load(SpeechTestData.ConfigPath);
        var speech = new SpeechCorrectionPipeline(SpeechTestData.Model, new CorrectionPipeline(config));
        Assert.Equal(240000, speech.WindowSamples);
        var noCorrection = new TranscriptionOptions { Correct = false };
        int exactHyp = 0, exactFloat32Hyp = 0, files = 0;
        long values = 0, equalHalves = 0;
        float maxDiff = 0, maxExcess = 0;
        double maxScoreDiff = 0, maxScore16Diff = 0;
        foreach ((string file, string reference, int index) in SpeechTestData.Manifest)
        {
            SpeechTranscription t = speech.Transcribe(SpeechTestData.DevWav(file), noCorrection);
            SpeechWindowResult w = Assert.Single(t.Windows);
            CtcDatasetRow row = dev.Rows[index];
            Assert.Equal(reference, row.Reference);
            LogProbMatrix stored = dev.GetLogProbs(index);
            Assert.Equal(stored.Frames, w.LogProbs.Frames);
            Assert.Equal(row.SpeechFrames, w.SpeechFrames);

            // The data set's hypothesis is the greedy decode of the float16-rounded matrix.
            Half[] rounded = new Half[w.LogProbs.Span.Length];
            for (int i = 0; i < rounded.Length; i++)
            {
                rounded[i] = (Half)w.LogProbs.Span[i];
                float s = stored.Span[i];
                float d = Math.Abs(w.LogProbs.Span[i] - s);
                maxDiff = Math.Max(maxDiff, d);
                maxExcess = Math.Max(maxExcess, d - (0.5f * HalfUlp(s)));
                equalHalves += (float)rounded[i] == s ? 1 : 0;
            }

            values += rounded.Length;
            LogProbMatrix ours16 = LogProbMatrix.FromHalf(rounded, w.LogProbs.Frames, w.LogProbs.Classes);
            string hyp16 = CtcVocabulary.NkoBlankFirst.Decode(GreedyDecoder.Decode(ours16, 0).Labels.AsSpan());
            exactHyp += hyp16 == row.Hypothesis ? 1 : 0;
            exactFloat32Hyp += w.Hypothesis == row.Hypothesis ? 1 : 0;
            if (hyp16 != row.Hypothesis)
            {
                output.WriteLine($"{file}: expected '{row.Hypothesis}', got '{hyp16}'");
            }

            maxScoreDiff = Math.Max(maxScoreDiff, Math.Abs(row.AsrScore - w.AsrScore));
            maxScore16Diff = Math.Max(maxScore16Diff, Math.Abs(row.AsrScore - SpeechCorrectionPipeline.MeanBestLogProb(ours16, w.SpeechFrames)));
            files++;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{files} dev WAVs: asr_hyp exact {exactHyp} (greedy of float16-rounded log-probs), {exactFloat32Hyp} (greedy of float32); log-probs max |diff| {maxDiff:G4} vs stored float16, at most {maxExcess:G3} beyond half a float16 ulp of the stored value, {equalHalves} of {values} values round to the stored float16; asr_score max |diff| {maxScoreDiff:G3} (float32), {maxScore16Diff:G3} (float16-rounded)"));
        Assert.Equal(SpeechTestData.Manifest.Count, files);
        Assert.Equal(files, exactHyp);
        // Float32 runtimes differ from PyTorch by up to 1e-3 on these log-probs (the fixtures README), before float16 rounding.
        Assert.True(maxExcess <= 1e-3f, $"a log-prob is {maxExcess} beyond float16 rounding of the stored value");
        Assert.True(maxScoreDiff < 1e-3, $"asr_score differs by {maxScoreDiff}");
    }

    [DevDataFact]
    public void Samples_stream_path_and_async_give_the_same_transcription_with_correction()
    {
        RankerConfig config = RankerConfig.Load(SpeechTestData.ConfigPath);
        var speech = SpeechCorrectionPipeline.Create(SpeechTestData.Model, SpeechTestData.ConfigPath);
        string path = SpeechTestData.DevWav(SpeechTestData.Manifest[0].File);
        SpeechTranscription fromPath = speech.Transcribe(path);
        float[] samples = AudioLoader.LoadMono16k(path);
        SpeechTranscription fromSamples = speech.Transcribe(samples);
        using FileStream stream = File.OpenRead(path);
        SpeechTranscription fromStream = speech.TranscribeAsync(stream).GetAwaiter().GetResult();
        SpeechTranscription fromPathAsync = speech.TranscribeAsync(path).GetAwaiter().GetResult();
        foreach (SpeechTranscription t in new[] { fromSamples, fromStream, fromPathAsync })
        {
            Assert.Equal(fromPath.Text, t.Text);
            Assert.Equal(fromPath.Hypothesis, t.Hypothesis);
            Assert.Equal(fromPath.Decision, t.Decision);
            Assert.Equal(fromPath.Windows[0].LogProbs.Span.ToArray(), t.Windows[0].LogProbs.Span.ToArray());
        }

        // The correction of a window equals correcting its log-probs directly with the same self-score.
        SpeechWindowResult w = fromPath.Windows[0];
        CorrectionResult direct = new CorrectionPipeline(config).Correct(new CorrectionRequest(w.LogProbs) { AsrScore = w.AsrScore });
        Assert.Equal(direct.Text, w.Text);
        Assert.Equal(direct.Hypothesis, w.Hypothesis);
        Assert.Equal(samples.Length, fromPath.Samples);
        Assert.True(fromPath.Timings.FrontEnd > TimeSpan.Zero && fromPath.Timings.Model > TimeSpan.Zero && fromPath.Timings.Correction > TimeSpan.Zero);
        output.WriteLine($"{fromPath.Hypothesis} -> {fromPath.Text} ({fromPath.Decision}, {fromPath.EditCount} edits); {fromPath.Timings}");
    }

    [DevDataFact]
    public void Long_audio_is_cut_into_model_windows_each_zero_padded_and_the_texts_joined()
    {
        var speech = SpeechCorrectionPipeline.Create(SpeechTestData.Model, SpeechTestData.ConfigPath);
        float[] a = AudioLoader.LoadMono16k(SpeechTestData.DevWav(SpeechTestData.Manifest[0].File));
        float[] b = AudioLoader.LoadMono16k(SpeechTestData.DevWav(SpeechTestData.Manifest[1].File));

        // a, padded with zeros to exactly one window, then b: two windows, each as if transcribed alone.
        float[] joined = new float[240000 + b.Length];
        a.CopyTo(joined, 0);
        b.CopyTo(joined, 240000);
        var options = new TranscriptionOptions { Correct = false };
        SpeechTranscription both = speech.Transcribe(joined, options);
        SpeechTranscription first = speech.Transcribe(a, options), second = speech.Transcribe(b, options);

        Assert.Equal(2, both.Windows.Length);
        Assert.Equal(0, both.Windows[0].StartSample);
        Assert.Equal(240000, both.Windows[0].Samples);
        Assert.Equal(240000, both.Windows[1].StartSample);
        Assert.Equal(b.Length, both.Windows[1].Samples);
        Assert.Equal(375, both.Windows[0].SpeechFrames);
        Assert.Equal(first.Windows[0].LogProbs.Span.ToArray(), both.Windows[0].LogProbs.Span.ToArray());
        Assert.Equal(second.Windows[0].LogProbs.Span.ToArray(), both.Windows[1].LogProbs.Span.ToArray());
        Assert.Equal($"{first.Text} {second.Text}", both.Text);
        Assert.Null(both.Decision);
        Assert.Equal(TimeSpan.FromSeconds(15), both.Windows[1].Start);
    }

    private static float HalfUlp(float value)
    {
        // The spacing of float16 values at |value| (subnormal spacing below 2^-14).
        float a = Math.Abs(value);
        if (a < 6.1035156e-5f)
        {
            return 5.9604645e-8f;
        }

        int exponent = (int)Math.Floor(Math.Log2(a));
        return MathF.Pow(2, exponent - 10);
    }
}
