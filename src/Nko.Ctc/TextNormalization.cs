namespace Nko.Ctc;

/// <summary>How text is normalised before it is encoded to class ids.</summary>
public enum TextNormalization
{
    /// <summary>No normalisation: any character outside the vocabulary is an error (<see cref="OutOfVocabularyException"/>).</summary>
    None = 0,

    /// <summary>Characters outside the vocabulary are dropped silently. Use only when the caller has decided that this is acceptable.</summary>
    DropUnknown = 1,
}
