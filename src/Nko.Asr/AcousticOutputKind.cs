namespace Nko.Asr;

/// <summary>What an acoustic model's output tensor holds; back ends normalise every kind to log-probabilities.</summary>
public enum AcousticOutputKind
{
    /// <summary>Natural-log probabilities, already log-softmax normalised per frame (for example a PyTorch <c>log_softmax</c> head). Passed through as is.</summary>
    LogProbs = 0,

    /// <summary>Unnormalised scores; the back end applies a numerically stable log-softmax per frame.</summary>
    Logits = 1,

    /// <summary>Probabilities (softmax output); the back end takes the natural log of every value.</summary>
    Probabilities = 2,
}
