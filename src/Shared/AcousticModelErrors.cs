// Compiled into each acoustic back end (linked from its csproj), so their errors read alike without a public helper in
// Nko.Asr: Nko.Asr.Onnx and Nko.Asr.CoreML.
using System.Globalization;

namespace Nko.Asr;

/// <summary>Load-time errors every acoustic back end words the same way.</summary>
internal static class AcousticModelErrors
{
    /// <summary>The model's output has a class count other than the vocabulary's.</summary>
    public static AcousticModelException ClassMismatch(string model, string output, long classes, AcousticModelOptions options) =>
        new(string.Create(
            CultureInfo.InvariantCulture,
            $"Model '{model}': output {output} has {classes} classes but the vocabulary has {options.Vocabulary.Count} (blank at {options.Vocabulary.BlankIndex}); set AcousticModelOptions.Vocabulary to the vocabulary the model was trained with."));
}
