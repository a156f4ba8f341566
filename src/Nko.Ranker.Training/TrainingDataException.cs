namespace Nko.Ranker.Training;

/// <summary>Thrown when training data cannot produce a ranker (empty splits, OOV text, mismatched shapes, one-class labels).</summary>
public sealed class TrainingDataException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public TrainingDataException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
