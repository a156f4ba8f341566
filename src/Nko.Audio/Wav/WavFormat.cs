namespace Nko.Audio.Wav;

/// <summary>The validated contents of a <c>fmt </c> chunk.</summary>
internal readonly record struct WavFormat(WavSampleFormat SampleFormat, int Channels, int SampleRate, int BytesPerSample)
{
    public int BlockAlign => Channels * BytesPerSample;
}
