namespace Nko.Audio.Spectral;

/// <summary>
/// librosa's <c>filters.mel(sr, n_fft, n_mels, fmin=0, fmax=sr/2, htk=False, norm="slaney")</c>, the filters whisper ships
/// in <c>mel_filters.npz</c>: the Slaney mel scale (linear below 1 kHz, logarithmic above), triangles between
/// <c>n_mels + 2</c> points evenly spaced in mel, each scaled to unit area (<c>2 / (f[i+2] − f[i])</c>).
/// </summary>
internal static class SlaneyMel
{
    private const double LinearStep = 200.0 / 3;
    private const double MinLogHz = 1000.0;
    private const double MinLogMel = MinLogHz / LinearStep;
    private static readonly double LogStep = Math.Log(6.4) / 27.0;

    public static double HzToMel(double hz) => hz >= MinLogHz ? MinLogMel + (Math.Log(hz / MinLogHz) / LogStep) : hz / LinearStep;

    public static double MelToHz(double mel) => mel >= MinLogMel ? MinLogHz * Math.Exp(LogStep * (mel - MinLogMel)) : LinearStep * mel;

    /// <summary>The filters as float32 <c>[melCount, fftSize / 2 + 1]</c>, row-major, rounded as librosa rounds them.</summary>
    public static float[] Filters(int melCount, int fftSize, int sampleRate)
    {
        int bins = (fftSize / 2) + 1;
        double[] fftFreqs = new double[bins];
        double binHz = 1.0 / (fftSize * (1.0 / sampleRate));
        for (int k = 0; k < bins; k++)
        {
            fftFreqs[k] = k * binHz;
        }

        // numpy.linspace(min_mel, max_mel, n_mels + 2), then back to Hz.
        int points = melCount + 2;
        double maxMel = HzToMel(sampleRate / 2.0);
        double step = maxMel / (points - 1);
        double[] melHz = new double[points];
        for (int i = 0; i < points; i++)
        {
            melHz[i] = MelToHz(i == points - 1 ? maxMel : i * step);
        }

        float[] weights = new float[melCount * bins];
        for (int i = 0; i < melCount; i++)
        {
            double lowerDiff = melHz[i + 1] - melHz[i];
            double upperDiff = melHz[i + 2] - melHz[i + 1];
            double norm = 2.0 / (melHz[i + 2] - melHz[i]);
            for (int k = 0; k < bins; k++)
            {
                double lower = -(melHz[i] - fftFreqs[k]) / lowerDiff;
                double upper = (melHz[i + 2] - fftFreqs[k]) / upperDiff;
                float triangle = (float)Math.Max(0.0, Math.Min(lower, upper));
                weights[(i * bins) + k] = (float)(triangle * norm);
            }
        }

        return weights;
    }
}
