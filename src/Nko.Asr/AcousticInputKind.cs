namespace Nko.Asr;

/// <summary>What an acoustic model (or encoder) takes as input, and so the memory layout of its <see cref="AcousticFeatures"/>.</summary>
public enum AcousticInputKind
{
    /// <summary>Encoder features, row-major <c>[frames, D]</c> (one row of D values per frame), for example a CTC head.</summary>
    Features = 0,

    /// <summary>
    /// A Whisper log-mel spectrogram, row-major <c>[mels, frames]</c> (one row of frames per mel band, the layout of
    /// <c>whisper.audio.log_mel_spectrogram</c>), for example a Whisper encoder or a recogniser that starts at log-mel.
    /// </summary>
    LogMel = 1,
}
