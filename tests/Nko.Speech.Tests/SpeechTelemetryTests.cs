using Nko.Testing;

namespace Nko.Speech.Tests;

/// <summary>With nothing listening (no listener in this test process), telemetry costs a transcription nothing.</summary>
public sealed class SpeechTelemetryTests
{
    [Fact]
    public void Recording_a_transcription_with_nothing_listening_allocates_nothing()
    {
        SpeechTranscription t = SpeechCorrectionPipeline.Create(SpeechTestData.Model, SpeechTestData.ConfigPath).Transcribe(new float[16000]);
        void Record()
        {
            System.Diagnostics.Activity? activity = SpeechTelemetry.Start();
            Assert.Null(activity);
            SpeechTelemetry.Record(t, "conservative", activity);
            SpeechTelemetry.Record(t, null, activity);
        }

        Record(); // warm up (static initialisation of the meter and instruments)
        Assert.Equal(0, AllocationProbe.Fewest(Record));
    }
}
