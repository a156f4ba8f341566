using System.Globalization;

namespace Nko.Candidates;

/// <summary>The first problem <see cref="ConfusionMap.Validate"/> found in the parts of a confusion map.</summary>
/// <param name="List">
/// The list it is in: <see cref="ConfusionMap.SubstitutionsList"/>, <see cref="ConfusionMap.DeletionsList"/>,
/// <see cref="ConfusionMap.InsertionsList"/> or <see cref="ConfusionMap.HypothesisLabelCountsList"/>.
/// </param>
/// <param name="Index">The index of the offending entry in that list (for hypothesis label counts: the class id; −1 when the list as a whole is wrong, e.g. its length).</param>
/// <param name="Field">
/// The offending property of the entry, by its .NET name (<c>From</c>, <c>To</c>, <c>Count</c>, <c>Label</c>,
/// <c>LeftContext</c>), or <see langword="null"/> when the entry as a whole is wrong (a duplicate) or the list has no fields.
/// </param>
/// <param name="Message">What is wrong, in a sentence.</param>
/// <remarks>
/// The names are .NET's (<paramref name="List"/> is the parameter of <see cref="ConfusionMap.Create"/>,
/// <paramref name="Field"/> the entry's property): a config loader maps them to its own file's names.
/// </remarks>
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
