// Compiled into each acoustic back end (linked from its csproj), so they resolve a model's signature and word its errors
// alike without a public helper in Nko.Asr: Nko.Asr.Onnx and Nko.Asr.CoreML.
using System.Globalization;

namespace Nko.Asr;

/// <summary>The load-time steps every acoustic back end takes the same way on its own description type.</summary>
internal static class BackEndSignature
{
    /// <summary>
    /// The input or output named <paramref name="name"/>, or the only one when no name is given; otherwise an error that
    /// lists them and names the option to set.
    /// </summary>
    public static T Pick<T>(string model, string role, IReadOnlyList<T> items, Func<T, string> nameOf, string? name, string optionName)
    {
        if (name is not null)
        {
            foreach (T item in items)
            {
                if (nameOf(item) == name)
                {
                    return item;
                }
            }

            throw new AcousticModelException(
                $"Model '{model}' has no {role} named '{name}'; its {role}s are {List(items)}. Fix AcousticModelOptions.{optionName}.");
        }

        if (items.Count != 1)
        {
            throw new AcousticModelException(
                $"Model '{model}' has {items.Count} {role}s ({List(items)}); name the one to use with AcousticModelOptions.{optionName}.");
        }

        return items[0];
    }

    /// <summary>The model's output has a class count other than the vocabulary's.</summary>
    public static AcousticModelException ClassMismatch(string model, string output, long classes, AcousticModelOptions options) =>
        new(string.Create(
            CultureInfo.InvariantCulture,
            $"Model '{model}': output {output} has {classes} classes but the vocabulary has {options.Vocabulary.Count} (blank at {options.Vocabulary.BlankIndex}); set AcousticModelOptions.Vocabulary to the vocabulary the model was trained with."));

    private static string List<T>(IReadOnlyList<T> items) => items.Count == 0 ? "none" : string.Join(", ", items);
}
