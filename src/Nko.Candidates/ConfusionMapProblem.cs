using System.Globalization;

namespace Nko.Candidates;

/// <summary>The first problem <see cref="ConfusionMap.Validate"/> found in the parts of a confusion map.</summary>
/// <param name="List">
/// The list it is in: <see cref="ConfusionMap.SubstitutionsList"/>, <see cref="ConfusionMap.DeletionsList"/>,
/// <see cref="ConfusionMap.InsertionsList"/> or <see cref="ConfusionMap.HypothesisLabelCountsList"/>.
/// </param>
/// <param name="Index">The index of the offending entry in that list (for hypothesis label counts: the class id; −1 when the list as a whole is wrong, e.g. its length).</param>
/// <param name="Field">
/// The offending field of the entry in snake_case (<c>from</c>, <c>to</c>, <c>count</c>, <c>label</c>,
/// <c>left_context</c>), or <see langword="null"/> when the entry as a whole is wrong (a duplicate) or the list has no fields.
/// </param>
/// <param name="Message">What is wrong, in a sentence.</param>
/// <remarks>A config loader turns (<paramref name="List"/>, <paramref name="Index"/>, <paramref name="Field"/>) into a JSON path.</remarks>
public readonly record struct ConfusionMapProblem(string List, int Index, string? Field, string Message)
{
    /// <summary>The location as a path: <c>list[index].field</c> (or <c>list[index]</c>, or <c>list</c> when <see cref="Index"/> is −1).</summary>
    public string Path => Index < 0
        ? List
        : Field is null
            ? string.Create(CultureInfo.InvariantCulture, $"{List}[{Index}]")
            : string.Create(CultureInfo.InvariantCulture, $"{List}[{Index}].{Field}");

    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
